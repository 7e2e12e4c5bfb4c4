// The explorer's only contact with the server: GraphQL documents posted to /graphql and links to
// /export. Every function resolves to plain data or rejects with an ApiError carrying the
// server's extensions.code, so the page can say what went wrong.

/** ApiError is a failed request: code is the GraphQL extensions.code (or HTTP/NETWORK). */
export class ApiError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

/**
 * graphql posts one document and returns its data. A response with errors rejects with the
 * first error's message and code, so partial data is never shown as if it were whole.
 */
export async function graphql(query, variables = {}, { signal } = {}) {
  let res;
  try {
    res = await fetch('/graphql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ query, variables }),
      signal,
    });
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError('The server cannot be reached.', 'NETWORK');
  }
  let body;
  try {
    body = await res.json();
  } catch {
    throw new ApiError(`The server answered ${res.status} without a GraphQL response.`, 'HTTP');
  }
  if (body.errors?.length) {
    const e = body.errors[0];
    throw new ApiError(e.message, e.extensions?.code ?? 'UNKNOWN');
  }
  return body.data;
}

const NODE = `id kind name`;
const CITATIONS = `citations { quote basis note fields source { id title published url } }`;
// Every value the sources give, with its basis: the panel marks what is not stated and shows
// where sources disagree.
const CLAIMS = `basis claims { field value basis shown sources { id title published } }`;
const RELATION = `id type properties from { ${NODE} } to { ${NODE} } ${CITATIONS} ${CLAIMS}`;

/** search returns the entities best matching text, best first. */
export async function search(text, { signal } = {}) {
  const data = await graphql(
    `query Search($q: String!) {
      search(query: $q, first: 8) { score entity { ${NODE} description } }
    }`,
    { q: text },
    { signal },
  );
  return data.search.map((h) => h.entity);
}

/** entity returns one entity with its citations and kind-specific facts, or null. */
export async function entity(id) {
  const data = await graphql(
    `query Entity($id: ID!) {
      entity(id: $id) {
        ${NODE} aliases description ${CITATIONS} ${CLAIMS}
        ... on Organization { acronym classification country { name } }
        ... on Country { code }
        ... on Place { country { name } }
        ... on Meeting { date ordinal place { name } dialogue { name } }
        ... on Dialogue { acronym established }
      }
    }`,
    { id },
  );
  return data.entity;
}

/**
 * possibleDuplicates returns the stored entities id may be the same as ({id, score, reason,
 * entity}), best first: the duplicate finder's answer, for an editor to check and merge.
 */
export async function possibleDuplicates(id) {
  const data = await graphql(
    `query PossibleDuplicates($id: ID!) {
      possibleDuplicates(id: $id, first: 5) { id score reason entity { ${NODE} } }
    }`,
    { id },
  );
  return data.possibleDuplicates;
}

/**
 * neighborhood returns the entities within hops of id (at most first, most connected first) and
 * the relations between them, with their citations.
 */
export async function neighborhood(id, hops, first = 100) {
  const data = await graphql(
    `query Neighborhood($id: ID!, $hops: Int!, $first: Int!) {
      neighborhood(id: $id, hops: $hops, first: $first) {
        nodes { ${NODE} }
        relations { ${RELATION} }
      }
    }`,
    { id, hops, first },
  );
  return data.neighborhood;
}

/**
 * paths returns the shortest path from one entity to another and up to nine more simple paths,
 * shortest first; shortest is null when none exists within the hop limit.
 */
export async function paths(from, to) {
  const data = await graphql(
    `query Paths($from: ID!, $to: ID!) {
      shortestPath(from: $from, to: $to, maxHops: 6) { ...hops }
      paths(from: $from, to: $to, maxHops: 4, first: 10) { ...hops }
    }
    fragment hops on Path { length nodes { ${NODE} } relations { ${RELATION} } }`,
    { from, to },
  );
  return { shortest: data.shortestPath, all: data.paths };
}

/**
 * timeline returns meetings in date order: those id took part in, or all when id is empty, as
 * entries {meeting, direct, via}: via says how id took part (DIRECT, or through an ORGANIZATION,
 * a DELEGATION member or a DIALOGUE part, named by through).
 */
export async function timeline(id) {
  const data = await graphql(
    `query Timeline($id: ID) {
      timeline(id: $id, first: 50) {
        meeting { ${NODE} date } direct via { way relation through { ${NODE} } }
      }
    }`,
    { id: id || null },
  );
  return data.timeline;
}

/** exportURL is the API's download of the neighborhood of id within hops, in format. */
export function exportURL(format, id, hops) {
  const q = new URLSearchParams({ format });
  if (id) {
    q.set('id', id);
    q.set('hops', String(hops));
  }
  return `/export?${q}`;
}
