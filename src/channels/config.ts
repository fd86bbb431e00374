/**
 * Configuration of the channels beyond the widget (validated with the rest in src/config.ts).
 * `CHANNELS` lists the ones to run; each one's settings are required only when it is listed.
 */
import { z } from 'zod';

/** Channels that configuration can turn on; Botkit is loaded only when one is listed. */
export const CHANNEL_NAMES = ['botframework'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

export const CHANNEL_CONFIG = {
  /** Comma-separated, e.g. `botframework`; empty: the widget and REST only. */
  CHANNELS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(CHANNEL_NAMES, { error: `must be one of ${CHANNEL_NAMES.join(', ')}` }))),
  /** Azure Bot registration (Teams, Web Chat...): the app id and its client secret. */
  BOTFRAMEWORK_APP_ID: z.string().min(1).optional(),
  BOTFRAMEWORK_APP_PASSWORD: z.string().min(1).optional(),
};

interface ChannelConfig {
  CHANNELS: ChannelName[];
  BOTFRAMEWORK_APP_ID?: string | undefined;
  BOTFRAMEWORK_APP_PASSWORD?: string | undefined;
}

/** Rules across variables: a listed channel needs its credentials. */
export function checkChannelConfig(c: ChannelConfig, ctx: z.RefinementCtx): void {
  if (!c.CHANNELS.includes('botframework')) return;
  // Without them the Bot Framework adapter accepts any request as the Bot Connector's.
  for (const key of ['BOTFRAMEWORK_APP_ID', 'BOTFRAMEWORK_APP_PASSWORD'] as const) {
    if (!c[key])
      ctx.addIssue({
        code: 'custom',
        path: [key],
        message: 'required when CHANNELS has botframework',
      });
  }
}
