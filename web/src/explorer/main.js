// The explorer page: the URL hash names the view (state.js); apply() makes the page show it,
// fetching only what changed. Every user action is a navigation to a new hash, so the back
// button, bookmarks and shared links all restore the same view.
import './style.css';
import * as api from './api.js';
import { GraphView } from './graph.js';
import { h, replace } from './dom.js';
import { KINDS } from './kinds.js';
import { Panel } from './panel.js';
import { SearchBox } from './search.js';
import { MAX_EXPAND, MAX_HOPS, emptyState, formatHash, isPathView, parseHash } from './state.js';
import { renderTimeline } from './timeline.js';

const $ = (id) => document.getElementById(id);
const el = {
  graph: $('graph'),
  status: $('status'),
  hops: $('hops'),
  fit: $('fit'),
  pathEnds: $('path-ends'),
  pathClear: $('path-clear'),
  png: $('export-png'),
  graphml: $('export-graphml'),
  csv: $('export-csv'),
  json: $('export-json'),
  timeline: $('timeline'),
  timelineTitle: $('timeline-title'),
  panel: $('panel'),
};

// Draw timings for people and for the browser test: each entry says what was drawn and how long
// fetching and laying it out took (also recorded as performance measures "explorer:<view>").
const draws = [];
window.__explorer = { draws, renderedPosition: (id) => graph.renderedPosition(id) };

// drawn is what the canvas shows now; apply() compares it with the wanted state.
let drawn = { key: '', expanded: [] };
let state = emptyState();
let generation = 0;
let timelineFor = null;
const names = new Map(); // id -> name of every entity seen, for labels of path endpoints.
let lastPaths = null; // the paths of the path view drawn last

// The API returns at most this many nodes per neighborhood, most connected first.
const NEIGHBORHOOD_CAP = 100;

const panel = new Panel($('details'), $('citations'), {
  open: (id) => openEntity(id),
  select: (id) => select(id),
  selectRelation: (r) => showRelation(r),
  pathFrom: (id) => go({ ...state, from: id, sel: '' }),
  pathTo: (id) => go({ ...state, to: id, sel: '' }),
});

const graph = new GraphView(el.graph, {
  onNode: (id) => tapNode(id),
  onEdge: (r) => showRelation(r),
  onBackground: () => select(''),
});

const searchBox = new SearchBox($('search-input'), $('search-results'), {
  find: async (text, opts) => {
    const found = await api.search(text, opts);
    for (const e of found) names.set(e.id, e.name);
    return found;
  },
  choose: (e) => openEntity(e.id),
  onError: (err) => setStatus(`Search failed: ${err.message}`, true),
});

replace(
  $('legend'),
  Object.values(KINDS).map((k) => h('li', {}, h('span', { className: `dot shape-${k.shape}`, style: { background: k.color }, 'aria-hidden': 'true' }), k.label)),
);

el.hops.addEventListener('change', () => go({ ...state, hops: Number(el.hops.value), expand: [] }));
el.fit.addEventListener('click', () => graph.fit());
el.pathClear.addEventListener('click', () => go({ ...state, from: '', to: '', sel: '' }));
el.png.addEventListener('click', () => downloadPNG());
window.addEventListener('hashchange', () => apply(parseHash(location.hash)));
apply(parseHash(location.hash));

/** go navigates to s: a new history entry, then the hashchange listener applies it. */
function go(s) {
  const hash = formatHash(s);
  if (hash === location.hash || (hash === '' && location.hash === '')) {
    apply(s);
    return;
  }
  if (hash === '') {
    history.pushState(null, '', location.pathname + location.search);
    apply(s);
    return;
  }
  location.hash = hash;
}

/** select changes only the selection, without a new history entry. */
function select(id) {
  const s = { ...state, sel: id };
  history.replaceState(null, '', formatHash(s) || location.pathname + location.search);
  apply(s);
}

/**
 * openEntity shows the neighborhood of id. A path endpoint already picked is kept, so the other
 * one can be found by search; a complete pair is dropped, since the path view would hide the
 * entity.
 */
function openEntity(id) {
  const keep = isPathView(state) ? {} : { from: state.from, to: state.to };
  go({ ...emptyState(), entity: id, hops: state.hops, ...keep });
}

function tapNode(id) {
  const expandable = !isPathView(state) && state.entity && id !== state.entity && !state.expand.includes(id);
  if (expandable && state.expand.length < MAX_EXPAND) {
    go({ ...state, expand: [...state.expand, id], sel: id });
    return;
  }
  select(id);
  if (expandable) {
    // After select: its redraw of the status line is synchronous when nothing is fetched.
    setStatus(`A view expands at most ${MAX_EXPAND} nodes: open this one (“Open neighborhood”) to go on from it.`, true);
  }
}

