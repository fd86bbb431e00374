/**
 * Builds dist/widget/widget.js and the compiled server dist/main.js once before the suite, so
 * browser and process tests never run a stale build.
 */
import { buildServer } from '../../scripts/build-server.js';
import { buildWidget } from '../../scripts/build-widget.js';

export default async function setup(): Promise<void> {
  await buildWidget();
  await buildServer();
}
