// The graph canvas: Cytoscape.js with the fCoSE layout. It knows entities and relations as the
// API returns them and nothing of the page around it; the page passes callbacks for taps.
import cytoscape from 'cytoscape';
import fcose from 'cytoscape-fcose';
import { KINDS, kindOf } from './kinds.js';

cytoscape.use(fcose);

/** relationKey names a relation's edge on the canvas: (type, from, to) identifies a relation. */
export function relationKey(r) {
  return `${r.type}|${r.from.id}|${r.to.id}`;
}

// Past this many nodes labels show only when zoomed in, so a big view stays readable and fast.
const LABEL_ZOOM_NODES = 150;
const MAX_FIT_ZOOM = 1.3;

// Nodes added without a position would all sit on one point until the layout moves them, and
// Cytoscape cannot draw (and warns about) an edge whose ends coincide when a layout measures the
// graph first. So each new node gets a place of its own on a spiral around where it belongs.
const GOLDEN_ANGLE = Math.PI * (3 - Math.sqrt(5));
const SPIRAL_STEP = 40;

/** spiral returns the i-th of a sequence of points around center, each at least 40 px from the others and from center. */
export function spiral(center, i) {
  const r = SPIRAL_STEP * Math.sqrt(i + 1);
  const a = (i + 1) * GOLDEN_ANGLE;
  return { x: center.x + r * Math.cos(a), y: center.y + r * Math.sin(a) };
}

function style() {
  const s = [
    {
      selector: 'node',
      style: {
        label: 'data(name)',
        'font-size': 11,
        'font-family': 'system-ui, sans-serif',
        color: '#1a1a1a',
        'text-wrap': 'wrap',
        'text-max-width': '130px',
        'text-valign': 'bottom',
        'text-margin-y': 4,
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.8,
        'text-background-padding': '1px',
        width: 26,
        height: 26,
        'border-width': 2,
        'border-color': '#ffffff',
      },
    },
    {
      selector: 'edge',
      style: {
        width: 1.5,
        'line-color': '#9aa3ad',
        'target-arrow-color': '#9aa3ad',
        'target-arrow-shape': 'triangle',
        'arrow-scale': 0.8,
        'curve-style': 'bezier',
        'font-size': 9,
        'text-rotation': 'autorotate',
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.85,
        color: '#333333',
      },
    },
    { selector: 'node.root', style: { width: 40, height: 40, 'border-color': '#1a1a1a', 'font-weight': 'bold' } },
    { selector: 'node.expanded', style: { 'border-color': '#555555', 'border-style': 'double', 'border-width': 4 } },
    { selector: 'node:selected', style: { 'border-color': '#1a1a1a', 'border-width': 4, 'overlay-opacity': 0.08 } },
    { selector: 'edge:selected', style: { width: 4, 'line-color': '#1a1a1a', 'target-arrow-color': '#1a1a1a', label: 'data(type)' } },
    { selector: '.faded', style: { opacity: 0.25 } },
    { selector: 'edge.on-path', style: { width: 3, 'line-color': '#6c5ce7', 'target-arrow-color': '#6c5ce7', label: 'data(type)', opacity: 0.75 } },
    { selector: 'node.on-path', style: { 'border-color': '#6c5ce7', 'border-width': 3 } },
    { selector: 'edge.shortest', style: { width: 6, 'line-color': '#c0392b', 'target-arrow-color': '#c0392b', label: 'data(type)', opacity: 1, 'z-index': 10 } },
    { selector: 'node.shortest', style: { 'border-color': '#c0392b', 'border-width': 5, width: 36, height: 36 } },
    { selector: 'node.endpoint', style: { width: 44, height: 44, 'font-weight': 'bold' } },
    { selector: 'node.small-labels', style: { 'min-zoomed-font-size': 9 } },
  ];
  for (const [kind, look] of Object.entries(KINDS)) {
    s.splice(2, 0, { selector: `node[kind = "${kind}"]`, style: { 'background-color': look.color, shape: look.shape } });
  }
  return s;
}

