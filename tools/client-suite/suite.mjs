// A frontend's queries through the GraphQL clients frontends use, against a running diplograph:
//
//   node --conditions=development suite.mjs <base URL> <editor API key> <docs...>
//
// Apollo Client 4 (InMemoryCache, relayStylePagination, possibleTypes from the server), urql with
// Graphcache (relayPagination, possibleTypes) and graphql-request read lists with nested
// relations, page forwards and backwards while people are added between pages, search, find a
// path, match fragments on interfaces, write and refetch. The run fails on any console warning or
// error (the clients' cache warnings among them), any cache read that comes back incomplete, and
// any page that repeats or skips an item. Then it generates TypeScript for every GraphQL operation
// in the given Markdown files (GraphQL Code Generator) and type-checks it with `tsc --strict`.
//
// It prints one JSON report on stdout: counts of what it checked, and the failures. The exit
// status is 1 when anything failed. (--conditions=development loads Apollo's development build,
// the one that warns.)
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { loadDevMessages, loadErrorMessages } from '@apollo/client/dev';
import { relayStylePagination } from '@apollo/client/utilities';
import { codegen } from '@graphql-codegen/core';
import * as typedDocumentNode from '@graphql-codegen/typed-document-node';
import * as typescriptOperations from '@graphql-codegen/typescript-operations';
import { Client, fetchExchange } from '@urql/core';
import { cacheExchange } from '@urql/exchange-graphcache';
import { relayPagination } from '@urql/exchange-graphcache/extras';
import { Kind, buildSchema, introspectionFromSchema, parse, print, validate, visit } from 'graphql';
import { GraphQLClient } from 'graphql-request';

const [base, editorKey, ...docFiles] = process.argv.slice(2);
assert.ok(base && editorKey, 'usage: suite.mjs <base URL> <editor API key> <markdown files...>');
const url = `${base}/graphql`;
const here = import.meta.dirname;

// Everything the clients say on the console is a finding: a cache warning is a bug of ours.
const warnings = [];
for (const level of ['warn', 'error']) {
  console[level] = (...args) => warnings.push(`console.${level}: ${args.map(String).join(' ').slice(0, 500)}`);
}
loadDevMessages();
loadErrorMessages();

const counts = { queries: 0, pages: 0, cacheReads: 0, writes: 0, operations: 0, clients: 0 };
const failures = [];
// The GraphQL blocks compiled, by markdown file: the Go test checks it found every one.
const documented = {};

async function check(name, fn) {
  try {
    await fn();
  } catch (err) {
    failures.push(`${name}: ${err.stack ?? err}`);
  }
}

// --- What the server says about its schema ----------------------------------------------------
const possibleTypes = await (await fetch(`${base}/graphql/possible-types.json`)).json();
const sdl = await (await fetch(`${base}/graphql/schema.graphql`)).text();
const schema = buildSchema(sdl);

