import { fileURLToPath } from 'node:url';

/** The repository root (where intents/, dialogs/, locales/ and widget/ are). */
export const ROOT_DIR = fileURLToPath(new URL('..', import.meta.url));
