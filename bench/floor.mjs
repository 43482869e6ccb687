#!/usr/bin/env node
/**
 * The floor lint-gitops is measured against: read every YAML file under a directory and parse it, in one thread.
 *   node bench/floor.mjs yaml|js-yaml DIR
 * `yaml`: parseAllDocuments + toJS (what the linter's values come from); `js-yaml`: loadAll.
 */
import fs from 'node:fs';
import path from 'node:path';

const [parser, dir] = process.argv.slice(2);
if (!['yaml', 'js-yaml'].includes(parser) || !dir) {
  process.stderr.write('usage: node bench/floor.mjs yaml|js-yaml DIR\n');
  process.exit(2);
}
const parse =
  parser === 'yaml'
    ? await import('yaml').then(({ parseAllDocuments }) => (text) => {
        let n = 0;
        for (const doc of [parseAllDocuments(text)].flat()) if (doc.toJS() !== undefined) n++;
        return n;
      })
    : await import('js-yaml').then(({ loadAll }) => (text) => loadAll(text).length);

let files = 0;
let bytes = 0;
let docs = 0;
const walk = (d) => {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.isFile() && /\.ya?ml$/.test(e.name)) {
      const text = fs.readFileSync(p, 'utf8');
      files++;
      bytes += Buffer.byteLength(text);
      docs += parse(text);
    }
  }
};
walk(dir);
process.stdout.write(`${JSON.stringify({ parser, files, bytes, docs })}\n`);
