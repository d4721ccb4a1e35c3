/**
 * A real headless browser (Debian's chromium driven by playwright-core) logged in to a test service's console, as an
 * operator would be: the login form filled with the operations key. Screenshots go to test-artifacts/console/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';
import { findProjectRoot } from '../cpo-simulator/fixtures';
import { TEST_OPERATIONS_API_KEY, TestService } from './test-service';

export const CONSOLE_ARTIFACTS = join(findProjectRoot(), 'test-artifacts', 'console');

export interface ConsoleBrowser {
  browser: Browser;
  page: Page;
  /** Saves a full-page screenshot of the current page as test-artifacts/console/{name}.png. */
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Launches chromium, logs in through the console's login form, and leaves the page on the connections list. */
export async function openConsole(service: TestService): Promise<ConsoleBrowser> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${service.url}/console/login`);
    await page.fill('#key', TEST_OPERATIONS_API_KEY);
    await Promise.all([page.waitForURL(/\/console\/connections/), page.click('button[type=submit]')]);
    mkdirSync(CONSOLE_ARTIFACTS, { recursive: true });
    return {
      browser,
      page,
      screenshot: async (name) => void (await page.screenshot({ path: join(CONSOLE_ARTIFACTS, `${name}.png`), fullPage: true })),
      close: () => browser.close(),
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
