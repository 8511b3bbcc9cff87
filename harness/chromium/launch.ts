/**
 * Debian's Chromium (headless, through puppeteer-core: nothing is downloaded), started the one
 * way every browser check of the suite starts it: the Markdown rendering check
 * (harness/render-markdown) and the fleet site's test.
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Debian's Chromium (`apt-get install chromium`); CHROMIUM_PATH names another. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Starts Chromium; fails with what to install when it is missing. `purpose` completes "Chromium
 * is not installed at …: <purpose>", telling the reader why the check needs a real browser.
 */
export async function launchChromium(purpose: string): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium is not installed at ${CHROMIUM}: ${purpose}. Install it with \`apt-get install chromium\` (README, "Try it"), or set CHROMIUM_PATH to another Chromium.`,
    );
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // A stuck call fails in a minute rather than in puppeteer's default three.
    protocolTimeout: 60_000,
    // --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start.
    // The rest keep Chromium off the network (component updates, sync, field trials, QUIC),
    // which a closed machine answers slowly or never: the page under test is all it needs.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--font-render-hinting=none',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}
