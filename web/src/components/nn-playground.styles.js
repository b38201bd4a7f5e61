// nn-playground.styles.js: the page shell's styles: the colours every element reads (custom
// properties on :host); the layout: a first screen of the network drawing, the run card and the
// charts (a lesson beside the charts when one is open), the rest below, the model drawer beside
// the page (a laptop) or over it (a tablet), and a phone's one section at a time under a tab bar;
// the cards, and the controls and notes the shell itself draws.
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
      display: flex;
      align-items: flex-start;
      gap: 12px;
      padding: 12px 16px 24px;
    }
    .page {
      flex: 1 1 0;
      min-width: 0;
      display: grid;
      /* An open lesson's column: its text beside its evidence, wider than the charts' column. */
      grid-template-columns: minmax(0, 1.75fr) minmax(0, 1fr);
      align-items: start;
      gap: 12px;
      container-type: inline-size;
    }
    .page > * {
      grid-column: 1 / -1;
      min-width: 0;
    }
    /*
     * The first screen is the drawing, the run and the charts; the lesson chooser and the rest
     * follow, in the order Tab walks them. A lesson that is open comes up to the first screen,
     * beside the charts (with room for its evidence), or above them on a narrower window.
     */
    main.lesson .page > .metrics,
    main.lesson .page > .exports,
    main.lesson .page > .runs,
    main.lesson .page > nn-views-panel {
      order: 1;
    }
    @container (min-width: 1000px) {
      main.lesson .page > .lesson {
        grid-column: 1;
      }
      main.lesson .page > .metrics {
        grid-column: 2;
        grid-template-columns: minmax(0, 1fr);
      }
    }
    nn-views-panel {
      display: block;
    }
    section.card.network {
      padding: 8px 12px;
    }
    /* The drawer: the layer editor and the settings. Beside the page on a laptop, over it on a tablet. */
    aside.drawer {
      flex: 0 0 460px;
      min-width: 0;
      position: sticky;
      top: 0;
      max-height: 100vh;
      overflow: auto;
      overscroll-behavior: contain;
      display: grid;
      gap: 12px;
      align-content: start;
      padding: 0 2px 12px;
    }
    aside.drawer[hidden] {
      display: none;
    }
    .drawer-head {
      position: sticky;
      top: 0;
      z-index: 1;
      display: flex;
      align-items: center;
      justify-content: space-between;
      gap: 8px;
      padding: 6px 0;
      background: var(--nn-page, #f4f5f7);
    }
    .drawer-head h2 {
      margin: 0;
      font-size: 16px;
    }
    aside.drawer.inline {
      position: static;
      max-height: none;
      overflow: visible;
      flex-basis: min(460px, 45%);
    }
    .run-head {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 4px 14px;
      margin-bottom: 8px;
    }
    .run-head h2 {
      margin: 0;
    }
    .hint {
      flex: 1 1 320px;
      margin: 0;
      font-size: 14px;
    }
    .hint strong {
      color: var(--nn-accent);
    }
    .drawer-buttons {
      display: flex;
      flex-wrap: wrap;
      gap: 6px;
    }
    .fix {
      margin: 8px 0 0;
      color: var(--nn-error);
      font-size: 13px;
    }
    /* A phone: one section at a time, chosen in a tab bar in reach of the thumb. */
    .tabs {
      position: fixed;
      left: 0;
      right: 0;
      bottom: 0;
      z-index: 10;
      display: flex;
      background: var(--nn-panel);
      border-top: 1px solid var(--nn-border);
      padding-bottom: env(safe-area-inset-bottom);
    }
    .tabs button {
      flex: 1 1 0;
      min-width: 0;
      min-height: 52px;
      border: 0;
      border-radius: 0;
      background: none;
      font-weight: 600;
      color: var(--nn-muted);
    }
    .tabs button[aria-selected='true'] {
      color: var(--nn-accent);
      box-shadow: inset 0 3px 0 var(--nn-accent);
    }
    .tabs button:focus-visible {
      outline-offset: -3px;
    }
    main.phone {
      flex-direction: column;
      align-items: stretch;
      padding: 8px 8px 72px;
    }
    /* The Run tab names the run card: its heading is read, not drawn, leaving the room to the chart. */
    main.phone .run-head h2 {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
    main.phone aside.drawer {
      order: 1;
      position: static;
      flex-basis: auto;
      max-height: none;
      overflow: visible;
    }
    main.phone[data-show='train'] .page > :not([data-tab='train']),
    main.phone[data-show='model'] .page > :not([data-tab='model']),
    main.phone[data-show='charts'] .page > :not([data-tab='charts']),
    main.phone[data-show='lesson'] .page > :not([data-tab='lesson']) {
      display: none;
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
    .live-charts {
      display: flex;
      flex-wrap: wrap;
      gap: 2px 10px;
      align-items: center;
      margin-bottom: 8px;
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
    @media (max-width: 1099px) {
      /* A tablet: the drawer comes over the page, from the left, and leaves it as it was. */
      main:not(.phone) aside.drawer:not(.inline) {
        position: fixed;
        z-index: 20;
        top: 0;
        bottom: 0;
        left: 0;
        width: min(460px, 92vw);
        max-height: none;
        padding: 0 12px 12px;
        background: var(--nn-page, #f4f5f7);
        box-shadow: 4px 0 24px rgb(0 0 0 / 0.25);
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
