// The side panel: what is selected (an entity, a relation or a set of paths) and the evidence for
// it, the verbatim quotes with their sources. Rendering only; actions are callbacks.
import { h, replace } from './dom.js';
import { kindOf } from './kinds.js';

/**
 * Panel renders into details and citations (the element tests read as "citation-panel").
 * actions: open(id), select(id), selectRelation(relation), pathFrom(id), pathTo(id).
 */
export class Panel {
  constructor(details, citations, actions) {
    this.details = details;
    this.citations = citations;
    this.actions = actions;
  }

  // keepFocus runs render, and when focus was inside the panel (the button pressed is replaced by
  // the new content) moves it to the new title, so keyboard users stay where they were.
  keepFocus(render) {
    const had = this.focusPending || this.hasFocus();
    this.focusPending = false;
    render();
    const title = this.details.querySelector('h2');
    if (had && title) {
      title.tabIndex = -1;
      title.focus();
    }
  }

  /** intro shows what the page is for when nothing is open. */
  intro() {
    replace(
      this.details,
      h('h2', {}, 'Explore how efforts connect'),
      h('p', {}, 'Search for a person, an agency, a meeting or a dialogue, then open it to see who and what it is connected to.'),
      h('p', {}, 'Tap a node to add its connections. Choose “Path from here” on one entity and “Path to here” on another to see how they are linked, with the sentence behind every hop.'),
    );
    replace(this.citations, h('p', { className: 'hint' }, 'Open an entity to read the sentences that support it.'));
  }

  hasFocus() {
    return this.details.parentElement.contains(document.activeElement);
  }

  /** loading shows that the details of what was picked are on their way. */
  loading(what) {
    // The content that held focus is going; the content that replaces it takes focus over.
    this.focusPending ||= this.hasFocus();
    replace(this.details, h('p', { className: 'hint' }, `Loading ${what}…`));
  }

  /** error shows a failed request. */
  error(message) {
    replace(this.details, h('p', { className: 'error', role: 'alert' }, message));
  }

  /**
   * entity shows e: kind, name, facts, the relations shown around it (each a button) and its
   * citations. isRoot tells whether its neighborhood is the open view.
   */
  entity(e, relations, opts) {
    this.keepFocus(() => this.renderEntity(e, relations, opts));
  }

