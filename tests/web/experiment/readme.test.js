// readme.test.js: the README's tables of the experiment's fields are the schema's: each marked
// table is what web/cli/schema-doc.js writes from the schema (fields.js), so a range or a default
// changed in schema.js and not in the README (or the other way round) fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schemaTables, withSchemaTables } from '../../../web/cli/schema-doc.js';
import { schemaFields } from '../../../web/src/experiment/fields.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');

describe('the README states the schema\'s ranges and defaults', () => {
  it('every marked table is the one written from the schema (run node web/cli/schema-doc.js)', () => {
    const tables = schemaTables();
    for (const [name, table] of Object.entries(tables)) {
      const block = README.match(new RegExp(`<!-- schema:${name} -->\\n([\\s\\S]*?)\\n<!-- /schema:${name} -->`));
      expect(block, `README.md: the <!-- schema:${name} --> block`).not.toBeNull();
      expect(block[1], `README.md: the ${name} table`).toBe(table);
    }
    expect(withSchemaTables(README)).toBe(README);
  });

  it('names every field of the schema with its range and its default', () => {
    const text = Object.values(schemaTables()).join('\n');
    const num = (x) => (x === Number.MAX_SAFE_INTEGER ? '2^53 - 1' : String(x));
    let checked = 0;
    for (const f of schemaFields()) {
      const key = f.path.at(-1);
      if (key === '#') continue;
      expect(text, key).toContain(`\`${key}\``);
      if (f.kind === 'integer' || f.kind === 'number') {
        // `units` (1 to 16384, ...) in a row of fields, or | `seed` | 0 to 2^53 - 1 | in the top table
        const lo = `${f.lowOpen ? 'above ' : ''}${num(f.lo)}`;
        const hi = `${f.highOpen ? 'below ' : ''}${num(f.hi)}`;
        const written = [`\`${key}\` (${lo} to ${hi}`, `| \`${key}\` | ${lo} to ${hi}`, `\`${key}\` (${lo}, at most ${hi}`];
        expect(written.some((w) => text.includes(w)), `${f.path.join('.')}: ${lo} to ${hi}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });

  it('a range changed in the schema changes the README\'s table', () => {
    const fields = schemaFields().map((f) => (f.path.at(-1) === 'negative_slope' ? { ...f, hi: 1 } : f));
    expect(schemaTables(fields).layers).toContain('`negative_slope` (-1000 to 1, default `0.01`)');
    expect(withSchemaTables(README, schemaTables(fields))).not.toBe(README);
  });
});
