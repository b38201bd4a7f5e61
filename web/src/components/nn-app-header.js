// nn-app-header.js: the page's header: its title, the preset picker (examples, then each lesson's
// experiments), the language switch, instructor mode and "Copy link" (with a field to copy the
// link by hand where the clipboard is refused), and a skip link to the run controls.

import { LitElement, css, html, nothing } from 'lit';
import { controls } from './styles.js';
import { LESSONS } from '../experiment/lessons.js';
import { PRESETS } from '../experiment/presets.js';
import { LANGUAGES, language, languageName, languageTag, t, updateWhenLocaleChanges } from '../i18n/index.js';

/** The presets that belong to no lesson (the picker lists them first, as examples). */
const IN_LESSONS = new Set(LESSONS.flatMap((lesson) => lesson.experiments.map((e) => e.id)));
const EXAMPLES = PRESETS.filter((p) => !IN_LESSONS.has(p.id));

/** A preset's name in the page's language. */
export function presetName(preset) {
  const key = `preset.${preset.id}`;
  const name = t(key);
  if (name !== key) return name;
  // A lesson's experiment is named by the lesson's label for it, which has every language.
  const label = LESSON_LABELS.get(preset.id)?.[language()];
  return label || (preset.experiment.name ?? preset.id);
}

const LESSON_LABELS = new Map(LESSONS.flatMap((lesson) => lesson.experiments.map((e) => [e.id, e.label])));

/**
 * @element nn-app-header
 *
 * @property {string} presetId - the preset the experiment is ('' for a custom one)
 * @property {boolean} presets - whether the preset picker shows (a homework that fixes settings has none)
 * @property {boolean} instructorToggle - whether the instructor-mode button shows
 * @property {boolean} instructor - instructor mode is on
 * @property {boolean} lab - a lab is shown (the labs link then leads back to the playground)
 * @property {Function} link - gives the page's link for "Copy link" (null: nothing to copy yet)
 *
 * @fires preset-change - the user picked a preset; detail {id}
 * @fires language-change - the user picked a language; detail {lang}
 * @fires mode-change - the user toggled instructor mode; detail {instructor}
 * @fires link-copied - "Copy link" put the link on the clipboard (where it is refused, a field
 *   shows the link, selected, to copy by hand)
 * @fires skip - the user followed the skip link (to the run controls)
 */
export class NnAppHeader extends LitElement {
  static properties = {
    presetId: { type: String },
    presets: { type: Boolean },
    instructorToggle: { type: Boolean },
    instructor: { type: Boolean },
    lab: { type: Boolean },
    link: { attribute: false },
    _copied: { state: true },
    _copyFallback: { state: true },
  };

  static styles = [controls, css`
    :host {
      display: block;
    }
    header {
      position: relative;
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 8px 16px;
      padding: 10px 16px;
      border-bottom: 1px solid var(--nn-border-soft);
      background: #fafbfc;
    }
    h1 {
      font-size: 18px;
      margin: 0;
    }
    .subtitle {
      font-size: 12.5px;
      color: var(--nn-muted);
    }
    .titles {
      flex: 1 1 320px;
      min-width: 0;
    }
    .tools {
      display: flex;
      flex-wrap: wrap;
      align-items: end;
      gap: 8px 12px;
    }
    .tools label {
      display: block;
      font-size: 12px;
      color: var(--nn-muted);
    }
    .lang button[aria-pressed='true'],
    button.toggle[aria-pressed='true'] {
      background: var(--nn-accent);
      border-color: var(--nn-accent);
      color: #fff;
    }
    #preset {
      max-width: 360px;
    }
    /* A phone: the preset takes the whole width, so its name is not cut; the subtitle gives way. */
    @media (max-width: 700px) {
      header {
        padding: 8px 10px;
      }
      h1 {
        font-size: 16px;
      }
      .subtitle {
        display: none;
      }
      .tools > :first-child {
        flex: 1 1 100%;
      }
      #preset {
        width: 100%;
        max-width: none;
        font-size: 13px;
      }
      .tools {
        gap: 6px 8px;
        align-items: center;
      }
      .tools button {
        padding-inline: 8px;
        font-size: 13px;
      }
      /* The buttons say their languages; the group keeps its name (aria-labelledby reads it hidden). */
      #lang-label {
        display: none;
      }
    }
    .lang {
      display: inline-flex;
      gap: 0;
    }
    .lang button:first-of-type {
      border-radius: 4px 0 0 4px;
    }
    .lang button:last-of-type {
      border-radius: 0 4px 4px 0;
      border-left: 0;
    }
    .copy-fallback {
      width: 100%;
      margin-top: 6px;
    }
    .skip {
      position: absolute;
      left: 8px;
      top: -60px;
    }
    .skip:focus {
      top: 8px;
      z-index: 2;
    }
  `];