  renderEntity(e, relations, { isRoot, pathFrom, pathTo }) {
    const look = kindOf(e.kind);
    const a = this.actions;
    const facts = entityFacts(e);
    replace(
      this.details,
      h('p', { className: 'kind' }, h('span', { className: 'dot', style: { background: look.color }, 'aria-hidden': 'true' }), look.label),
      h('h2', { id: 'details-title' }, e.name),
      h('p', { className: 'id' }, h('code', {}, e.id)),
      e.description && h('p', {}, e.description),
      facts.length > 0 && h('dl', { className: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      h(
        'div',
        { className: 'actions' },
        !isRoot && h('button', { type: 'button', onclick: () => a.open(e.id) }, 'Open neighborhood'),
        h('button', { type: 'button', 'aria-pressed': String(pathFrom === e.id), onclick: () => a.pathFrom(e.id) }, 'Path from here'),
        h('button', { type: 'button', 'aria-pressed': String(pathTo === e.id), onclick: () => a.pathTo(e.id) }, 'Path to here'),
      ),
      relations.length > 0 && [
        h('h3', {}, `Connections shown (${relations.length})`),
        h(
          'ul',
          { className: 'connections' },
          relations.map((r) => {
            const out = r.from.id === e.id;
            const other = out ? r.to : r.from;
            return h(
              'li',
              {},
              h('button', { type: 'button', className: 'link', title: 'Show this relation and its evidence', onclick: () => a.selectRelation(r) }, out ? `${r.type} →` : `← ${r.type}`),
              ' ',
              h('button', { type: 'button', className: 'link', onclick: () => a.select(other.id) }, other.name),
            );
          }),
        ),
      ],
    );
    this.showCitations(e.citations);
  }

  /**
   * duplicates adds to the open entity's details the entities it may be the same as
   * ({id, score, reason, entity}), each a button that opens it; nothing when there are none.
   */
  duplicates(list) {
    if (!list.length) return;
    const a = this.actions;
    this.details.append(
      h(
        'section',
        { className: 'duplicates', 'data-testid': 'possible-duplicates' },
        h('h3', {}, 'Possibly the same as'),
        h(
          'ul',
          {},
          list.map((d) =>
            h(
              'li',
              {},
              h('button', { type: 'button', className: 'link', onclick: () => a.select(d.id) }, d.entity?.name ?? d.id),
              ' ',
              h('span', { className: 'why' }, `${Math.round(d.score * 100)}%: ${d.reason}`),
            ),
          ),
        ),
        h('p', { className: 'hint' }, 'If they are one, an editor merges them (mergeEntities): the merged id keeps resolving.'),
      ),
    );
  }

  /** relation shows r: its type, ends, properties and citations. */
  relation(r) {
    this.keepFocus(() => this.renderRelation(r));
  }

  renderRelation(r) {
    const a = this.actions;
    const props = Object.entries(r.properties ?? {});
    replace(
      this.details,
      h('p', { className: 'kind' }, 'Relation'),
      h('h2', { id: 'details-title' }, r.type),
      h(
        'p',
        { className: 'ends' },
        h('button', { type: 'button', className: 'link', onclick: () => a.select(r.from.id) }, r.from.name),
        ` —${r.type}→ `,
        h('button', { type: 'button', className: 'link', onclick: () => a.select(r.to.id) }, r.to.name),
      ),
      props.length > 0 && h('dl', { className: 'facts' }, props.map(([k, v]) => [h('dt', {}, k), h('dd', {}, formatValue(v))])),
    );
    this.showCitations(r.citations);
  }

  /**
   * paths shows the shortest path hop by hop, each hop with its quote, and the other paths found.
   */
  paths(fromName, toName, shortest, all) {
    this.keepFocus(() => this.renderPaths(fromName, toName, shortest, all));
  }

  renderPaths(fromName, toName, shortest, all) {
    const a = this.actions;
    const others = all.filter((p) => !shortest || !samePath(p, shortest));
    if (!shortest) {
      replace(
        this.details,
        h('h2', { id: 'details-title' }, 'No path'),
        h('p', {}, `Nothing links ${fromName} to ${toName} within 6 hops.`),
      );
      replace(this.citations, h('p', { className: 'hint' }, 'No path, so no evidence to show.'));
      return;
    }
    replace(
      this.details,
      h('p', { className: 'kind' }, 'Paths'),
      h('h2', { id: 'details-title' }, `${fromName} → ${toName}`),
      h('p', {}, `Shortest: ${shortest.length} ${shortest.length === 1 ? 'hop' : 'hops'} (red). `, others.length ? `${others.length} other ${others.length === 1 ? 'path' : 'paths'} within 4 hops (violet).` : 'No other path within 4 hops.'),
      h('ol', { className: 'hops' }, shortest.nodes.map((n) => h('li', {}, h('button', { type: 'button', className: 'link', onclick: () => a.select(n.id) }, n.name)))),
      others.length > 0 && [
        h('h3', {}, 'Other paths'),
        h('ul', { className: 'connections' }, others.map((p) => h('li', {}, `${p.length} hops via `, p.nodes.slice(1, -1).map((n) => n.name).join(', ')))),
      ],
    );
    replace(
      this.citations,
      h('h3', { className: 'visually-hidden' }, 'Evidence for each hop of the shortest path'),
      h(
        'ol',
        { className: 'hop-evidence' },
        shortest.relations.map((r) =>
          h('li', {}, h('p', { className: 'hop' }, `${r.from.name} —${r.type}→ ${r.to.name}`), citationList(r.citations)),
        ),
      ),
    );
  }

  showCitations(citations) {
    if (!citations?.length) {
      replace(this.citations, h('p', { className: 'hint' }, 'No citation.'));
      return;
    }
    replace(this.citations, citationList(citations));
  }
}

function citationList(citations) {
  return h(
    'ul',
    { className: 'quotes' },
    citations.map((c) =>
      h(
        'li',
        {},
        h('blockquote', {}, `“${c.quote}”`),
        h('p', { className: 'source' }, '— ', h('cite', {}, c.source.title), c.source.published ? ` (${c.source.published})` : ''),
      ),
    ),
  );
}

function entityFacts(e) {
  const f = [];
  if (e.aliases?.length) f.push(['Also known as', e.aliases.join('; ')]);
  if (e.acronym) f.push(['Acronym', e.acronym]);
  if (e.classification) f.push(['Type', e.classification.toLowerCase()]);
  if (e.code) f.push(['Code', e.code]);
  if (e.country?.name) f.push(['Country', e.country.name]);
  if (e.date) f.push(['Date', e.date]);
  if (e.ordinal) f.push(['Ordinal', String(e.ordinal)]);
  if (e.place?.name) f.push(['Place', e.place.name]);
  if (e.dialogue?.name) f.push(['Dialogue', e.dialogue.name]);
  if (e.established) f.push(['Established', e.established]);
  return f;
}

function formatValue(v) {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function samePath(a, b) {
  return a.nodes.length === b.nodes.length && a.nodes.every((n, i) => n.id === b.nodes[i].id) &&
    a.relations.every((r, i) => r.type === b.relations[i].type);
}