/** apply makes the page show s, fetching only what differs from what is drawn. */
async function apply(s) {
  const gen = ++generation;
  const stale = () => gen !== generation;
  state = s;
  el.graph.dataset.view = isPathView(s) ? 'paths' : s.entity ? 'neighborhood' : 'empty';
  el.hops.value = String(s.hops);
  updateToolbar();
  try {
    if (isPathView(s)) {
      await drawPaths(s, stale);
    } else if (s.entity) {
      await drawNeighborhood(s, stale);
    } else {
      graph.clear();
      drawn = { key: '', expanded: [] };
      setStatus('');
    }
    if (stale()) return;
    graph.select(s.sel);
    await showDetails(s, stale);
    if (stale()) return;
    searchBox.follow(focusName(s));
    await showTimeline(isPathView(s) ? s.from : s.entity);
  } catch (err) {
    if (stale()) return;
    setStatus(err.message, true);
    panel.error(err.message);
    setBusy(false);
  }
}

async function drawNeighborhood(s, stale) {
  const key = `n|${s.entity}|${s.hops}`;
  const keep = drawn.key === key && drawn.expanded.every((id) => s.expand.includes(id));
  if (!keep) {
    const t0 = performance.now();
    setBusy(true, 'Loading the neighborhood…');
    const sub = await api.neighborhood(s.entity, s.hops, NEIGHBORHOOD_CAP);
    if (stale()) return;
    remember(sub.nodes);
    const t1 = performance.now();
    if (!sub.nodes.some((n) => n.id === s.entity)) {
      graph.clear();
      drawn = { key: '', expanded: [] };
      setBusy(false);
      setStatus(`Nothing is known by the id ${s.entity}.`, true);
      return;
    }
    const layoutMs = await graph.show(sub.nodes, sub.relations, { root: s.entity });
    record('neighborhood', t0, t1, layoutMs);
    drawn = { key, expanded: [], capped: sub.nodes.length >= NEIGHBORHOOD_CAP };
  }
  // Expansions not drawn yet (one after a tap, several from a link) are fetched together and
  // laid out once.
  const pending = s.expand.filter((id) => !drawn.expanded.includes(id));
  if (pending.length) {
    const t0 = performance.now();
    setBusy(true, `Adding the connections of ${pending.map(nameOf).join(', ')}…`);
    const subs = await Promise.all(pending.map((id) => api.neighborhood(id, 1)));
    if (stale()) return;
    subs.forEach((sub) => remember(sub.nodes));
    const t1 = performance.now();
    const layoutMs = await graph.merge(pending.map((id, i) => ({ id, ...subs[i] })));
    record('expand', t0, t1, layoutMs);
    drawn.expanded.push(...pending);
  }
  setBusy(false);
  const name = names.get(s.entity) ?? s.entity;
  const capped = drawn.capped ? ` The ${NEIGHBORHOOD_CAP} most connected within ${s.hops} ${s.hops === 1 ? 'hop are' : 'hops are'} shown.` : '';
  setStatus(`${name}: ${graph.nodeCount} entities, ${graph.cy.edges().length} relations (${s.hops} ${s.hops === 1 ? 'hop' : 'hops'}${s.expand.length ? `, ${s.expand.length} expanded` : ''}).${capped} Tap a node to add its connections.`);
}


async function drawPaths(s, stale) {
  const key = `p|${s.from}|${s.to}`;
  if (drawn.key === key && lastPaths) return;
  const t0 = performance.now();
  setBusy(true, 'Finding paths…');
  const found = await api.paths(s.from, s.to);
  if (stale()) return;
  for (const p of [found.shortest, ...found.all].filter(Boolean)) remember(p.nodes);
  const t1 = performance.now();
  lastPaths = found;
  if (!found.shortest) {
    graph.clear();
    setBusy(false);
  } else {
    const layoutMs = await graph.showPaths(found.shortest, found.all, s.from, s.to);
    record('paths', t0, t1, layoutMs);
  }
  drawn = { key, expanded: [] };
  setBusy(false);
  setStatus(found.shortest
    ? `${found.all.length || 1} ${found.all.length === 1 ? 'path' : 'paths'} from ${nameOf(s.from)} to ${nameOf(s.to)}; the shortest has ${found.shortest.length} hops.`
    : `No path from ${nameOf(s.from)} to ${nameOf(s.to)} within 6 hops.`);
}

