import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { describe, it } from 'vitest';

/** Debian's chromium, driven by playwright-core (no browser download: `npx playwright install` is never needed). */
export const CHROMIUM = process.env.DSL_CHROMIUM ?? '/usr/bin/chromium';
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false' && process.env.CI !== '0';

/**
 * A suite that needs the browser. Without one it is skipped, with the reason in its name;
 * in CI (CI=true, where .ci/run installs chromium) a missing browser is a failure instead.
 */
export function browserSuite(name: string, body: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, body);
    return;
  }
  if (inCi) {
    describe(name, () => {
      it(`needs ${CHROMIUM}`, () => {
        throw new Error(`${CHROMIUM} is missing: apt-get install -y --no-install-recommends chromium (or set DSL_CHROMIUM)`);
      });
    });
    return;
  }
  describe.skip(`${name} (skipped: ${CHROMIUM} not found; apt-get install chromium)`, body);
}

export interface Browser {
  readonly page: Page;
  close(): Promise<void>;
}

/** Headless chromium with a fresh profile and nothing that reaches the network on its own. */
export async function openBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'dsl-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1360, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