/**
 * GraphView draws entities and relations in container. onNode(id) runs when a node is tapped
 * (or chosen with the keyboard elsewhere), onEdge(relation) when an edge is.
 */
export class GraphView {
  constructor(container, { onNode, onEdge, onBackground }) {
    this.container = container;
    this.cy = cytoscape({
      container,
      style: style(),
      minZoom: 0.05,
      maxZoom: 4,
      selectionType: 'single',
      boxSelectionEnabled: false,
    });
    this.relations = new Map();
    this.cy.on('tap', 'node', (e) => onNode(e.target.id()));
    this.cy.on('tap', 'edge', (e) => onEdge(this.relations.get(e.target.id())));
    this.cy.on('tap', (e) => {
      if (e.target === this.cy) onBackground();
    });
    this.draws = [];
    this.updateCount();
  }

  /** nodeCount is the number of nodes shown. */
  get nodeCount() {
    return this.cy.nodes().length;
  }

  /** has tells whether the node with id is shown. */
  has(id) {
    return this.cy.getElementById(id).nonempty();
  }

  /** name returns the shown name of the node with id, or "". */
  name(id) {
    const n = this.cy.getElementById(id);
    return n.nonempty() ? n.data('name') : '';
  }

  /** clear removes everything. */
  clear() {
    this.cy.elements().remove();
    this.relations.clear();
    this.updateCount();
  }

  /**
   * show replaces the view with nodes and relations and lays it out; root is drawn larger.
   * It resolves when the layout has finished, with the time the layout took in milliseconds.
   */
  async show(nodes, relations, { root = '' } = {}) {
    this.cy.batch(() => {
      this.cy.elements().remove();
      this.relations.clear();
      this.add(nodes, relations);
      if (root) this.cy.getElementById(root).addClass('root');
    });
    return this.layout({ randomize: true });
  }

  /**
   * merge adds expansions, each the neighborhood ({id, nodes, relations}) of a node, placing new
   * nodes around the node they came from and keeping what is shown in place, then lays out once.
   * It resolves with the layout time in milliseconds.
   */
  async merge(expansions) {
    let added = 0;
    this.cy.batch(() => {
      // Nodes first, so a relation between two expansions finds both its ends.
      for (const { id, nodes } of expansions) {
        const at = this.cy.getElementById(id);
        // Around the node expanded, close to it: the layout starts from these places.
        added += this.add(nodes, [], at.nonempty() ? { near: at.position(), i: 0 } : {});
        at.addClass('expanded');
      }
      for (const { relations } of expansions) added += this.add([], relations);
    });
    if (!added) return 0;
    return this.layout({ randomize: false });
  }

  /**
   * showPaths replaces the view with the union of paths, the shortest drawn boldest, laid out
   * left to right from `from`. It resolves with the layout time in milliseconds.
   */
  async showPaths(shortest, others, from, to) {
    const all = [shortest, ...others].filter(Boolean);
    this.cy.batch(() => {
      this.cy.elements().remove();
      this.relations.clear();
      for (const p of all) this.add(p.nodes, p.relations);
      for (const p of others) this.mark(p, 'on-path');
      if (shortest) this.mark(shortest, 'shortest');
      this.cy.getElementById(from).addClass('endpoint');
      this.cy.getElementById(to).addClass('endpoint');
    });
    const start = performance.now();
    const w = this.container.clientWidth;
    const h = this.container.clientHeight;
    const horizontal = w >= h;
    await this.run({
      name: 'breadthfirst',
      roots: this.cy.getElementById(from),
      directed: false,
      spacingFactor: 1,
      padding: 30,
      animate: false,
      // breadthfirst stacks levels top to bottom; on a wide screen the path reads left to right,
      // so it is laid out in the canvas turned on its side, then turned back.
      boundingBox: horizontal ? { x1: 0, y1: 0, w: h, h: w } : undefined,
      transform: (_n, p) => (horizontal ? { x: p.y, y: p.x } : p),
    });
    return performance.now() - start;
  }

