import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/index.js';
import { REPO } from '../helpers.js';

describe('limits', () => {
  const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('\n## Limits\n'), readme.indexOf('\n## ', readme.indexOf('\n## Limits\n') + 1));

  it('are exported constants, each documented with its value in the README "Limits" section', () => {
    expect(section.length).toBeGreaterThan(100);
    const rows = section.split('\n').filter((l) => l.startsWith('| `MAX_'));
    expect(rows.map((r) => r.slice(3, r.indexOf('`', 3))).sort()).toEqual(Object.keys(LIMITS).sort());
    for (const [name, value] of Object.entries(LIMITS)) {
      expect(section, name).toContain(`| \`${name}\` | ${value.toLocaleString('en-US')} `);
    }
  });

  it('are positive whole numbers, so none switches a check off', () => {
    for (const [name, value] of Object.entries(LIMITS)) expect(Number.isInteger(value) && value > 0, name).toBe(true);
  });
});
