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
