// Unit tests of the URL hash format (run by `node --test test/`, from the Go test
// cmd/diplograph TestWebUnits).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_HOPS, MAX_EXPAND, MAX_HOPS, emptyState, formatHash, isPathView, parseHash } from '../src/explorer/state.js';

test('formatHash and parseHash round-trip every part of a view', () => {
  const views = [
    emptyState(),
    { ...emptyState(), entity: 'person:roberto-velasco' },
    { ...emptyState(), entity: 'person:roberto-velasco', hops: 1, expand: ['organization:x', 'meeting:y-2'], sel: 'meeting:y-2' },
    { ...emptyState(), entity: 'person:katie-tobin', from: 'person:katie-tobin', to: 'dialogue:us-mexico-high-level-economic-dialogue' },
    { ...emptyState(), from: 'person:a' },
  ];
  for (const v of views) {
    assert.deepEqual(parseHash(formatHash(v)), v, formatHash(v));
  }
});

test('ids stay readable in the hash', () => {
  const h = formatHash({ ...emptyState(), entity: 'person:roberto-velasco', hops: 3, expand: ['a:b', 'c:d'] });
  assert.equal(h, '#entity=person:roberto-velasco&hops=3&expand=a:b,c:d');
  assert.equal(formatHash(emptyState()), '');
});

test('the default depth is left out of the hash and restored from it', () => {
  assert.equal(formatHash({ ...emptyState(), entity: 'x:y', hops: DEFAULT_HOPS }), '#entity=x:y');
  assert.equal(parseHash('#entity=x:y').hops, DEFAULT_HOPS);
});

test('parseHash clamps hops and drops what is not an id', () => {
  assert.equal(parseHash('#entity=x:y&hops=99').hops, MAX_HOPS);
  assert.equal(parseHash('#entity=x:y&hops=0').hops, 1);
  assert.equal(parseHash('#entity=x:y&hops=two').hops, DEFAULT_HOPS);
  assert.equal(parseHash('#entity=<script>').entity, '');
  assert.equal(parseHash('#entity=no-kind').entity, '');
  assert.deepEqual(parseHash('#entity=x:y&expand=a:b,,bad id,a:b,c:d').expand, ['a:b', 'c:d']);
  assert.equal(parseHash(`#sel=x:${'a'.repeat(300)}`).sel, '');
  const many = Array.from({ length: MAX_EXPAND + 5 }, (_, i) => `n:${i}`);
  assert.deepEqual(parseHash(`#entity=x:y&expand=${many.join(',')}`).expand, many.slice(0, MAX_EXPAND));
});

test('the path view needs both ends', () => {
  assert.equal(isPathView(parseHash('#from=a:b')), false);
  assert.equal(isPathView(parseHash('#from=a:b&to=c:d')), true);
});
