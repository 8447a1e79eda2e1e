import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** The distribution's Chromium (scripts/setup.sh installs Debian's `chromium` when run as root). */
export const CHROMIUM = process.env.CRUCIBLE_CHROMIUM ?? '/usr/bin/chromium';

/** Headless Chromium for the browser tests, or an error that says how to install it. */
export async function launchChromium(purpose: string): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: the ${purpose} browser test drives it headless with playwright-core. ` +
        'Install it with `sudo apt-get install chromium` (Debian; `npm run setup` does it when run as root), ' +
        'or point CRUCIBLE_CHROMIUM at a Chromium or Chrome executable.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true });
}