// --- Queries -------------------------------------------------------------------------------------
const PEOPLE = gql`
  query People($first: Int, $after: String, $last: Int, $before: String) {
    people(first: $first, after: $after, last: $last, before: $before, sort: [{ name: ASC }]) {
      totalCount
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id name positions { id title organization { id name } } } }
    }
  }
`;
const MEETINGS = gql`
  query Meetings($first: Int) {
    meetings(first: $first, sort: [{ date: DESC }]) {
      pageInfo { hasNextPage endCursor }
      edges {
        cursor
        node {
          id name date
          place { id name country { id name } }
          attendances { id role person { id name } delegation { id code } citations { id quote source { id title } } }
          outcomes { id action initiative { id name supports { id name } } citations { id quote } }
        }
      }
    }
  }
`;
// Overlaps MEETINGS: the same attendances seen from a person, with other fields selected.
const PERSON = gql`
  query Person($id: ID!) {
    entity(id: $id) {
      id name
      citations { id quote }
      ... on Person { attendances { id role meeting { id name date } } positions { id title acting } }
    }
  }
`;
const NODE = gql`
  query Node($id: ID!) {
    node(id: $id) {
      id
      ... on Entity { name kind }
      ... on Person { positions { id title } }
      ... on Attendance { role person { id name } }
    }
  }
`;
const SEARCH = gql`
  query Search($q: String!) {
    search(query: $q, first: 5) { id score entity { id name kind ... on Person { positions { id title } } } }
  }
`;
const PATH = gql`
  query Path($from: ID!, $to: ID!) {
    shortestPath(from: $from, to: $to) {
      id length
      nodes { id name kind }
      relations { id type from { id name } to { id name } citations { id quote source { id title } } }
    }
  }
`;
// Two shapes of the same claims (what each source gives for each field): a cache that could not
// tell one claim from another would let either query overwrite the other's fields.
const CLAIM_VALUES = gql`
  query ClaimValues($id: ID!) {
    entity(id: $id) {
      id claims { id field value }
      ... on Meeting { relations(first: 5) { id claims { id field value } } }
    }
  }
`;
const CLAIM_SOURCES = gql`
  query ClaimSources($id: ID!) {
    entity(id: $id) {
      id claims { id basis shown sources { id title } }
      ... on Meeting { relations(first: 5) { id claims { id basis sources { id } } } }
    }
  }
`;
const ADD_PERSON = gql`
  mutation AddPerson($in: EntityInput!) { upsertEntity(input: $in) { id name } }
`;
const ADD_ATTENDANCE = gql`
  mutation Attend($in: RelationInput!) { addRelation(input: $in) { id type from { id } to { id } } }
`;

const auth = { Authorization: `Bearer ${editorKey}` };
// graphql-request: the plain client, and the source of truth the caches are compared with.
const plain = new GraphQLClient(url, { headers: auth });
async function truth(doc, variables) {
  counts.queries++;
  return plain.request(print(doc), variables);
}

// A quote and source to cite in writes: the first of the plenary.
const plenary = 'meeting:21cb-esc-14th-plenary';
const cite = (await truth(gql`{ entity(id: "meeting:21cb-esc-14th-plenary") { citations { quote source { id } } } }`)).entity.citations[0];
let visitors = 0;
async function addPerson(name) {
  counts.writes++;
  visitors++;
  // name() is first or last (below).
  const r = await plain.request(print(ADD_PERSON), {
    in: { kind: 'PERSON', name: `${name()} Visitor ${process.pid}`, citations: [{ source: cite.source.id, quote: cite.quote }] },
  });
  return r.upsertEntity;
}

async function allPeople() {
  const ids = [];
  for (let after = null; ; ) {
    const r = await truth(PEOPLE, { first: 100, after });
    ids.push(...r.people.edges.map((e) => e.node.id));
    if (!r.people.pageInfo.hasNextPage) return ids;
    after = r.people.pageInfo.endCursor;
  }
}

// Names that sort before every other ("!" is the first printable character, and each such name
// before the ones written earlier, in this run or another) and after every other ("~" the last):
// written between pages they land behind or ahead of a walk whatever it has read, however often
// the suite ran against this server.
const stamp = () => Date.now() * 1000 + visitors;
const first = () => `! ${String(1e17 - stamp()).padStart(17, '0')}`;
const last = () => `~ ${String(stamp()).padStart(17, '0')}`;

// sameOrder checks that got holds every id of want once, in want's order, and nothing else but
// the ids extra allows.
function sameOrder(what, got, want, extra = () => false) {
  const dup = got.find((id, i) => got.indexOf(id) !== i);
  assert.equal(dup, undefined, `${what}: ${dup} comes twice`);
  const kept = got.filter((id) => !extra(id));
  assert.deepEqual(kept, want, `${what}: pages skipped or reordered items`);
}

