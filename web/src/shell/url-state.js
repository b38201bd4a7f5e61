// url-state.js: the page's state in its address. The hash holds the experiment, the homework, a
// result being read, the frame (embed=, mode=), the lesson and the language (experiment/url.js);
// the page writes it as things change and reads it on load and on navigation. A link that cannot
// be read keeps the defaults and says why. A Lit reactive controller; the host is the page.

import { decodeHash, encodeHash } from '../experiment/url.js';
import { labRoute } from '../labs/route.js';
import { DEFAULT_PRESET } from '../experiment/presets.js';
import { sameExperiment } from '../experiment/canonical.js';
import { language, say, setLanguage } from '../i18n/index.js';

export class UrlState {
  /** The parts an embedding shows (embed=...), or null for the whole page. */
  embed = null;
  /** The errors of a link that could not be read (the banner shows them in the page's language). */
  linkErrors = [];
  /** {lab, embed, lang} while a link shows a lab (labs/route.js), else null. */
  lab = null;
  #onHashChange = () => {
    const wasLab = this.lab;
    if (this.openLab()) return;
    this.read(location.hash, { fromNavigation: true });
    if (wasLab) this.write();
  };

  constructor(host) {
    this.host = host;
    host.addController(this);
  }

  hostConnected() {
    window.addEventListener('hashchange', this.#onHashChange);
  }

  hostDisconnected() {
    window.removeEventListener('hashchange', this.#onHashChange);
  }

  /** Shows the lab a #lab= link names (its module loads on first use); false for any other link. */
  openLab() {
    this.lab = labRoute(location.hash);
    this.host.requestUpdate();
    if (this.lab) import('../labs/nn-labs.js').catch((err) => this.host.training.fail(say('error.init', { message: err })));
    return Boolean(this.lab);
  }

  /** Reads a hash into the page; a hash that cannot be read shows why and keeps the defaults. */
  read(hash, { fromNavigation }) {
    const { host } = this;
    const decoded = decodeHash(hash, DEFAULT_PRESET.experiment);
    if (decoded.lang) setLanguage(decoded.lang).then(() => this.write());
    // The page's frame, the homework and the claim come with the link (a broken link: none).
    this.embed = decoded.embed ?? null;
    host.homework.fromLink(decoded);
    host.lessons.fromLink(decoded);
    if (fromNavigation && decoded.ok && decoded.empty) return decoded;
    if (fromNavigation && decoded.ok && host.experiment && sameExperiment(decoded.experiment, host.experiment)) return decoded;
    host.linkError = decoded.ok ? '' : decoded.message;
    this.linkErrors = decoded.ok ? [] : decoded.errors;
    host.setExperiment(decoded.experiment);
    if (fromNavigation) {
      host.training.describe(host.experiment);
      host.training.configure(host.experiment, true);
    }
    return decoded;
  }

  /** The hash of the page now: the experiment, the homework, a result being read, the frame. */
  hash() {
    const { host } = this;
    const { homework } = host;
    return encodeHash(host.experiment, {
      lang: language(), mode: homework.mode || undefined, embed: this.embed ?? undefined, lesson: host.lessons.id || undefined,
      assignment: homework.assignment ?? undefined, result: homework.claim ?? undefined,
    });
  }

  write() {
    if (!this.host.experiment || this.lab) return; // a lab writes its own link
    const hash = `#${this.hash()}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }

  /** The page's address without its hash. */
  base() {
    return location.href.split('#')[0];
  }

  link() {
    if (this.lab) return location.href;
    return `${this.base()}#${this.hash()}`;
  }
}
