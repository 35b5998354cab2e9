import { chromium, type Browser } from 'playwright-core';
import { provideChromium } from '../../src/stack/chromium';

/**
 * One headless Chromium for a browser suite (issue #14): Debian's, found or installed by
 * provideChromium (CHROMIUM_PATH, PATH, then apt-get as root). Playwright's own browser builds
 * need a download from the internet; playwright-core drives any Chromium by its path.
 */
export async function launchChromium(log: (line: string) => void = (line) => process.stderr.write(`[chromium] ${line}\n`)): Promise<Browser> {
  const found = await provideChromium(log);
  return chromium.launch({
    executablePath: found.path,
    headless: true,
    // Root has no user namespace sandbox here; the pages are our own console on 127.0.0.1.
    chromiumSandbox: false,
    args: ['--disable-gpu', '--disable-dev-shm-usage'],
  });
}