  /** select marks the node or edge with id as selected, deselecting the rest. */
  select(id) {
    this.cy.elements(':selected').unselect();
    if (!id) return;
    const el = this.cy.getElementById(id);
    if (el.nonempty()) el.select();
  }

  /** fit zooms to show everything. */
  fit() {
    this.cy.fit(undefined, 30);
  }

  /** png returns the whole view as a PNG blob on a white background. */
  png() {
    return this.cy.png({ output: 'blob', bg: '#ffffff', full: true, scale: 2, maxWidth: 4000, maxHeight: 4000 });
  }

  /** relationsOf lists the relations touching id among those shown. */
  relationsOf(id) {
    return [...this.relations.values()].filter((r) => r.from.id === id || r.to.id === id);
  }

  /**
   * add adds the nodes and relations not shown yet and returns how many it added. New nodes take
   * the points of the spiral around near from its i-th on, so no two share a position.
   */
  add(nodes, relations, { near = { x: 0, y: 0 }, i = this.cy.nodes().length } = {}) {
    let added = 0;
    for (const n of nodes) {
      if (this.has(n.id)) continue;
      this.cy.add({ group: 'nodes', data: { id: n.id, name: n.name, kind: n.kind }, position: spiral(near, i + added) });
      added++;
    }
    for (const r of relations) {
      const key = relationKey(r);
      if (this.relations.has(key)) continue;
      // A relation whose end was cut by the API's cap is kept for the panel but not drawn.
      if (!this.has(r.from.id) || !this.has(r.to.id)) continue;
      this.relations.set(key, r);
      this.cy.add({ group: 'edges', data: { id: key, source: r.from.id, target: r.to.id, type: r.type } });
      added++;
    }
    this.cy.nodes().toggleClass('small-labels', this.cy.nodes().length > LABEL_ZOOM_NODES);
    return added;
  }

  mark(path, cls) {
    for (const n of path.nodes) this.cy.getElementById(n.id).addClass(cls);
    for (const r of path.relations) this.cy.getElementById(relationKey(r)).addClass(cls);
  }

  async layout({ randomize }) {
    const start = performance.now();
    const n = this.cy.nodes().length;
    if (n <= 1) {
      this.cy.center();
      this.updateCount();
      return 0;
    }
    await this.run({
      name: 'fcose',
      quality: n > 300 ? 'draft' : 'default',
      randomize,
      animate: false,
      nodeDimensionsIncludeLabels: n <= LABEL_ZOOM_NODES,
      idealEdgeLength: 90,
      nodeRepulsion: 6000,
      padding: 30,
    });
    return performance.now() - start;
  }

  run(options) {
    return new Promise((resolve) => {
      const l = this.cy.layout(options);
      l.one('layoutstop', () => {
        // A few nodes fitted to the canvas would be drawn huge; keep them at a readable size.
        if (this.cy.zoom() > MAX_FIT_ZOOM) {
          this.cy.zoom(MAX_FIT_ZOOM);
          this.cy.center();
        }
        this.updateCount();
        resolve();
      });
      l.run();
    });
  }

  /** renderedPosition returns where the node with id is drawn, relative to the canvas, or null. */
  renderedPosition(id) {
    const n = this.cy.getElementById(id);
    return n.nonempty() ? n.renderedPosition() : null;
  }

  // The counts are hooks for automation: nodes and edges shown, and nodes on the highlighted
  // shortest path.
  updateCount() {
    this.container.dataset.nodeCount = String(this.cy.nodes().length);
    this.container.dataset.edgeCount = String(this.cy.edges().length);
    this.container.dataset.shortestCount = String(this.cy.nodes('.shortest').length);
  }
}
