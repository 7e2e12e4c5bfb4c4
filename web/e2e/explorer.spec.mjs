// The explorer walked as a researcher would, in Debian's Chromium, against a running diplograph
// on the built-in data set:
//
//   DIPLOGRAPH_URL=http://127.0.0.1:8080 SCREENSHOTS=dir node e2e/explorer.spec.mjs
//
// (The Go test cmd/diplograph TestExplorerInBrowser starts the server and runs this.) Every
// request that leaves 127.0.0.1 is aborted, and any blocked request, page error, console error (a
// CSP violation among them) or console warning fails the run.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { guard, launch } from './browser.mjs';

const base = process.env.DIPLOGRAPH_URL;
const shots = process.env.SCREENSHOTS;
assert.ok(base, 'DIPLOGRAPH_URL must name the server under test');
assert.ok(shots, 'SCREENSHOTS must name a folder for the screenshots');
mkdirSync(shots, { recursive: true });

const VELASCO = 'person:roberto-velasco';
const TOBIN = 'person:katie-tobin';
const HLED = 'dialogue:us-mexico-high-level-economic-dialogue';

let browser;
let page;
const blocked = [];
const problems = [];

before(async () => {
  browser = await launch();
  browser.context.setDefaultTimeout(15_000);
  page = await browser.context.newPage();
  await guard(page, { blocked, problems });
});

after(async () => {
  await browser?.close();
});

const canvas = () => page.getByTestId('graph-canvas');
const citations = () => page.getByTestId('citation-panel');

async function nodeCount() {
  return Number(await canvas().getAttribute('data-node-count'));
}

/** waitForView waits until the canvas shows view, drawn and idle. */
async function waitForView(view, minNodes = 1) {
  await page.waitForFunction(
    ([v, n]) => {
      const c = document.querySelector('[data-testid=graph-canvas]');
      return c.dataset.view === v && c.dataset.state === 'ready' && Number(c.dataset.nodeCount) >= n;
    },
    [view, minNodes],
  );
}

/** sourceText fetches the full text of every source, white space squeezed, through the API. */
async function sourceTexts() {
  const res = await page.request.post(`${base}/graphql`, {
    data: { query: '{ sources(first: 100) { edges { node { title text } } } }' },
  });
  assert.equal(res.status(), 200);
  const body = await res.json();
  return body.data.sources.edges.map((e) => ({ title: e.node.title, text: squeeze(e.node.text) }));
}

// squeeze folds white space and typographic quotes the way the API compares quotes.
function squeeze(s) {
  return s.replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"').replace(/\s+/g, ' ').trim();
}

async function search(text) {
  const input = page.getByTestId('search-input');
  await input.fill('');
  await input.pressSequentially(text, { delay: 20 });
  try {
    await page.getByTestId('search-result').first().waitFor();
  } catch (err) {
    // Say where focus and the box are: a result that never shows has many possible causes.
    const seen = await page.evaluate(() => ({
      focus: document.activeElement?.id || document.activeElement?.tagName,
      box: document.querySelector('[data-testid=search-input]').value,
      listHidden: document.getElementById('search-results').hidden,
      hash: location.hash,
    }));
    err.message += `\nsearching for ${JSON.stringify(text)}, the page has ${JSON.stringify(seen)}`;
    throw err;
  }
}

test('search as you type finds Roberto Velasco', async () => {
  await page.goto(base);
  await search('Velasco');
  const results = page.getByTestId('search-result');
  await assert.doesNotReject(results.filter({ hasText: 'Roberto Velasco' }).first().waitFor());
  assert.equal(await results.first().getAttribute('data-id'), VELASCO);
});

