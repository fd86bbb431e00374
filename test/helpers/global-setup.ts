/**
 * Once before the suite: builds dist/widget/widget.js, so browser tests never run a stale
 * build, and finds the browser (unpacking the npm one if that is the one), so the test
 * workers do not each unpack 200 MB at the same time.
 */
import { buildWidget } from '../../scripts/build-widget.js';
import { findChromium } from './chromium.js';

export default async function setup(): Promise<void> {
  await buildWidget();
  findChromium();
}
