// The view lives in the URL hash, so any view can be bookmarked, shared and restored on load:
//
//   #entity=person:roberto-velasco&hops=1&expand=organization:x,meeting:y&sel=person:z
//   #from=person:katie-tobin&to=dialogue:us-mexico-high-level-economic-dialogue
//
// entity: the entity whose neighborhood is shown; hops: its depth (1..3, default 2); expand: nodes whose own
// neighborhoods were added by clicking; from/to: path endpoints (both set: the path view);
// sel: the selected node. Ids stay readable (":" and "," are not escaped).

export const MIN_HOPS = 1;
export const MAX_HOPS = 3;
// Two hops by default: one hop of a person is often just their office and a meeting, two show
// who else was there.
export const DEFAULT_HOPS = 2;
// A link expands at most this many nodes: each is a request.
export const MAX_EXPAND = 20;

/** emptyState is the view with nothing open. */
export function emptyState() {
  return { entity: '', hops: DEFAULT_HOPS, expand: [], from: '', to: '', sel: '' };
}

/** parseHash reads a view from a location hash; unknown keys are ignored, bad values defaulted. */
export function parseHash(hash) {
  const s = emptyState();
  const q = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  s.entity = clean(q.get('entity'));
  const hops = Number.parseInt(q.get('hops') ?? '', 10);
  if (Number.isInteger(hops)) s.hops = Math.min(MAX_HOPS, Math.max(MIN_HOPS, hops));
  s.expand = (q.get('expand') ?? '')
    .split(',')
    .map(clean)
    .filter((id, i, all) => id && all.indexOf(id) === i)
    .slice(0, MAX_EXPAND);
  s.from = clean(q.get('from'));
  s.to = clean(q.get('to'));
  s.sel = clean(q.get('sel'));
  return s;
}

/** formatHash writes a view as a location hash ("" for the empty view); parseHash inverts it. */
export function formatHash(s) {
  const parts = [];
  const put = (k, v) => parts.push(`${k}=${encode(v)}`);
  if (s.entity) {
    put('entity', s.entity);
    if (s.hops !== DEFAULT_HOPS) put('hops', String(s.hops));
    if (s.expand.length) put('expand', s.expand.join(','));
  }
  if (s.from) put('from', s.from);
  if (s.to) put('to', s.to);
  if (s.sel) put('sel', s.sel);
  return parts.length ? `#${parts.join('&')}` : '';
}

/** isPathView tells whether the view shows paths between two entities. */
export function isPathView(s) {
  return Boolean(s.from && s.to);
}

// Ids are short ASCII; anything else in a hand-edited URL is dropped rather than sent on.
function clean(v) {
  v = (v ?? '').trim();
  return v.length <= 200 && /^[a-z]+:[\w.~-]+$/i.test(v) ? v : '';
}

function encode(v) {
  return encodeURIComponent(v).replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}
