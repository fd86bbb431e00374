/**
 * The assistant behind Botkit: any Botkit channel adapter (Bot Framework for Teams and Web
 * Chat, Slack, Facebook, Twilio SMS, Webex...) delivers activities here, and they go through
 * the channel gateway to the same turn path as the widget's messages. Botkit is the bridge
 * only; the dialog engine stays ours (README, "Other channels").
 *
 * This module loads Botkit and the Bot Framework SDK (~180 MB, seconds to import); it is
 * imported only when a channel is configured (../index.ts).
 */
import botkitModule from 'botkit';
import type { BotWorker, BotkitMessage } from 'botkit';
import type { Activity, BotAdapter, Storage, TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { Logger } from '../../logger.js';
import type { ChannelCapabilities, ChannelGateway, IncomingMessage } from '../gateway.js';
import type { ChannelMessage } from '../render.js';

const { Botkit } = botkitModule;

/** The parts of an activity the bridge reads, checked before anything uses them. */
const IncomingActivity = z.object({
  type: z.string(),
  id: z.string().optional(),
  channelId: z.string().min(1),
  text: z.string().optional(),
  locale: z.string().optional(),
  from: z.object({ id: z.string().min(1) }),
  recipient: z.object({ id: z.string() }).optional(),
  conversation: z.object({ id: z.string().min(1) }),
  membersAdded: z.array(z.object({ id: z.string() })).optional(),
});
type IncomingActivity = z.infer<typeof IncomingActivity>;

/**
 * Channels whose clients show suggested actions, and how many (botbuilder-dialogs'
 * choices/channel.ts, supportsSuggestedActions). Elsewhere (Teams, Slack, SMS...) quick
 * replies become numbered lines.
 */
const SUGGESTED_ACTIONS: Record<string, number> = {
  facebook: 10,
  skype: 10,
  line: 13,
  kik: 20,
  telegram: 100,
  emulator: 100,
  directline: 100,
  webchat: 100,
  directlinespeech: 100,
};

/**
 * Botkit keeps its own dialogs' state per conversation, by default in a memory map that never
 * forgets. Its dialogs are not used here (the conversation state is the session's), so
 * nothing is kept.
 */
const FORGETFUL: Storage = {
  read: () => Promise.resolve({}),
  write: () => Promise.resolve(),
  delete: () => Promise.resolve(),
};

export interface BotkitBridgeOptions {
  /**
   * The Botkit channel adapter the activities come from; absent: Botkit's own Bot Framework
   * adapter (Teams, Web Chat, the Emulator...) with `botFramework`'s credentials.
   */
  adapter?: BotAdapter;
  botFramework?: { appId: string; appPassword: string };
  gateway: ChannelGateway;
  logger: Logger;
}

export interface BotkitBridge {
  /** Botkit's controller, with the assistant's handlers on it. */
  controller: InstanceType<typeof Botkit>;
  /** The adapter in use; its processActivity(req, res, handleTurn) serves a webhook. */
  adapter: BotAdapter & {
    processActivity?(
      req: unknown,
      res: unknown,
      logic: (context: TurnContext) => Promise<void>,
    ): Promise<void>;
  };
  /** Runs one turn: what an adapter's processActivity calls. */
  handleTurn(context: TurnContext): Promise<void>;
  close(): Promise<void>;
}

export function createBotkitBridge(options: BotkitBridgeOptions): BotkitBridge {
  const { gateway, logger } = options;
  // No web server of Botkit's own: the adapter's route is mounted on ours (../index.ts), where
  // a failed request is answered and logged instead of becoming an unhandled rejection.
  const controller = new Botkit({
    ...(options.adapter
      ? { adapter: options.adapter }
      : { adapterConfig: options.botFramework ?? {} }),
    disable_webserver: true,
    disable_console: true,
    storage: FORGETFUL,
  });

  const read = (message: BotkitMessage): IncomingActivity | undefined => {
    const parsed = IncomingActivity.safeParse(message.incoming_message);
    if (parsed.success) return parsed.data;
    logger.warn(
      { issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
      'channel activity dropped: not a valid activity',
    );
    return undefined;
  };

  const send = async (bot: BotWorker, message: BotkitMessage, out: ChannelMessage[]) => {
    const to = read(message)?.from.id;
    for (const m of out) {
      const activity: Partial<Activity> = { type: 'message', text: m.text, textFormat: 'plain' };
      if (m.suggestedActions && to) {
        activity.suggestedActions = {
          to: [to],
          actions: m.suggestedActions.map((label) => ({
            type: 'imBack',
            title: label,
            value: label,
          })),
        };
      }
      await bot.reply(message, activity);
    }
  };

  controller.on(
    ['message', 'direct_message', 'direct_mention', 'mention'],
    async (bot: BotWorker, message: BotkitMessage) => {
      const activity = read(message);
      if (!activity) return;
      const incoming: IncomingMessage = { ...contactOf(activity) };
      if (activity.id) incoming.id = activity.id;
      if (activity.text !== undefined) incoming.text = activity.text;
      await send(bot, message, await gateway.receive(incoming, capabilities(activity)));
    },
  );

  // Someone joined (Teams, Web Chat and the Emulator tell): greet them before they write.
  controller.on('conversationUpdate', async (bot: BotWorker, message: BotkitMessage) => {
    const activity = read(message);
    if (!activity) return;
    const joined = activity.membersAdded?.some((m) => m.id !== activity.recipient?.id);
    if (!joined) return;
    await send(bot, message, await gateway.greet(contactOf(activity), capabilities(activity)));
  });

  return {
    controller,
    adapter: controller.adapter as BotkitBridge['adapter'],
    async handleTurn(context) {
      await controller.handleTurn(context);
    },
    async close() {
      await controller.shutdown();
    },
  };
}

/** Who writes where. The channel id names the platform, cut to a safe label. */
function contactOf(activity: IncomingActivity): Omit<IncomingMessage, 'text' | 'id'> {
  const channel = /^[a-z0-9-]{1,32}$/i.test(activity.channelId)
    ? activity.channelId.toLowerCase()
    : 'botkit';
  const contact: Omit<IncomingMessage, 'text' | 'id'> = {
    channel,
    key: `${channel}\n${activity.conversation.id}\n${activity.from.id}`,
  };
  if (activity.locale) contact.locale = activity.locale;
  return contact;
}

function capabilities(activity: IncomingActivity): ChannelCapabilities {
  return { suggestedActions: SUGGESTED_ACTIONS[activity.channelId.toLowerCase()] ?? 0 };
}
