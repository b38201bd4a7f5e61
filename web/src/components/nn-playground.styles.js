// nn-playground.styles.js: the page shell's styles: the colours every element reads (custom
// properties on :host), the two-column layout that folds to one, the cards, and the controls and
// notes the shell itself draws.
import { css } from 'lit';
import { banner, controls, srOnly } from './styles.js';

export const playgroundStyles = [srOnly, controls, banner, css`
    :host {
      display: block;
      --nn-accent: #1a73e8;
      --nn-focus: #1a73e8;
      --nn-error: #b3261e;
      --nn-error-bg: #fdecea;
      --nn-muted: #5a5f69;
      --nn-border: #b8bcc4;
      --nn-border-soft: #dde0e5;
      --nn-soft: #f1f3f6;
      --nn-panel: #fff;
      --nn-button: #f6f7f9;
      color: #1d1f23;
      font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans CJK SC', 'PingFang SC',
        'Microsoft YaHei', sans-serif;
    }
    .banner {
      margin: 10px 16px 0;
    }
    .banner pre {
      margin: 4px 0 0;
      white-space: pre-wrap;
      font: 12.5px/1.4 ui-monospace, monospace;
      word-break: break-word;
    }
    main[hidden] {
      display: none;
    }
    main {
      display: grid;
      grid-template-columns: minmax(430px, 500px) minmax(0, 1fr);
      align-items: start;
      gap: 12px;
      padding: 12px 16px 24px;
    }
    nn-views-panel {
      display: block;
    }
    section.card.network {
      /* The drawing of the network heads the page, across both columns. */
      grid-column: 1 / -1;
      padding: 8px 12px;
    }
    .side {
      display: grid;
      gap: 12px;
      min-width: 0;
    }
    section.card {
      /* What changes inside a card (a redrawn chart, a new readout) lays out and paints that card only. */
      contain: content;
      background: var(--nn-panel);
      border: 1px solid var(--nn-border-soft);
      border-radius: 10px;
      padding: 10px 12px 12px;
      min-width: 0;
    }
    h2 {
      font-size: 15px;
      margin: 0 0 8px;
    }
    .model {
      display: grid;
      gap: 12px;
      min-width: 0;
    }
    .metrics {
      display: grid;
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
      gap: 12px;
    }
    .more > section {
      /* Views below the fold are not rendered at all until they scroll near the screen. */
      content-visibility: auto;
      contain-intrinsic-size: auto 360px;
    }
    .more {
      display: grid;
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
      gap: 12px;
    }
    .wide {
      grid-column: 1 / -1;
    }
    .pick {
      display: flex;
      flex-wrap: wrap;
      gap: 6px 12px;
      align-items: center;
      margin-bottom: 6px;
      font-size: 13px;
    }
    .pair {
      display: grid;
      grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
      gap: 12px;
    }
    .note {
      font-size: 12.5px;
      color: var(--nn-muted);
      margin: 4px 0 0;
    }
    main.single {
      grid-template-columns: minmax(0, 1fr);
    }
    .live-charts {
      display: flex;
      flex-wrap: wrap;
      gap: 2px 10px;
      align-items: center;
      margin-top: 8px;
      font-size: 13px;
    }
    .live-charts label {
      display: inline-flex;
      gap: 6px;
      align-items: center;
      cursor: pointer;
    }
    .live-charts input {
      margin: 0;
      accent-color: var(--nn-accent);
    }
    .live-charts .note {
      margin: 0;
    }
    section.card.goal {
      border-color: var(--nn-accent);
    }
    section.card.lesson .text {
      margin: 0 0 6px;
      font-size: 13.5px;
    }
    .pick button[aria-pressed='true'] {
      background: var(--nn-accent);
      border-color: var(--nn-accent);
      color: #fff;
    }
    .lock {
      font-size: 13px;
      font-weight: 400;
      color: var(--nn-muted);
    }
    @media (max-width: 1100px) {
      /* One column, in the same order as the keyboard walks it: the model, then the run. */
      main {
        grid-template-columns: minmax(0, 1fr);
      }
    }
    @media (max-width: 700px) {
      .metrics,
      .more,
      .pair {
        grid-template-columns: minmax(0, 1fr);
      }
    }
  `];