// --- Apollo Client ---------------------------------------------------------------------------
function apolloClient() {
  counts.clients++;
  return new ApolloClient({
    link: new HttpLink({ uri: url, headers: auth }),
    cache: new InMemoryCache({
      possibleTypes,
      typePolicies: { Query: { fields: { people: relayStylePagination(['where', 'sort']), meetings: relayStylePagination(['where', 'sort']) } } },
    }),
  });
}

// complete checks that the cache answers query alone, whole, as the server did.
function apolloComplete(client, query, variables, want) {
  counts.cacheReads++;
  const diff = client.cache.diff({ query, variables, returnPartialData: true, optimistic: false });
  assert.ok(diff.complete, `Apollo cache read of ${query.definitions[0].name.value} is incomplete: ${JSON.stringify(diff.missing ?? '').slice(0, 300)}`);
  if (want) assert.deepEqual(strip(diff.result), strip(want), `Apollo cache read of ${query.definitions[0].name.value} differs from the server's answer`);
}

// strip drops __typename, which caches add and graphql-request does not ask for.
function strip(v) {
  return JSON.parse(JSON.stringify(v, (k, x) => (k === '__typename' ? undefined : x)));
}

async function apolloQuery(client, query, variables) {
  counts.queries++;
  const r = await client.query({ query, variables, fetchPolicy: 'network-only' });
  assert.equal(r.error, undefined, `Apollo ${query.definitions[0].name.value}: ${r.error}`);
  return r.data;
}

await check('Apollo: lists with nested relations, overlapping queries, fragments on interfaces', async () => {
  const client = apolloClient();
  const meetings = await apolloQuery(client, MEETINGS, { first: 5 });
  const person = meetings.meetings.edges.flatMap((e) => e.node.attendances).find((a) => a.person)?.person.id;
  assert.ok(person, 'no meeting has an attendee');
  const p = await apolloQuery(client, PERSON, { id: person });
  const attendance = p.entity.attendances[0].id;
  await apolloQuery(client, NODE, { id: person });
  await apolloQuery(client, NODE, { id: attendance });
  // Every query still reads back whole from the normalized cache, as the server answers it now.
  apolloComplete(client, MEETINGS, { first: 5 }, await truth(MEETINGS, { first: 5 }));
  apolloComplete(client, PERSON, { id: person }, await truth(PERSON, { id: person }));
  apolloComplete(client, NODE, { id: person }, await truth(NODE, { id: person }));
  apolloComplete(client, NODE, { id: attendance }, await truth(NODE, { id: attendance }));
});

await check('Apollo: search and a path', async () => {
  const client = apolloClient();
  for (const q of ['poynter', 'velasco', 'secretariat']) {
    await apolloQuery(client, SEARCH, { q });
  }
  for (const q of ['poynter', 'velasco', 'secretariat']) {
    apolloComplete(client, SEARCH, { q }, await truth(SEARCH, { q }));
  }
  const vars = { from: 'person:katie-tobin', to: 'dialogue:us-mexico-high-level-economic-dialogue' };
  await apolloQuery(client, PATH, vars);
  apolloComplete(client, PATH, vars, await truth(PATH, vars));
});

await check('Apollo: claims read in two shapes', async () => {
  const client = apolloClient();
  const vars = { id: plenary };
  const values = await apolloQuery(client, CLAIM_VALUES, vars);
  assert.ok(values.entity.claims.length > 1, `the plenary has ${values.entity.claims.length} claims`);
  await apolloQuery(client, CLAIM_SOURCES, vars);
  apolloComplete(client, CLAIM_VALUES, vars, await truth(CLAIM_VALUES, vars));
  apolloComplete(client, CLAIM_SOURCES, vars, await truth(CLAIM_SOURCES, vars));
});

