// nn-header.js: reads the core's headers for the tests: c/nn.h's enums and the functions it
// declares, and the enums of an internal header (c/rng.h's random streams).
import { readFileSync } from 'node:fs';

/** A header of c/ without its comments. */
const headerCode = (file) => readFileSync(new URL(`../../c/${file}`, import.meta.url), 'utf8')
  .replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
const code = headerCode('nn.h');

/** {typedefName: {NN_NAME: value}} for every `typedef enum {...} name;` in c/<file> (nn.h by default). */
export function headerEnums(file = 'nn.h') {
  const enums = {};
  for (const m of headerCode(file).matchAll(/typedef\s+enum\s*\{([^}]*)\}\s*(\w+)\s*;/g)) {
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