async function showDetails(s, stale) {
  if (isPathView(s) && !s.sel) {
    if (lastPaths) panel.paths(nameOf(s.from), nameOf(s.to), lastPaths.shortest, lastPaths.all);
    return;
  }
  const id = s.sel || s.entity;
  if (!id) {
    panel.intro();
    return;
  }
  panel.loading(names.get(id) ?? id);
  const e = await api.entity(id);
  if (stale()) return;
  if (!e) {
    panel.error(`Nothing is known by the id ${id}.`);
    return;
  }
  names.set(e.id, e.name);
  panel.entity(e, graph.relationsOf(e.id), { isRoot: !isPathView(s) && e.id === s.entity, pathFrom: s.from, pathTo: s.to });
  updateToolbar();
  // Which stored entities it may be the same as: a few searches, so after the page shows.
  const dups = await api.possibleDuplicates(e.id).catch(() => []);
  if (stale()) return;
  panel.duplicates(dups);
}

function showRelation(r) {
  if (!r) return;
  graph.select(`${r.type}|${r.from.id}|${r.to.id}`);
  panel.relation(r);
}

async function showTimeline(id) {
  if (timelineFor === id) return;
  timelineFor = id;
  const meetings = await api.timeline(id);
  if (timelineFor !== id) return;
  renderTimeline(el.timeline, el.timelineTitle, meetings, {
    about: id ? nameOf(id) : '',
    current: state.sel || state.entity,
    pick: (mid) => openEntity(mid),
  });
}

function updateToolbar() {
  const s = state;
  const parts = [];
  if (s.from) parts.push(`From: ${nameOf(s.from)}`);
  if (s.to) parts.push(`To: ${nameOf(s.to)}`);
  if (s.from && !s.to) parts.push('— now choose “Path to here” on another entity');
  if (s.to && !s.from) parts.push('— now choose “Path from here” on another entity');
  el.pathEnds.textContent = parts.join(' ');
  el.pathEnds.title = parts.join(' ');
  el.hops.disabled = isPathView(s);
  el.pathClear.hidden = !(s.from || s.to);

  // API exports: the open neighborhood, or in the path view the start's neighborhood as deep as
  // the shortest path (which then holds all of it) up to the API's limit of MAX_HOPS.
  const id = isPathView(s) ? s.from : s.entity;
  const hops = isPathView(s) ? Math.min(MAX_HOPS, Math.max(1, lastPaths?.shortest?.length ?? 1)) : s.hops;
  for (const [a, format] of [[el.graphml, 'graphml'], [el.csv, 'csv'], [el.json, 'json']]) {
    if (id) {
      a.href = api.exportURL(format, id, hops);
      a.removeAttribute('aria-disabled');
      a.title = `Download the neighborhood of ${nameOf(id)} within ${hops} ${hops === 1 ? 'hop' : 'hops'} as ${format.toUpperCase()}`;
    } else {
      a.href = api.exportURL(format);
      a.removeAttribute('aria-disabled');
      a.title = `Download the whole graph as ${format.toUpperCase()}`;
    }
  }
  el.png.disabled = graph.nodeCount === 0;
}

function downloadPNG() {
  const blob = graph.png();
  const url = URL.createObjectURL(blob);
  const name = (state.from && state.to ? `${state.from}_to_${state.to}` : state.entity || 'graph').replace(/[^a-z0-9]+/gi, '-');
  const a = h('a', { href: url, download: `diplograph-${name}.png` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function record(view, t0, t1, layoutMs) {
  const total = performance.now() - t0;
  const entry = {
    view,
    nodes: graph.nodeCount,
    edges: graph.cy.edges().length,
    fetchMs: round(t1 - t0),
    layoutMs: round(layoutMs),
    totalMs: round(total),
  };
  draws.push(entry);
  performance.measure(`explorer:${view}`, { start: t0, end: t0 + total, detail: entry });
}

/**
 * focusName is the name of what the view is about: the entity whose details show (the selected
 * one, else the open one), or "" for a path view with nothing selected and the empty view.
 */
function focusName(s) {
  const id = s.sel || (isPathView(s) ? '' : s.entity);
  return id ? names.get(id) ?? '' : '';
}

function remember(nodes) {
  for (const n of nodes) names.set(n.id, n.name);
}

function nameOf(id) {
  return names.get(id) || graph.name(id) || id;
}

function setBusy(busy, message) {
  el.graph.dataset.state = busy ? 'loading' : 'ready';
  el.graph.setAttribute('aria-busy', String(busy));
  if (busy && message) setStatus(message);
  updateToolbar();
}

function setStatus(message, isError = false) {
  el.status.textContent = message;
  el.status.classList.toggle('error', isError);
}

function round(ms) {
  return Math.round(ms * 10) / 10;
}
