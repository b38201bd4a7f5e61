// css-literals.js: the Vite plugin that minifies the CSS of Lit's css`...` templates in the page's
// own sources at build time, with esbuild (which Vite already runs): the comments that say why a
// rule is there, and the indentation, stay in the sources and no longer ship. A template with an
// interpolation (${...}) is left as it is, since its parts are not CSS on their own.
import { transform } from 'esbuild';

const LITERAL = /\bcss`([^`]*)`/g;

/** `source` with each css`...` template's CSS minified (the rest of the file untouched). */
export async function minifyCssLiterals(source) {
  const found = [...source.matchAll(LITERAL)].filter((m) => !m[1].includes('${') && !m[1].includes('\\'));
  if (!found.length) return source;
  // utf8: a character such as → stays itself; esbuild's escape (\2192) would be a template escape.
  const minified = await Promise.all(found.map(async (m) => {
    const { code } = await transform(m[1], { loader: 'css', minify: true, charset: 'utf8' });
    // Anything a template would read differently keeps the CSS as it was written.
    return /[`\\]|\$\{/.test(code) ? m[1] : code.trim();
  }));
  let out = '';
  let at = 0;
  found.forEach((m, i) => {
    out += `${source.slice(at, m.index)}css\`${minified[i]}\``;
    at = m.index + m[0].length;
  });
  return out + source.slice(at);
}

/** The plugin: only the page's sources under `root` (web/src), only when building. */
export function cssLiterals(root) {
  return {
    name: 'nn-css-literals',
    apply: 'build',
    async transform(code, id) {
      if (!id.startsWith(root) || !id.endsWith('.js') || !code.includes('css`')) return null;
      return { code: await minifyCssLiterals(code), map: null };
    },
  };
}
