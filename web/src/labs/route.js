// route.js: whether the page's link opens a lab (#lab=optim&...) instead of the playground, and
// the page-wide settings such a link carries (embed=lab, lang=). Small and without imports: the
// page's shell reads it before it loads any lab.

/** The labs a link may name (lab=...). */
export const LABS = Object.freeze(['optim', 'loss', 'act']);

/**
 * {lab, embed, lang} when the hash names a lab, else null. Anything unreadable counts as absent:
 * a lab link with a broken lang= still opens the lab (its state module reports the rest).
 */
export function labRoute(hash) {
  const text = typeof hash === 'string' ? hash.replace(/^#/, '') : '';
  if (!/(^|&)lab=/.test(text) || text.length > 4096) return null;
  const params = new Map();
  for (const pair of text.split('&')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    try {
      params.set(decodeURIComponent(pair.slice(0, eq)), decodeURIComponent(pair.slice(eq + 1)));
    } catch {
      // a broken escape: that pair is not read
    }
  }
  const lab = params.get('lab');
  if (!LABS.includes(lab)) return null;
  const lang = ['en', 'zh'].includes(params.get('lang')) ? params.get('lang') : undefined;
  return { lab, embed: params.get('embed') === 'lab', lang };
}

/** The link of a lab: #lab=<id>. */
export const labHash = (lab) => `#lab=${lab}`;
