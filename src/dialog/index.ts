/** What the composition root needs from the dialog layer. */
export { createDialogAssistant, type DialogAssistantOptions } from './engine.js';
export { loadDialogBundle, readDialogBundle, type DialogBundle } from './load.js';
export { checkDialogBundle } from './check.js';
export { DialogDataError, formatProblem, type Problem } from './problem.js';
export { DIALOG_STATE_VERSION, type DialogState } from './state.js';
