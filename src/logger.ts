import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs to stderr, so stdout stays clean for the CLIs. */
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { service: 'life-event-assistant' },
      redact: { paths: ['token', '*.token', 'text', '*.text'], censor: '[redacted]' },
    },
    pino.destination(2),
  );
}