test('the keyboard opens him: ArrowDown then Enter', async () => {
  const input = page.getByTestId('search-input');
  await input.press('ArrowDown');
  assert.equal(await input.getAttribute('aria-activedescendant'), 'search-result-0');
  assert.equal(await page.locator('#search-result-0').getAttribute('aria-selected'), 'true');
  await input.press('Enter');
  await waitForView('neighborhood', 5);
  assert.ok((await nodeCount()) >= 5, `node count ${await nodeCount()}, want at least 5`);
  assert.match(page.url(), /#entity=person:roberto-velasco/);
});

test('his citation is a verbatim quote from the source, with its title', async () => {
  await page.locator('#details-title', { hasText: 'Roberto Velasco' }).waitFor();
  const quotes = await citations().locator('blockquote').allTextContents();
  assert.ok(quotes.length >= 1, 'no quote in the citation panel');
  const sources = await sourceTexts();
  for (const q of quotes) {
    const quote = squeeze(q.replace(/^“|”$/g, ''));
    assert.ok(sources.some((s) => s.text.includes(quote)), `quote not in any source: ${quote}`);
  }
  assert.ok(quotes.some((q) => q.includes('Roberto Velasco')), `no quote names him: ${quotes}`);
  const cite = await citations().locator('cite').first().textContent();
  assert.ok(sources.some((s) => s.title === cite), `source title ${cite} is not a source's`);
  await page.screenshot({ path: join(shots, 'explorer.png') });
});

test('a deep link restores the view', async () => {
  await page.reload();
  await waitForView('neighborhood', 5);
  await page.locator('#details-title', { hasText: 'Roberto Velasco' }).waitFor();
  assert.ok((await citations().textContent()).includes('Roberto Velasco'));
});

test('the keyboard reaches his connections, and focus follows to what opens', async () => {
  const link = page.locator('#details .connections li button.link:not([title])').first();
  const name = (await link.textContent()).trim();
  await link.focus();
  await page.keyboard.press('Enter');
  await page.locator('#details-title', { hasText: name }).waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'details-title');
  assert.match(page.url(), /&sel=/);
});

test('tapping a node expands it', async () => {
  const before = await nodeCount();
  // The 2023 Action Plans are two hops from him (he attended the plenary that adopted them); the
  // dialogues they support are a third hop away, so expanding them adds nodes.
  const plans = 'initiative:2023-action-plans';
  const pos = await page.evaluate((id) => window.__explorer.renderedPosition(id), plans);
  assert.ok(pos, `${plans} is not drawn`);
  const box = await canvas().boundingBox();
  await page.mouse.click(box.x + pos.x, box.y + pos.y);
  await page.waitForFunction((id) => location.hash.includes(`expand=${id}`), plans);
  await waitForView('neighborhood', before + 1);
  assert.ok((await nodeCount()) > before, `node count ${await nodeCount()}, want more than ${before}`);
  await page.locator('#details-title', { hasText: '2023 Action Plans' }).waitFor();
});

test('the timeline lists the meetings of the open entity and opens one', async () => {
  const strip = page.locator('#timeline button');
  await strip.first().waitFor();
  assert.ok((await strip.count()) >= 1);
  await strip.first().click();
  await waitForView('neighborhood', 2);
  assert.match(page.url(), /#entity=meeting:/);
});

test('Biden\'s timeline keeps apart the meeting he attended and the plenary his government was at', async () => {
  await search('Biden');
  await page.getByTestId('search-result').filter({ hasText: 'Biden' }).first().click();
  await page.locator('#details-title', { hasText: 'Biden' }).waitFor();
  await page.locator('#timeline-title', { hasText: 'Biden' }).waitFor();
  const direct = page.getByTestId('timeline-direct');
  const indirect = page.getByTestId('timeline-indirect');
  await indirect.first().waitFor();
  assert.equal(await direct.count(), 1, 'one meeting attended');
  assert.match(await direct.first().textContent(), /July 2022|2022-07/);
  assert.equal(await indirect.count(), 1, 'one meeting reached through an organization');
  assert.match(await indirect.first().textContent(), /14th Plenary.*via U\.S\. Government/s);
});

test('the path from Katie Tobin to the High-Level Economic Dialogue is highlighted, a quote on every hop', async () => {
  await search('Katie Tobin');
  await page.getByTestId('search-result').filter({ hasText: 'Katie Tobin' }).first().click();
  await page.locator('#details-title', { hasText: 'Katie Tobin' }).waitFor();
  await page.getByRole('button', { name: 'Path from here' }).click();
  await search('High-Level Economic Dialogue');
  await page.getByTestId('search-result').filter({ hasText: 'High-Level Economic Dialogue' }).first().click();
  await page.locator('#details-title', { hasText: 'High-Level Economic Dialogue' }).waitFor();
  await page.getByRole('button', { name: 'Path to here' }).click();
  await waitForView('paths', 2);
  assert.match(page.url(), new RegExp(`from=${TOBIN}&to=${HLED}`));
  const shortest = Number(await canvas().getAttribute('data-shortest-count'));
  assert.ok(shortest >= 3, `highlighted shortest path has ${shortest} nodes, want at least 3`);
  const hops = citations().locator('.hop-evidence > li');
  assert.equal(await hops.count(), shortest - 1, 'one evidence entry per hop');
  for (let i = 0; i < shortest - 1; i++) {
    assert.ok((await hops.nth(i).locator('blockquote').count()) >= 1, `hop ${i + 1} has no quote`);
  }
  await page.screenshot({ path: join(shots, 'explorer-path.png') });
});

test('export: a PNG of the view and the API downloads of the neighborhood', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-png').click()]);
  const png = readFileSync(await download.path());
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'not a PNG');
  for (const [id, format, marker] of [['export-graphml', 'graphml', '<graphml'], ['export-csv', 'csv', TOBIN], ['export-json', 'json', TOBIN]]) {
    const href = await page.locator(`#${id}`).getAttribute('href');
    const q = new URL(href, base).searchParams;
    assert.deepEqual([q.get('format'), q.get('id')], [format, TOBIN], href);
    const res = await page.request.get(new URL(href, base).href);
    assert.equal(res.status(), 200, `${href}`);
    assert.ok((await res.text()).includes(marker), `${href} lacks ${marker}`);
  }
});

