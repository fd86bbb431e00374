/**
 * The text keys the engine itself uses (namespace `dialog`), so the checker can demand them in
 * every locale. Dialog files name their own keys; these are the global ones.
 */
export const ENGINE_KEYS = [
  'global.greeting',
  'global.help',
  'global.thanks',
  'global.glad',
  'global.goodbye',
  'global.restart',
  'global.switchTopic',
  'global.langSwitched',
  'global.didYouMean',
  'global.didYouMeanOne',
  'global.notUnderstood',
  'global.outOfScope',
  'global.reask',
  'global.handover',
  'global.feedbackThanks',
  'global.feedbackSorry',
  'global.askHuman',
  'global.inputThanks',
  'status.title',
  'status.titleAll',
  'status.line',
  'status.nothing',
  'status.nothingAll',
  'status.signedOut',
  'status.unavailable',
  'status.state.done',
  'status.state.in-progress',
  'status.state.action-needed',
  'status.state.not-started',
  'status.state.offered',
  'checklist.title',
  'checklist.line',
  'checklist.entry',
  'checklist.provider',
  'checklist.deadline',
  'mode.automatic',
  'mode.proactive',
  'mode.application',
  'mode.optional',
  'option.restart',
  'option.human',
  'option.continue',
  'synonyms.restart',
  'synonyms.human',
] as const;

/** Keys used with a count: every locale needs all plural forms of its language. */
export const ENGINE_PLURAL_KEYS = [
  'checklist.apply',
  'checklist.automatic',
  'status.found',
  'status.offers',
] as const;

/** The plural suffixes i18next asks for, per language (CLDR categories). */
export const PLURAL_FORMS = {
  et: ['one', 'other'],
  en: ['one', 'other'],
  ru: ['one', 'few', 'many', 'other'],
} as const;

/** The engine's own texts in locales/<lang>/conversation.json. */
export const CONVERSATION_KEYS = [
  'emergency.goOn',
  'clarify.explain',
  'clarify.unknown',
  'direct.since',
  'direct.inForce',
  'direct.adopted',
  'direct.source',
  'direct.provider',
  'direct.providerAutomatic',
  'direct.providerProactive',
  'direct.noFact',
  'direct.dependsOnMunicipality',
  'direct.dependsOnMunicipalityDeadline',
  'direct.local',
  'direct.noPlan',
  'switch.ask',
  'option.switch',
  'option.stay',
  'option.plan',
  'option.noPlan',
  'understood.intro',
  'understood.fix',
  'understood.noted',
  'understood.updated',
  'understood.municipality',
  'repair.first',
  'repair.second',
  'repair.hours',
  'smalltalk.robot',
  'smalltalk.creator',
  'smalltalk.languages',
  'smalltalk.compliment',
  'smalltalk.profanity',
  'smalltalk.affirm',
  'smalltalk.deny',
  'cues.clarify',
  'cues.correction',
] as const;

export const CONVERSATION_PLURAL_KEYS = ['direct.offer'] as const;

/**
 * The context a text takes when its `{{url}}` is empty (i18n.ts): `<key>_nolink`. A service with
 * no confirmed page (`noLink` in the catalog) is answered with these forms, which name the
 * provider and no link.
 */
export const NO_LINK_CONTEXT = 'nolink';

/** Answers that give a service's link: each has a `_nolink` form in every language. */
export const NO_LINK_KEYS = [
  'direct.provider',
  'direct.providerAutomatic',
  'direct.providerProactive',
  'direct.noFact',
  'direct.planService',
] as const;
