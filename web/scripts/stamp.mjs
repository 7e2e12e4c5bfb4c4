// stamp writes dist/source.sha256: a digest of every file the build reads, so a Go test can tell
// that the committed dist/ was built from the committed sources without running Node.
//
// digest = sha256 over, for each file in byte order of its slash-separated path,
//          "<path>\n<sha256 hex of its bytes>\n"
// The Go side (web/stamp.go) computes the same over the same list.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const root = join(import.meta.dirname, '..');
const roots = ['index.html', 'graphiql.html', 'vite.config.js', 'package.json', 'package-lock.json', 'src'];

function walk(path) {
  const entries = readdirSync(path, { withFileTypes: true });
  return entries.flatMap((e) => (e.isDirectory() ? walk(join(path, e.name)) : [join(path, e.name)]));
}

const files = roots
  .flatMap((r) => (r === 'src' ? walk(join(root, r)) : [join(root, r)]))
  .map((f) => relative(root, f).split(sep).join('/'))
  .sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : Buffer.from(a) > Buffer.from(b) ? 1 : 0));

const digest = createHash('sha256');
for (const f of files) {
  const sum = createHash('sha256').update(readFileSync(join(root, f))).digest('hex');
  digest.update(`${f}\n${sum}\n`);
}
writeFileSync(join(root, 'dist', 'source.sha256'), `${digest.digest('hex')}\n`);