  constructor() {
    super();
    updateWhenLocaleChanges(this);
    this.presetId = '';
    this.presets = true;
    this.instructorToggle = true;
    this.instructor = false;
    this.lab = false;
    this.link = null;
    this._copied = false;
    this._copyFallback = '';
  }

  async #copy() {
    const link = this.link();
    this._copyFallback = '';
    try {
      await navigator.clipboard.writeText(link);
      this._copied = true;
      this.#emit('link-copied');
      setTimeout(() => { this._copied = false; }, 2000);
    } catch {
      // No clipboard permission (an embedded frame, plain http): show the link to copy by hand.
      this._copyFallback = link;
      this.updateComplete.then(() => this.renderRoot.querySelector('.copy-fallback')?.select());
    }
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }

  render() {
    const presetId = this.presetId;
    return html`<header>
        <button type="button" class="skip" @click=${() => this.#emit('skip')}>${t('app.skip')}</button>
        <div class="titles">
          <h1>${t('app.title')}</h1>
          <div class="subtitle">${t('app.subtitle')}</div>
        </div>
        <div class="tools">
          ${this.presets
            ? html`<div>
                <label for="preset">${t('app.preset')}</label>
                <select id="preset" .value=${presetId} @change=${(e) => this.#emit('preset-change', { id: e.target.value })}>
                  <option value="" ?selected=${presetId === ''}>${t('app.custom')}</option>
                  <optgroup label=${t('app.examples')}>
                    ${EXAMPLES.map((p) => html`<option value=${p.id} ?selected=${p.id === presetId}>${presetName(p)}</option>`)}
                  </optgroup>
                  ${LESSONS.map((lesson, i) => html`<optgroup label=${t('lesson.group', { n: i + 1, title: lesson.title[language()] })}>
                    ${lesson.experiments.map((e) => html`<option value=${e.id} ?selected=${e.id === presetId}>${e.label[language()]}</option>`)}
                  </optgroup>`)}
                </select>
              </div>`
            : nothing}
          <div><a class="labs" href=${this.lab ? '#' : '#lab=optim'}>${this.lab ? t('labs.back') : t('labs.open')}</a></div>
          <div role="group" aria-labelledby="lang-label">
            <label id="lang-label">${t('app.language')}</label>
            <span class="lang">
              ${LANGUAGES.map((l) => html`<button type="button" lang=${languageTag(l)} aria-pressed=${language() === l ? 'true' : 'false'}
                @click=${() => this.#emit('language-change', { lang: l })}>${languageName(l)}</button>`)}
            </span>
          </div>
          ${this.instructorToggle
            ? html`<div>
                <button type="button" id="instructor" class="toggle" aria-pressed=${this.instructor ? 'true' : 'false'}
                  @click=${() => this.#emit('mode-change', { instructor: !this.instructor })}>${t('app.instructor')}</button>
              </div>`
            : nothing}
          <div>
            <button type="button" id="copy-link" ?disabled=${!this.link} @click=${() => this.#copy()}>
              ${this._copied ? t('app.copied') : t('app.copyLink')}
            </button>
          </div>
        </div>
        ${this._copyFallback
          ? html`<input class="copy-fallback" type="text" readonly aria-label=${t('app.copyHere')} .value=${this._copyFallback} />`
          : nothing}
      </header>`;
  }
}
customElements.define('nn-app-header', NnAppHeader);
