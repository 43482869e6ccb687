#!/usr/bin/env node
// Writes config.schema.json (the JSON schema of .lint-gitops.yaml) from the rules' metadata in dist/, so run
// `npm run build` first. test/config/config.test.ts fails when the committed file is stale.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function schemaText() {
  const { configSchema } = await import(path.join(root, 'dist/config/schema.js'));
  const { rules } = await import(path.join(root, 'dist/rules/index.js'));
  return JSON.stringify(configSchema(rules), null, 2) + '\n';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(path.join(root, 'config.schema.json'), await schemaText());
}