// walk pages through people with fetchMore, forwards (first/after) or backwards (last/before),
// calling between after each page but the last, and returns the ids the merged list holds.
async function apolloWalk(client, backwards, between) {
  const size = 3;
  const first = backwards ? { last: size } : { first: size };
  let data = await apolloQuery(client, PEOPLE, first);
  counts.pages++;
  for (let page = 1; ; page++) {
    assert.ok(page < 100, 'the walk does not end');
    const info = data.people.pageInfo;
    if (!(backwards ? info.hasPreviousPage : info.hasNextPage)) break;
    // Writes between the first pages only, so that the walk ends however long the list.
    if (page <= 3) await between?.();
    counts.pages++;
    // As fetchMore does: the page is written under its own variables, and relayStylePagination
    // merges it into the one list of the field.
    await apolloQuery(client, PEOPLE, backwards ? { last: size, before: info.startCursor } : { first: size, after: info.endCursor });
    counts.cacheReads++;
    data = client.readQuery({ query: PEOPLE, variables: first });
    assert.ok(data, 'Apollo readQuery of the merged people list is incomplete (null)');
  }
  return data.people.edges.map((e) => e.node.id);
}

await check('Apollo: paging forwards and back, with people added between pages', async () => {
  const client = apolloClient();
  let want = await allPeople();
  sameOrder('Apollo forwards', await apolloWalk(client, false), want);
  sameOrder('Apollo backwards', await apolloWalk(client, true), want);
  // Forwards: one added behind (sorts first), one ahead (sorts last) after each page.
  const ahead = [];
  const got = await apolloWalk(client, false, async () => {
    await addPerson(first);
    ahead.push((await addPerson(last)).id);
  });
  sameOrder('Apollo forwards with writes', got, want, (id) => ahead.includes(id));
  for (const id of ahead) assert.ok(got.includes(id), `Apollo forwards with writes skipped ${id}, added ahead`);
  // Backwards: ahead is now the start of the list.
  want = await allPeople();
  const early = [];
  const back = await apolloWalk(client, true, async () => {
    early.push((await addPerson(first)).id);
    await addPerson(last);
  });
  sameOrder('Apollo backwards with writes', back, want, (id) => early.includes(id));
  for (const id of early) assert.ok(back.includes(id), `Apollo backwards with writes skipped ${id}, added ahead`);
});

await check('Apollo: a mutation, then a refetch', async () => {
  const client = apolloClient();
  const meeting = gql`
    query Plenary($id: ID!) { entity(id: $id) { id ... on Meeting { attendances { id role person { id name } } } } }
  `;
  const before = await apolloQuery(client, meeting, { id: plenary });
  const person = await client.mutate({ mutation: ADD_PERSON, variables: { in: { kind: 'PERSON', name: `Refetched Visitor ${process.pid}`, citations: [{ source: cite.source.id, quote: cite.quote }] } } });
  counts.writes++;
  const id = person.data.upsertEntity.id;
  await client.mutate({
    mutation: ADD_ATTENDANCE,
    variables: { in: { type: 'ATTENDED', from: id, to: plenary, properties: { role: 'PARTICIPANT' }, citations: [{ source: cite.source.id, quote: cite.quote }] } },
    refetchQueries: [{ query: meeting, variables: { id: plenary } }],
    awaitRefetchQueries: true,
  });
  counts.writes++;
  counts.queries++;
  const now = await truth(meeting, { id: plenary });
  assert.equal(now.entity.attendances.length, before.entity.attendances.length + 1, 'the attendance was not written');
  apolloComplete(client, meeting, { id: plenary }, now);
});

// --- urql with Graphcache ------------------------------------------------------------------------
// Graphcache takes the schema (introspection data, here built from the served SDL) rather than
// possibleTypes: with possibleTypes alone it walks every fragment of a result it writes, matching
// or not, and warns about the fields the others lack.
const introspection = introspectionFromSchema(schema);

function urqlClient() {
  counts.clients++;
  return new Client({
    url,
    fetchOptions: { headers: auth },
    exchanges: [cacheExchange({ schema: introspection, resolvers: { Query: { people: relayPagination() } } }), fetchExchange],
  });
}

