// layout.js: what the page shows where, as a Lit reactive controller: whether the model drawer
// (the layer editor and the settings) is open, which section a phone shows (its tabs), and
// whether the window is phone-narrow. None of it is in the link: it changes no number, and a
// shared link opens on the first screen every student meets.

/** The phone's sections, in the tab bar's order. */
export const TABS = Object.freeze(['train', 'model', 'charts', 'lesson']);
/** The widths at which the page is a phone's: one section at a time, switched by tabs. */
export const PHONE_QUERY = '(max-width: 700px)';

export class LayoutController {
  /** Whether the drawer with the layer editor and the settings is open. */
  drawer = false;
  /** The section a phone shows (one of TABS). */
  tab = 'train';
  /** Whether the window is phone-narrow (PHONE_QUERY). */
  phone = false;

  #media = null;
  #onMedia = (e) => {
    this.phone = e.matches;
    this.host.requestUpdate();
  };
  /** The control that opened the drawer: focus goes back to it when the drawer closes. */
  #opener = null;

  /** host: the element; matchMedia: the window's (none in Node: never a phone). */
  constructor(host, { matchMedia = globalThis.matchMedia?.bind(globalThis) } = {}) {
    this.host = host;
    this.matchMedia = matchMedia;
    host.addController?.(this);
  }

  hostConnected() {
    this.#media = this.matchMedia?.(PHONE_QUERY) ?? null;
    this.phone = Boolean(this.#media?.matches);
    this.#media?.addEventListener('change', this.#onMedia);
  }

  hostDisconnected() {
    this.#media?.removeEventListener('change', this.#onMedia);
  }

  /** Whether the drawer's content is on screen: open, or a phone's model tab. */
  get drawerShown() {
    return this.phone ? this.tab === 'model' : this.drawer;
  }

  /**
   * Opens the drawer (on a phone: its model tab) and resolves once it is drawn, so that a field in
   * it can take focus. `opener` gets focus back when it closes.
   */
  async open(opener = null) {
    this.#opener = opener ?? deepActiveElement();
    if (this.phone) this.tab = 'model';
    else this.drawer = true;
    this.host.requestUpdate();
    await this.host.updateComplete;
  }

  /** Closes the drawer (on a phone: back to the train tab); focus returns to what opened it. */
  close({ restoreFocus = true } = {}) {
    if (!this.drawerShown) return;
    if (this.phone) this.tab = 'train';
    else this.drawer = false;
    this.host.requestUpdate();
    const opener = this.#opener;
    this.#opener = null;
    if (restoreFocus && opener?.isConnected) this.host.updateComplete.then(() => opener.focus());
  }

  toggle(opener) {
    if (this.drawerShown) this.close();
    else this.open(opener);
  }

  /** A phone's tab chosen (a tab, or an arrow key on the tab bar). */
  setTab(tab) {
    if (!TABS.includes(tab) || tab === this.tab) return;
    this.tab = tab;
    this.host.requestUpdate();
  }
}

/** The element with focus, through the shadow roots (a block of the drawing, a button), or null. */
function deepActiveElement() {
  let el = globalThis.document?.activeElement ?? null;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el === globalThis.document?.body ? null : el;
}
