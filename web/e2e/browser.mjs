// Starts Debian's Chromium headless through playwright-core, with the flags this machine needs
// (no sandbox as root, no background networking: the network is closed) and a fresh profile,
// and opens pages that can reach only the server under test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * launch starts Chromium with a new empty profile. close() stops it and removes the profile.
 */
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'diplograph-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * guard makes page abort every request that leaves 127.0.0.1 (recorded in blocked) and records
 * uncaught page errors, console errors (CSP violations among them) and console warnings (a
 * library's complaint, such as Cytoscape's about an edge it cannot draw) in problems.
 */
export async function guard(page, { blocked, problems }) {
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const local = url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:';
    if (local) return route.continue();
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
}
