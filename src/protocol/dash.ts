import type { Lang } from './frames.js';

/**
 * The dash between two parts of a plain-text line ("name – provider"). Estonian writes the
 * mõttekriips as an en dash with spaces; Russian and English keep the em dash.
 */
export const LINE_DASH: Readonly<Record<Lang, string>> = { et: ' – ', ru: ' — ', en: ' — ' };
