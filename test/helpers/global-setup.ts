/** Builds dist/widget/widget.js once before the suite, so browser tests never run a stale build. */
import { buildWidget } from '../../scripts/build-widget.js';

export default async function setup(): Promise<void> {
  await buildWidget();
}