async function urqlQuery(client, query, variables, requestPolicy = 'network-only') {
  if (requestPolicy !== 'cache-only') counts.queries++;
  const r = await client.query(query, variables, { requestPolicy }).toPromise();
  assert.equal(r.error, undefined, `urql ${query.definitions[0].name.value}: ${r.error}`);
  return r;
}

// urqlComplete checks that Graphcache answers query from the cache alone, whole, as the server does.
async function urqlComplete(client, query, variables, want) {
  counts.cacheReads++;
  const r = await urqlQuery(client, query, variables, 'cache-only');
  assert.equal(r.operation.context.meta?.cacheOutcome, 'hit', `urql cache read of ${query.definitions[0].name.value}: ${r.operation.context.meta?.cacheOutcome}`);
  assert.deepEqual(strip(r.data), strip(want), `urql cache read of ${query.definitions[0].name.value} differs from the server's answer`);
}

await check('urql: lists with nested relations, overlapping queries, fragments, search and a path', async () => {
  const client = urqlClient();
  const meetings = (await urqlQuery(client, MEETINGS, { first: 5 })).data;
  const person = meetings.meetings.edges.flatMap((e) => e.node.attendances)[0].person.id;
  const attendance = (await urqlQuery(client, PERSON, { id: person })).data.entity.attendances[0].id;
  await urqlQuery(client, NODE, { id: person });
  await urqlQuery(client, NODE, { id: attendance });
  await urqlQuery(client, SEARCH, { q: 'poynter' });
  const vars = { from: 'person:katie-tobin', to: 'dialogue:us-mexico-high-level-economic-dialogue' };
  await urqlQuery(client, PATH, vars);
  await urqlComplete(client, MEETINGS, { first: 5 }, await truth(MEETINGS, { first: 5 }));
  await urqlComplete(client, PERSON, { id: person }, await truth(PERSON, { id: person }));
  await urqlComplete(client, NODE, { id: person }, await truth(NODE, { id: person }));
  await urqlComplete(client, NODE, { id: attendance }, await truth(NODE, { id: attendance }));
  await urqlComplete(client, SEARCH, { q: 'poynter' }, await truth(SEARCH, { q: 'poynter' }));
  await urqlComplete(client, PATH, vars, await truth(PATH, vars));
});

await check('urql: claims read in two shapes', async () => {
  const client = urqlClient();
  const vars = { id: plenary };
  await urqlQuery(client, CLAIM_VALUES, vars);
  await urqlQuery(client, CLAIM_SOURCES, vars);
  await urqlComplete(client, CLAIM_VALUES, vars, await truth(CLAIM_VALUES, vars));
  await urqlComplete(client, CLAIM_SOURCES, vars, await truth(CLAIM_SOURCES, vars));
});

// urqlWalk pages through people as apolloWalk does; relayPagination merges the pages into the
// list of the first page's variables.
async function urqlWalk(client, backwards, between) {
  const size = 3;
  const first = backwards ? { last: size } : { first: size };
  let r = await urqlQuery(client, PEOPLE, first);
  counts.pages++;
  for (let page = 1; ; page++) {
    assert.ok(page < 100, 'the walk does not end');
    const info = r.data.people.pageInfo;
    if (!(backwards ? info.hasPreviousPage : info.hasNextPage)) break;
    if (page <= 3) await between?.();
    counts.pages++;
    await urqlQuery(client, PEOPLE, backwards ? { last: size, before: info.startCursor } : { first: size, after: info.endCursor });
    counts.cacheReads++;
    r = await urqlQuery(client, PEOPLE, first, 'cache-only');
    assert.equal(r.operation.context.meta?.cacheOutcome, 'hit', 'urql read of the merged people list is not a hit');
  }
  return r.data.people.edges.map((e) => e.node.id);
}

