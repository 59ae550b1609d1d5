/**
 * Headless Chromium from the OS packages (Debian's `chromium`), driven by playwright-core. CI
 * installs it with `apt-get install chromium`; a missing browser fails the test with that advice
 * instead of skipping silently.
 */
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.SPIRAL_CHROMIUM ?? '/usr/bin/chromium';

export async function launchChromium(executablePath = CHROMIUM_PATH): Promise<Browser> {
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium not found at ${executablePath}. Browser tests need the OS package: CI installs it with ` +
        '`apt-get install -y chromium`; do the same locally (or set SPIRAL_CHROMIUM to a Chromium binary).',
    );
  }
  return chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface OpenedReport {
  page: Page;
  /** Console errors/warnings and page errors. */
  errors: string[];
  /** Requests for anything but the report file (all aborted). */
  foreign: string[];
}

/** Opens a report file offline (every other request aborted) and waits until its charts are drawn. */
export async function openReportFile(browser: Browser, file: string): Promise<OpenedReport> {
  const url = pathToFileURL(file).href;
  const errors: string[] = [];
  const foreign: string[] = [];
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 } });
  await context.route('**/*', async (route) => {
    if (route.request().url() === url) return route.continue();
    foreign.push(route.request().url());
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('html[data-charts]', { timeout: 15_000 });
  return { page, errors, foreign };
}
