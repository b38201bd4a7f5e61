// styles.js: CSS that several elements share (each element's shadow root needs its own copy of a
// rule, so it is adopted from here: `static styles = [srOnly, css`...`]`).
import { css } from 'lit';

/** .sr: text for screen readers only (kept in the accessibility tree, not drawn). */
export const srOnly = css`
  .sr {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;

/** .swatch: the small colour square that ties a run's row to its curve. */
export const swatch = css`
  .swatch {
    display: inline-block;
    width: 10px;
    height: 10px;
    border-radius: 2px;
    margin-right: 4px;
    vertical-align: baseline;
  }
`;

/** fieldset, legend and .grid: a titled group of settings laid out in columns. */
export const fieldGroups = css`
  fieldset {
    border: 1px solid var(--nn-border-soft, #dde0e5);
    border-radius: 8px;
    margin: 0 0 10px;
    padding: 8px 10px 10px;
    min-width: 0;
  }
  legend {
    font-weight: 600;
    padding: 0 4px;
  }
  .grid {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
    gap: 8px 10px;
    align-items: start;
  }
`;

/** label.sel above a select, the select itself and the focus ring of both kinds of control. */
export const formFields = css`
  label.sel {
    display: block;
    font-size: 12px;
    color: var(--nn-muted, #555);
    margin-bottom: 2px;
  }
  select {
    font: inherit;
    width: 100%;
    padding: 3px 4px;
    border: 1px solid var(--nn-border, #b8bcc4);
    border-radius: 4px;
    background: var(--nn-input-bg, #fff);
    color: inherit;
  }
  select:focus-visible,
  input:focus-visible {
    outline: 2px solid var(--nn-focus, #1a73e8);
    outline-offset: 1px;
  }
`;

/** The page's own buttons, selects and text fields, and their focus ring. */
export const controls = css`
  select,
  button,
  input[type='text'] {
    font: inherit;
    padding: 3px 8px;
    border: 1px solid var(--nn-border);
    border-radius: 4px;
    background: #fff;
    color: inherit;
  }
  button {
    background: var(--nn-button);
    cursor: pointer;
    min-height: 30px;
  }
  select:focus-visible,
  button:focus-visible,
  input:focus-visible {
    outline: 2px solid var(--nn-focus);
    outline-offset: 1px;
  }
`;

/** .banner: a message across the page (a link that cannot be read, a crashed worker), with its buttons. */
export const banner = css`
  .banner {
    padding: 8px 12px;
    border-radius: 6px;
    border: 1px solid var(--nn-error);
    background: var(--nn-error-bg);
    display: flex;
    gap: 12px;
    align-items: start;
  }
  .banner .text {
    flex: 1;
    min-width: 0;
  }
`;
