// Unit tests of how the timeline says what a meeting was reached through (run by `node --test
// test/`, from the Go test cmd/diplograph TestWebUnits).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { viaText } from '../src/explorer/timeline.js';

const org = (name) => ({ way: 'ORGANIZATION', relation: 'REPRESENTED_AT', through: { id: 'organization:x', kind: 'ORGANIZATION', name } });

test('a meeting taken part in directly says nothing more', () => {
  assert.equal(viaText({ direct: true, via: [{ way: 'DIRECT', relation: 'ATTENDED', through: null }, org('U.S. Government')] }), '');
});

test('a meeting of every meeting\'s timeline says nothing', () => {
  assert.equal(viaText({ direct: false, via: [] }), '');
});

test('a meeting reached through an organization names it', () => {
  assert.equal(viaText({ direct: false, via: [org('U.S. Government')] }), 'via U.S. Government');
});

test('a delegation names its first member and counts the others once each', () => {
  const member = (name, relation = 'ATTENDED') => ({ way: 'DELEGATION', relation, through: { id: name, kind: 'PERSON', name } });
  assert.equal(
    viaText({ direct: false, via: [member('Rachel Poynter'), member('Ken Salazar'), member('Ken Salazar', 'REPRESENTED_AT')] }),
    'delegation: Rachel Poynter, +1',
  );
});
