import { z } from 'zod';
import type * as zm from 'zod/mini';
import type { ErrorCode, ErrorFrame } from './frames.js';

// zod/mini ships without messages; load the English ones once for the server side.
z.config(z.locales.en());

/** A protocol failure that knows how to answer on the wire. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly id?: string,
  ) {
    super(message);
  }

  toFrame(): ErrorFrame {
    const frame: ErrorFrame = { type: 'error', code: this.code, message: this.message };
    if (this.id !== undefined) frame.id = this.id;
    return frame;
  }
}

/** Every issue of a failed parse in one line each: `path: message`. */
export function describeIssues(error: zm.core.$ZodError): string {
  return error.issues
    .map((i) => `${i.path.length ? i.path.join('.') : '(frame)'}: ${i.message}`)
    .join('; ');
}
