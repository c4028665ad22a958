/** `npm run docs:errors`: writes docs/errors.md from the code (scripts/error-catalogue.ts); `--check` only compares. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateErrorCatalogue } from './error-catalogue.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const target = path.join(root, 'docs', 'errors.md');
const fresh = generateErrorCatalogue(root);
if (process.argv.includes('--check')) {
  const current = readFileSync(target, 'utf8');
  if (current !== fresh) {
    process.stderr.write('docs/errors.md is not what the code says now: run `npm run docs:errors` and commit the result.\n');
    process.exitCode = 1;
  }
} else {
  writeFileSync(target, fresh);
  process.stderr.write(`docs/errors.md written (${fresh.split('\n').filter((l) => l.startsWith('| `')).length} codes)\n`);
}
