/**
 * Channels beyond the widget. Botkit and the Bot Framework SDK are loaded only when a channel
 * is configured (`CHANNELS`) or attached: a server without channels never imports them.
 *
 * Each configured channel gets a webhook, `POST /api/channels/<name>/messages`, served by its
 * Botkit adapter; the adapter checks the platform's signature before a turn is taken.
 */
import type { Express, Request, Response } from 'express';
import type { BotAdapter, TurnContext } from 'botbuilder';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { ChannelName } from './config.js';
import { createChannelGateway, type ChannelGateway } from './gateway.js';
import type { ChannelTurns } from './turns.js';
import type { BotkitBridge, BotkitBridgeOptions } from './botkit/bridge.js';

export interface ChannelsOptions {
  config: Pick<
    Config,
    | 'CHANNELS'
    | 'BOTFRAMEWORK_APP_ID'
    | 'BOTFRAMEWORK_APP_PASSWORD'
    | 'WS_RATE_LIMIT'
    | 'WS_RATE_WINDOW_MS'
    | 'SESSION_TTL_MS'
  >;
  turns: ChannelTurns;
  logger: Logger;
}

export interface Channels {
  /** Mounts the webhooks of the configured channels (they answer once start() is done). */
  mount(app: Express): void;
  /** Loads Botkit and creates the configured channels' adapters. */
  start(): Promise<void>;
  /**
   * Puts the assistant behind any Botkit channel adapter (botbuilder's TestAdapter in tests)
   * and returns the turn handler the adapter's processActivity is to call.
   */
  attach(adapter: BotAdapter): Promise<(context: TurnContext) => Promise<void>>;
  close(): Promise<void>;
}

/** Conversations a server keeps per channel process; the least recently used go first. */
const MAX_CONVERSATIONS = 50_000;

export const webhookPath = (name: ChannelName) => `/api/channels/${name}/messages`;

export function createChannels(options: ChannelsOptions): Channels {
  const { config, logger } = options;
  let gateway: ChannelGateway | undefined;
  const bridges: BotkitBridge[] = [];
  const configured = new Map<ChannelName, BotkitBridge>();

  const gatewayOnce = () =>
    (gateway ??= createChannelGateway({
      turns: options.turns,
      logger,
      limits: {
        rateLimit: config.WS_RATE_LIMIT,
        rateWindowMs: config.WS_RATE_WINDOW_MS,
        idleMs: config.SESSION_TTL_MS,
        maxConversations: MAX_CONVERSATIONS,
      },
    }));

  async function bridge(settings: Omit<BotkitBridgeOptions, 'gateway' | 'logger'>) {
    const { createBotkitBridge } = await import('./botkit/bridge.js').catch((err: unknown) => {
      // botkit is an optional dependency: `npm ci --omit=optional` leaves its 180 MB out.
      throw new Error(
        'Channels need the optional dependencies botkit and botbuilder: run npm install without --omit=optional.',
        { cause: err },
      );
    });
    const created = createBotkitBridge({ ...settings, gateway: gatewayOnce(), logger });
    bridges.push(created);
    return created;
  }

  return {
    mount(app) {
      for (const name of config.CHANNELS) {
        app.post(webhookPath(name), (req: Request, res: Response) => {
          const channel = configured.get(name);
          if (!channel?.adapter.processActivity) {
            res.status(503).json({ error: { code: 'STARTING', message: 'Not ready yet.' } });
            return;
          }
          // The adapter answers the request itself (401 for a bad signature) and then rejects.
          channel.adapter
            .processActivity(req, res, (context) => channel.handleTurn(context))
            .catch((err: unknown) =>
              logger.warn({ err, channel: name }, 'channel request refused'),
            );
        });
      }
    },
    async start() {
      for (const name of config.CHANNELS) {
        if (name === 'botframework') {
          configured.set(
            name,
            await bridge({
              botFramework: {
                appId: config.BOTFRAMEWORK_APP_ID ?? '',
                appPassword: config.BOTFRAMEWORK_APP_PASSWORD ?? '',
              },
            }),
          );
        }
        logger.info({ channel: name, path: webhookPath(name) }, 'channel ready');
      }
    },
    async attach(adapter) {
      const created = await bridge({ adapter });
      return (context) => created.handleTurn(context);
    },
    async close() {
      await Promise.all(bridges.map((b) => b.close()));
    },
  };
}
