/**
 * Headless Chromium from the OS packages (Debian's `chromium`), driven by playwright-core. CI
 * installs it with `apt-get install chromium`; a missing browser fails the test with that advice
 * instead of skipping silently.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
