// Unit tests of the canvas's placement of new nodes (run by `node --test test/`, from the Go test
// cmd/diplograph TestWebUnits).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spiral } from '../src/explorer/graph.js';

test('spiral gives every new node a place of its own, off the center', () => {
  // Nodes on one point make Cytoscape warn that it cannot draw the edges between them.
  const center = { x: 120, y: -40 };
  const points = Array.from({ length: 300 }, (_, i) => spiral(center, i));
  for (const [i, p] of points.entries()) {
    assert.ok(Math.hypot(p.x - center.x, p.y - center.y) >= 40 - 1e-9, `point ${i} ${JSON.stringify(p)} is on the center`);
    for (let j = 0; j < i; j++) {
      const d = Math.hypot(p.x - points[j].x, p.y - points[j].y);
      assert.ok(d >= 40, `points ${j} and ${i} are ${d} px apart`);
    }
  }
});
