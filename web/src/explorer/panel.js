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
  // the new content) moves it to the new title, so keyboard users stay where they were. Focus
  // that has gone elsewhere while the content loaded (someone typing in the search box) stays.
  keepFocus(render) {
    const had = this.focusPending || this.hasFocus();
    this.focusPending = false;
    render();
    const title = this.details.querySelector('h2');
    const at = document.activeElement;
    if (had && title && (!at || at === document.body || this.hasFocus())) {
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
      itemBasis(e.basis, 'known'),
      e.description && h('p', {}, e.description, valueBasis(e.claims, 'description')),
      facts.length > 0 && h('dl', { className: 'facts' }, facts.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
      disagreements(e.claims),
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
      // The id the API knows it by: node(id:) fetches it again, as it does an entity's.
      r.id && h('p', { className: 'id' }, h('code', {}, r.id)),
      h(
        'p',
        { className: 'ends' },
        h('button', { type: 'button', className: 'link', onclick: () => a.select(r.from.id) }, r.from.name),
        ` —${r.type}→ `,
        h('button', { type: 'button', className: 'link', onclick: () => a.select(r.to.id) }, r.to.name),
      ),
      itemBasis(r.basis, 'holds'),
      props.length > 0 && h('dl', { className: 'facts' }, props.map(([k, v]) => [h('dt', {}, k), h('dd', {}, formatValue(v), valueBasis(r.claims, `properties.${k}`))])),
      disagreements(r.claims),
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
        c.basis && c.basis !== 'STATED' &&
          h(
            'p',
            { className: 'basis', dataset: { testid: 'citation-basis' } },
            badge(c.basis),
            c.note ? ` ${c.note}` : '',
            c.fields?.length ? h('span', { className: 'for' }, ` (for ${c.fields.map(fieldLabel).join(', ')})`) : '',
          ),
        h('p', { className: 'source' }, '— ', h('cite', {}, c.source.title), c.source.published ? ` (${c.source.published})` : ''),
      ),
    ),
  );
}

/** badge marks a basis other than STATED: "inferred", "curated". */
function badge(basis) {
  const b = basis.toLowerCase();
  return h('span', { className: `badge badge-${b}`, title: BASIS_TITLES[basis] ?? '' }, b);
}

const BASIS_TITLES = {
  INFERRED: 'The source does not say this; it follows from what the source says (see the note).',
  CURATED: 'A curator added this about the quoted passage (see the note).',
};

/** itemBasis says, when it is not stated, how the entity's existence or the relation rests on its sources. */
function itemBasis(basis, verb) {
  if (!basis || basis === 'STATED') return null;
  return h('p', { className: 'basis', dataset: { testid: 'item-basis' } }, badge(basis), ` ${verb} by ${basis === 'INFERRED' ? 'inference' : 'curation'}: see the notes of its citations`);
}

/** valueBasis marks the shown value of field when its best support is not a statement. */
function valueBasis(claims, field, value) {
  const c = claims?.find((x) => x.field === field && x.shown && (value === undefined || x.value === value));
  if (!c || c.basis === 'STATED') return null;
  return [' ', badge(c.basis)];
}

/** disagreements lists, field by field, the values sources give besides the shown one. */
function disagreements(claims) {
  const alt = (claims ?? []).filter((c) => !c.shown);
  if (alt.length === 0) return null;
  const byField = new Map();
  for (const c of alt) byField.set(c.field, [...(byField.get(c.field) ?? []), c]);
  const shown = (f) => claims.find((c) => c.field === f && c.shown);
  return [
    h('h3', {}, 'Where sources differ'),
    h(
      'ul',
      { className: 'disagreements', dataset: { testid: 'disagreements' } },
      [...byField].map(([field, values]) => {
        const first = shown(field);
        return h(
          'li',
          {},
          h('span', { className: 'field' }, fieldLabel(field)),
          ': ',
          first && [h('strong', {}, formatValue(first.value)), ` (${sourceNames(first)})`, valueBadge(first), ' shown; '],
          'also ',
          values.map((v, i) => [i > 0 ? '; ' : '', h('em', {}, formatValue(v.value)), ` (${sourceNames(v)})`, valueBadge(v)]),
        );
      }),
    ),
  ];
}

function valueBadge(c) {
  return c.basis === 'STATED' ? '' : [' ', badge(c.basis)];
}

function sourceNames(c) {
  return c.sources.map((s) => (s.published ? `${s.title}, ${s.published}` : s.title)).join('; ');
}

/** fieldLabel names a field for people: properties.date is "date", aliases[X] is "alias X". */
function fieldLabel(f) {
  if (f.startsWith('properties.')) return f.slice('properties.'.length);
  const alias = /^aliases\[(.*)\]$/.exec(f);
  if (alias) return `alias ${alias[1]}`;
  return f;
}

function entityFacts(e) {
  const f = [];
  const fact = (label, value, field) => f.push([label, [value, valueBasis(e.claims, field)]]);
  if (e.claims?.some((c) => c.field === 'name' && c.shown && c.basis !== 'STATED')) fact('Name', e.name, 'name');
  if (e.aliases?.length) {
    f.push(['Also known as', e.aliases.map((a, i) => [i > 0 ? '; ' : '', a, valueBasis(e.claims, 'aliases', a)])]);
  }
  if (e.acronym) fact('Acronym', e.acronym, 'properties.acronym');
  if (e.classification) fact('Type', e.classification.toLowerCase(), 'properties.classification');
  if (e.code) fact('Code', e.code, 'properties.code');
  if (e.country?.name) f.push(['Country', e.country.name]);
  if (e.date) fact('Date', e.date, 'properties.date');
  if (e.ordinal) fact('Ordinal', String(e.ordinal), 'properties.ordinal');
  if (e.place?.name) f.push(['Place', e.place.name]);
  if (e.dialogue?.name) f.push(['Dialogue', e.dialogue.name]);
  if (e.established) fact('Established', e.established, 'properties.established');
  return f;
}

function formatValue(v) {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function samePath(a, b) {
  return a.nodes.length === b.nodes.length && a.nodes.every((n, i) => n.id === b.nodes[i].id) &&
    a.relations.every((r, i) => r.type === b.relations[i].type);
}
