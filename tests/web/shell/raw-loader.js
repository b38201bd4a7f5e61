// raw-loader.js: Node module hooks for the worker thread (worker-boot.js registers them): an import
// of 'file?raw' gives the file's text as its default export, as Vite's ?raw does in the page.
import { readFile } from 'node:fs/promises';

export async function load(url, context, nextLoad) {
  const at = new URL(url);
  if (at.protocol !== 'file:' || at.search !== '?raw') return nextLoad(url, context);
  at.search = '';
  const text = await readFile(at, 'utf8');
  return { format: 'module', source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
}
