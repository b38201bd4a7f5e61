// nn-header.js: reads c/nn.h for the tests: its enums and the functions it declares.
import { readFileSync } from 'node:fs';

const header = readFileSync(new URL('../../c/nn.h', import.meta.url), 'utf8');
const code = header.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');

/** {typedefName: {NN_NAME: value}} for every `typedef enum {...} name;` in nn.h. */
export function headerEnums() {
  const enums = {};
  for (const m of code.matchAll(/typedef\s+enum\s*\{([^}]*)\}\s*(\w+)\s*;/g)) {
    const values = {};
    let next = 0;
    for (const item of m[1].split(',').map((s) => s.trim()).filter(Boolean)) {
      const [name, value] = item.split('=').map((s) => s.trim());
      next = value === undefined ? next : Number(value);
      values[name] = next++;
    }
    enums[m[2]] = values;
  }
  return enums;
}

/** Names of the functions nn.h declares. */
export function headerFunctions() {
  return [...new Set([...code.matchAll(/\b(nn_[a-z0-9_]+)\s*\(/g)].map((m) => m[1]))].sort();
}
