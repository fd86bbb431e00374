/** Back-office browser tests: the shared launcher (./browser.ts) and an axe-core check. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { launchPersistentBrowser } from './browser.js';

/** The back office keeps its session cookie across pages: a persistent profile. */
export const launchStaffBrowser = launchPersistentBrowser;

/** axe-core's violations of any impact (minor included) on the page, as "id: target" lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  const require = createRequire(import.meta.url);
  // Evaluated over the DevTools protocol: the page's CSP (script-src 'self') stays in force.
  await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(): Promise<{
            violations: { id: string; impact: string; nodes: { target: string[] }[] }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run();
    return result.violations.map(
      (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
  });
}