await check('urql: paging forwards and back, with people added between pages', async () => {
  let want = await allPeople();
  sameOrder('urql forwards', await urqlWalk(urqlClient(), false), want);
  sameOrder('urql backwards', await urqlWalk(urqlClient(), true), want);
  const ahead = [];
  const got = await urqlWalk(urqlClient(), false, async () => {
    await addPerson(first);
    ahead.push((await addPerson(last)).id);
  });
  sameOrder('urql forwards with writes', got, want, (id) => ahead.includes(id));
  for (const id of ahead) assert.ok(got.includes(id), `urql forwards with writes skipped ${id}, added ahead`);
  want = await allPeople();
  const early = [];
  const back = await urqlWalk(urqlClient(), true, async () => {
    early.push((await addPerson(first)).id);
    await addPerson(last);
  });
  sameOrder('urql backwards with writes', back, want, (id) => early.includes(id));
  for (const id of early) assert.ok(back.includes(id), `urql backwards with writes skipped ${id}, added ahead`);
});

await check('urql: a mutation updates the cached entity', async () => {
  const client = urqlClient();
  const added = await addPerson(last);
  await urqlQuery(client, PERSON, { id: added.id });
  counts.writes++;
  const r = await client
    .mutation(ADD_PERSON, { in: { id: added.id, kind: 'PERSON', name: `${added.name} Jr`, citations: [{ source: cite.source.id, quote: cite.quote }] } })
    .toPromise();
  assert.equal(r.error, undefined, `urql mutation: ${r.error}`);
  await urqlComplete(client, PERSON, { id: added.id }, await truth(PERSON, { id: added.id }));
});

// --- graphql-request: the plain client, errors with codes ----------------------------------------
await check('graphql-request: a bad cursor is a coded error', async () => {
  counts.queries++;
  await assert.rejects(plain.request(print(PEOPLE), { first: 1, after: 'bm9wZQ' }), (err) => {
    assert.equal(err.response?.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    return true;
  });
});

// --- TypeScript from the documented operations -------------------------------------------------
await check('codegen: the documented operations compile with tsc --strict', async () => {
  const documents = [];
  let unnamed = 0;
  for (const file of docFiles) {
    const text = readFileSync(file, 'utf8');
    for (const [, block] of text.matchAll(/```graphql\n([\s\S]*?)```/g)) {
      // Name anonymous operations: generated types are named after their operations.
      const doc = visit(parse(block), {
        OperationDefinition: (op) => (op.name ? undefined : { ...op, name: { kind: Kind.NAME, value: `Example${++unnamed}` } }),
      });
      const errors = validate(schema, doc);
      assert.deepEqual(errors.map(String), [], `${file}: an example operation does not validate:\n${block}`);
      documents.push({ document: doc, location: file });
      documented[file] = (documented[file] ?? 0) + 1;
      counts.operations += doc.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION).length;
    }
  }
  assert.ok(documents.length > 0, `no GraphQL operations in ${docFiles}`);
  const out = await codegen({
    schema: parse(sdl),
    documents,
    filename: 'operations.ts',
    plugins: [{ 'typescript-operations': {} }, { 'typed-document-node': {} }],
    pluginMap: { 'typescript-operations': typescriptOperations, 'typed-document-node': typedDocumentNode },
    config: { scalars: { Date: 'string', JSON: 'unknown' }, strictScalars: true, enumsAsTypes: true },
  });
  const dir = join(here, '.generated');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'operations.ts'), out);
  const tsc = join(here, 'node_modules', '.bin', 'tsc');
  try {
    execFileSync(tsc, ['--strict', '--noEmit', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', join(dir, 'operations.ts')], { cwd: here, encoding: 'utf8' });
  } catch (err) {
    throw new Error(`tsc --strict failed:\n${err.stdout}${err.stderr}`);
  }
  rmSync(dir, { recursive: true, force: true });
});

for (const w of warnings) failures.push(w);
process.stdout.write(`${JSON.stringify({ counts, documented, failures }, null, 2)}\n`);
process.exitCode = failures.length ? 1 : 0;