test('at phone width the panels stack under the graph and nothing scrolls sideways', async () => {
  const phone = await browser.context.newPage();
  await guard(phone, { blocked, problems });
  await phone.setViewportSize({ width: 360, height: 740 });
  await phone.goto(`${base}/#entity=${VELASCO}`);
  await phone.waitForFunction(() => Number(document.querySelector('[data-testid=graph-canvas]').dataset.nodeCount) >= 5);
  await phone.locator('#details-title', { hasText: 'Roberto Velasco' }).waitFor();
  const graph = await phone.getByTestId('graph-canvas').boundingBox();
  const panel = await phone.getByTestId('citation-panel').boundingBox();
  assert.ok(graph.width <= 360 && panel.y >= graph.y + graph.height, `graph ${JSON.stringify(graph)}, panel ${JSON.stringify(panel)}`);
  await phone.screenshot({ path: join(shots, 'explorer-phone.png'), fullPage: true });
  // Views with the longest names and ids of the data set: in the timeline's title, the panel and
  // the path bar.
  const views = [
    `#entity=${VELASCO}`,
    '#entity=meeting:21cb-esc-14th-plenary&hops=1',
    '#entity=organization:secretariat-of-communications-and-transportation&hops=1',
    `#entity=${HLED}&hops=1&from=${TOBIN}`,
    `#from=${TOBIN}&to=${HLED}`,
  ];
  for (const hash of views) {
    await phone.goto(`${base}/${hash}`);
    await phone.waitForFunction(() => {
      const c = document.querySelector('[data-testid=graph-canvas]');
      return c.dataset.state === 'ready' && Number(c.dataset.nodeCount) >= 2;
    });
    await phone.locator('#timeline li').first().waitFor();
    const wide = await phone.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      // What sticks out, to name the culprit when the page is too wide.
      culprits: [...document.querySelectorAll('body *')]
        .filter((e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible')
        .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${e.className}`),
    }));
    assert.ok(wide.page <= 360, `${hash}: page is ${wide.page}px wide at 360px; too wide: ${wide.culprits}`);
  }
  await phone.close();
});

test('the search box names what the view shows', async () => {
  const input = page.getByTestId('search-input');
  await page.goto(`${base}/#entity=${VELASCO}`);
  await waitForView('neighborhood', 5);
  await page.locator('#details-title', { hasText: 'Roberto Velasco' }).waitFor();
  await page.waitForFunction(() => document.querySelector('[data-testid=search-input]').value === 'Roberto Velasco');
  // A connection followed from the panel.
  const link = page.locator('#details .connections li button.link:not([title])').first();
  const name = (await link.textContent()).trim();
  await link.click();
  await page.locator('#details-title', { hasText: name }).waitFor();
  await page.waitForFunction((n) => document.querySelector('[data-testid=search-input]').value === n, name);
  // The timeline opens a meeting.
  await page.locator('#timeline button').first().click();
  await waitForView('neighborhood', 2);
  const meeting = (await page.locator('#details-title').textContent()).trim();
  await page.waitForFunction((n) => document.querySelector('[data-testid=search-input]').value === n, meeting);
  // Back to where the link led.
  await page.goBack();
  await page.locator('#details-title', { hasText: name }).waitFor();
  await page.waitForFunction((n) => document.querySelector('[data-testid=search-input]').value === n, name);
  // Text being typed stays while the view changes under it.
  await input.fill('Tob');
  await page.evaluate(() => { location.hash = '#entity=person:roberto-velasco'; });
  await waitForView('neighborhood', 5);
  await page.locator('#details-title', { hasText: 'Roberto Velasco' }).waitFor();
  assert.equal(await input.inputValue(), 'Tob');
});

test('someone who goes on to the search box while a panel action loads keeps typing there', async () => {
  const input = page.getByTestId('search-input');
  await page.goto(`${base}/#entity=${VELASCO}`);
  await page.locator('#details-title', { hasText: 'Roberto Velasco' }).waitFor();
  // The entity the panel opens is held until the box has the text, so its page comes late.
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  const hold = async (route) => {
    if (route.request().postData()?.includes('query Entity(')) await held;
    await route.fallback();
  };
  await page.route('**/graphql', hold);
  try {
    const link = page.locator('#details .connections li button.link:not([title])').first();
    const name = (await link.textContent()).trim();
    await link.click();
    await page.locator('#details', { hasText: 'Loading' }).waitFor();
    await input.fill('');
    await input.pressSequentially('Tob', { delay: 20 });
    await page.getByTestId('search-result').filter({ hasText: 'Katie Tobin' }).first().waitFor();
    release();
    await page.locator('#details-title', { hasText: name }).waitFor();
    await waitForView('neighborhood', 5);
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'search-input');
    assert.equal(await input.inputValue(), 'Tob');
    assert.ok(await page.getByTestId('search-result').filter({ hasText: 'Katie Tobin' }).first().isVisible(), 'the results closed');
  } finally {
    release();
    await page.unroute('**/graphql', hold);
  }
});

// Late: it adds a person to the graph. An editor imports a release that writes "Kenneth
// Salazar"; his page says he may be Ken Salazar, and opens Ken Salazar from there.
test('an entity page names the entities it may be the same as', async () => {
  const key = process.env.EDITOR_KEY;
  assert.ok(key, 'EDITOR_KEY must name an editor key of the server under test');
  const text = 'Kenneth Salazar met Roberto Velasco in Mexico City.';
  const res = await page.request.post(`${base}/graphql`, {
    headers: { Authorization: `Bearer ${key}` },
    data: {
      query: 'mutation($b: JSON!) { importBundle(bundle: $b) { created errors { message } duplicates { existingId } } }',
      variables: {
        b: {
          sources: [{ id: 'source:salazar-note', title: 'Salazar note', text }],
          entities: [{ kind: 'PERSON', name: 'Kenneth Salazar', citations: [{ source: 'source:salazar-note', quote: text }] }],
        },
      },
    },
  });
  const body = await res.json();
  await page.goto(`${base}/`);
  assert.deepEqual(body.data.importBundle.errors, []);
  assert.deepEqual(body.data.importBundle.duplicates, [{ existingId: 'person:ken-salazar' }]);
  await search('Kenneth Salazar');
  await page.getByTestId('search-result').filter({ hasText: 'Kenneth Salazar' }).first().click();
  await page.locator('#details-title', { hasText: 'Kenneth Salazar' }).waitFor();
  const dups = page.getByTestId('possible-duplicates');
  await dups.waitFor();
  assert.match(await dups.textContent(), /Ken Salazar.*Ken is a nickname of Kenneth/is);
  await dups.getByRole('button', { name: 'Ken Salazar' }).click();
  await page.locator('#details-title', { hasText: /^Ken Salazar$/ }).waitFor();
});

test('a relation shows the id the API fetches it by', async () => {
  await page.goto(`${base}/#entity=${VELASCO}`);
  await page.locator('#details-title', { hasText: 'Roberto Velasco' }).waitFor();
  await page.locator('#details .connections li button.link[title]').first().click();
  const id = (await page.locator('#details p.id code').textContent()).trim();
  const type = (await page.locator('#details-title').textContent()).trim();
  assert.match(id, new RegExp(`^relation:${type}:`), `relation id ${id} of a ${type}`);
  assert.ok(id.includes(VELASCO), `relation id ${id} does not name ${VELASCO}`);
  const res = await page.request.post(`${base}/graphql`, {
    data: { query: 'query($id: ID!) { node(id: $id) { id ... on Relation { type } } }', variables: { id } },
  });
  assert.deepEqual((await res.json()).data.node, { id, type });
});

test('GraphiQL loads offline with the README examples and runs one', async () => {
  await page.goto(`${base}/graphiql`);
  // Its editor is megabytes of script: give a busy machine time to start it.
  await page.locator('.graphiql-tab', { hasText: 'DelegationLeads' }).waitFor({ timeout: 60_000 });
  for (const name of ['PlenaryOutcomes', 'SearchAndLists', 'TobinToEconomicDialogue']) {
    assert.equal(await page.locator('.graphiql-tab', { hasText: name }).count(), 1, `no tab ${name}`);
  }
  // The run button does nothing until both editors are up.
  await page.locator('.graphiql-query-editor .monaco-editor .view-lines').waitFor();
  await page.locator('.graphiql-response .monaco-editor').waitFor();
  await page.locator('.graphiql-execute-button').click();
  // The response pane is an editor that renders only the lines in view: the top of the answer.
  await page.locator('.graphiql-response', { hasText: '14th Plenary Meeting of the 21CB' }).waitFor();
  const response = await page.locator('.graphiql-response').textContent();
  assert.ok(response.includes('"data"') && response.includes('"attendances"'), `response pane: ${response.slice(0, 300)}`);
  await page.screenshot({ path: join(shots, 'graphiql.png') });
});

test("Ken Salazar's role at the plenary is marked inferred, with the note", async () => {
  await page.goto(`${base}/#entity=person:ken-salazar`);
  await page.locator('#details-title', { hasText: 'Ken Salazar' }).waitFor();
  await page.locator('#details .connections li button.link[title]', { hasText: 'ATTENDED' }).first().click();
  await page.locator('#details-title', { hasText: 'ATTENDED' }).waitFor();
  const role = page.locator('#details .facts dd', { hasText: 'MEMBER' });
  assert.equal(await role.locator('.badge-inferred').count(), 1, 'the role has no "inferred" badge');
  const basis = citations().getByTestId('citation-basis');
  await basis.first().waitFor();
  const text = await basis.first().textContent();
  assert.match(text, /^inferred /, text);
  assert.match(text, /alongside him/, text);
  assert.match(text, /for role/, text);
});

test('after a later release names him Kenneth Salazar, both names show, with their sources', async () => {
  const bundle = JSON.parse(readFileSync(process.env.RELEASE_BUNDLE, 'utf8'));
  const res = await page.request.post(`${base}/graphql`, {
    headers: { Authorization: `Bearer ${process.env.EDITOR_KEY}` },
    data: { query: 'mutation($b: JSON!) { importBundle(bundle: $b) { created errors { path message } disagreements { field } } }', variables: { b: bundle } },
  });
  assert.equal(res.status(), 200);
  const body = await res.json();
  assert.deepEqual(body.errors, undefined, JSON.stringify(body.errors));
  assert.deepEqual(body.data.importBundle.errors, []);
  assert.ok(body.data.importBundle.disagreements.some((d) => d.field === 'name'), JSON.stringify(body.data.importBundle));
  // A fresh page load: the explorer keeps what it fetched while the page lives.
  await page.goto(`${base}/#entity=person:ken-salazar`);
  await page.reload();
  await page.locator('#details-title', { hasText: 'Kenneth Salazar' }).waitFor();
  const differ = page.getByTestId('disagreements');
  await differ.waitFor();
  const text = await differ.textContent();
  assert.match(text, /name: Kenneth Salazar \(15th Plenary Meeting.*2023-11-09\) shown; also Ken Salazar \(14th Plenary Meeting.*2022-12\)/, text);
  await page.screenshot({ path: join(shots, 'explorer-disagreement.png') });
});

test('nothing left 127.0.0.1 and nothing failed in the pages', () => {
  assert.deepEqual(blocked, [], 'requests that left 127.0.0.1');
  assert.deepEqual(problems, [], 'page errors, console errors or warnings');
});
