/**
 * The protocol's plain constants, without zod: the widget imports these (and the types of
 * frames.ts) so its bundle does not carry the server's schemas. frames.ts re-exports them.
 */
export const PROTOCOL_VERSION = 1;

export const LANGS = ['et', 'en', 'ru'] as const;

/** Hard limits on what a client may send; the transport enforces the frame size before parsing. */
export const LIMITS = {
  textMaxChars: 2000,
  idMaxChars: 64,
  tokenMaxChars: 8192,
  commentMaxChars: 1000,
} as const;
