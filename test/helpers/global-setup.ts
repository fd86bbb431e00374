/**
 * Builds dist/widget/widget.js and the compiled server dist/main.js once before the suite, so
 * browser and process tests never run a stale build; finds the browser (unpacking the npm one
 * if that is the one), so the test workers do not each unpack 200 MB at the same time.
 */
import { buildServer } from '../../scripts/build-server.js';
import { buildWidget } from '../../scripts/build-widget.js';
import { findChromium } from './chromium.js';

export default async function setup(): Promise<void> {
  await buildWidget();
  await buildServer();
  findChromium();
}
