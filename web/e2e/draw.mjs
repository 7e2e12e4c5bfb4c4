// Measures how fast the explorer draws a large graph, for the Go benchmark
// cmd/diplograph BenchmarkExplorerDraw10k:
//
//   DIPLOGRAPH_URL=... HUB=<id> EXPAND=<id>,<id>,... ITERATIONS=n node e2e/draw.mjs
//
// Each iteration opens a fresh page on the hub's 1-hop neighborhood, then its 2-hop one, then
// expands the first of EXPAND (as a tap does); then a fresh page on a link that expands all of
// EXPAND at once. It reads the page's own timings (window.__explorer.draws: fetch, layout and
// total milliseconds, from performance.now()) and prints one JSON object per draw.
import assert from 'node:assert/strict';
import { guard, launch } from './browser.mjs';

const base = process.env.DIPLOGRAPH_URL;
const hub = process.env.HUB;
const expand = (process.env.EXPAND ?? '').split(',').filter(Boolean);
const neighbor = expand[0];
const iterations = Number(process.env.ITERATIONS ?? 1);
assert.ok(base && hub && neighbor, 'DIPLOGRAPH_URL, HUB and EXPAND are required');

const browser = await launch();
const blocked = [];
const problems = [];
try {
  for (let i = 0; i < iterations; i++) {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(120_000);
    await guard(page, { blocked, problems });
    for (const [view, hash] of [
      ['neighborhood', `#entity=${hub}&hops=1`],
      ['neighborhood', `#entity=${hub}&hops=2`],
      ['expand', `#entity=${hub}&hops=2&expand=${neighbor}`],
    ]) {
      const before = await page.evaluate(() => window.__explorer?.draws.length ?? 0).catch(() => 0);
      if (page.url() === 'about:blank') await page.goto(`${base}/${hash}`);
      else await page.evaluate((h) => { location.hash = h; }, hash);
      await page
        .waitForFunction(
          ([n, v]) => window.__explorer && window.__explorer.draws.length > n && window.__explorer.draws.at(-1).view === v &&
            document.querySelector('[data-testid=graph-canvas]').dataset.state === 'ready',
          [before, view],
        )
        .catch(async (err) => {
          const status = await page.locator('#status').textContent().catch(() => '');
          throw new Error(`${hash} was not drawn: ${err.message}; status: ${status}; problems: ${problems}`);
        });
      const draw = await page.evaluate(() => window.__explorer.draws.at(-1));
      console.log(JSON.stringify({ ...draw, hash }));
    }
    await page.close();
    // A link that restores a big view: every expansion fetched together, laid out once.
    const big = await browser.context.newPage();
    big.setDefaultTimeout(120_000);
    await guard(big, { blocked, problems });
    const hash = `#entity=${hub}&hops=2&expand=${expand.join(',')}`;
    await big.goto(`${base}/${hash}`);
    await big.waitForFunction(() => window.__explorer?.draws.at(-1)?.view === 'expand' &&
      document.querySelector('[data-testid=graph-canvas]').dataset.state === 'ready');
    console.log(JSON.stringify({ ...(await big.evaluate(() => window.__explorer.draws.at(-1))), view: 'link', hash }));
    await big.close();
  }
} finally {
  await browser.close();
}
assert.deepEqual(blocked, [], 'requests that left 127.0.0.1');
assert.deepEqual(problems, [], 'page or console errors');
