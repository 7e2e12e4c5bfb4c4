// Runs the graphql-http server audit suite (the GraphQL-over-HTTP spec's conformance checks)
// against the GraphQL endpoint given as the only argument, e.g.
//
//   node audit.mjs http://127.0.0.1:8080/graphql
//
// It prints one line per audit to stderr and a JSON summary to stdout:
// {"results": [{"id", "name", "status": "ok" | "notice" | "warn" | "error", "reason"}]}.
// Audit names start with their requirement level (MUST, SHOULD, MAY); a failed MUST audit has
// status "error". The exit code is 1 when any MUST audit failed, 2 on a usage or fatal error.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}

const results = [];
for (const { fn } of serverAudits({ url })) {
  const r = await fn();
  results.push({ id: r.id, name: r.name, status: r.status, reason: r.reason ?? '' });
  console.error(`${r.status.padEnd(6)} ${r.id} ${r.name}${r.reason ? ` -- ${r.reason}` : ''}`);
}
console.log(JSON.stringify({ results }));
process.exit(results.some((r) => r.status === 'error') ? 1 : 0);
