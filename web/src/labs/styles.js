// styles.js: the CSS the labs share: the intro, the list of claims with their measured numbers
// and verdicts, errors and buttons.
import { css } from 'lit';

export const claimStyles = css`
  .intro {
    margin: 0 0 10px;
    max-width: 80ch;
  }
  .claims {
    list-style: none;
    padding: 0;
    margin: 0;
  }
  .claims li {
    border-top: 1px solid var(--nn-border-soft, #dde0e5);
    padding: 8px 0;
  }
  .claims li[aria-current='true'] {
    background: var(--nn-soft, #f1f3f6);
  }
  .claim-title {
    font-weight: 600;
  }
  .why {
    color: var(--nn-muted, #5a5f69);
    margin: 2px 0;
  }
  .measured {
    margin: 4px 0 0;
  }
  .verdict.fails {
    color: #a4262c;
    font-weight: 600;
  }
  .error {
    color: #a4262c;
  }
  button {
    font: inherit;
    padding: 3px 10px;
    border: 1px solid var(--nn-border, #b8bcc4);
    border-radius: 4px;
    background: var(--nn-button, #f6f7f9);
    color: inherit;
    cursor: pointer;
  }
  button:focus-visible {
    outline: 2px solid var(--nn-focus, #1a73e8);
    outline-offset: 1px;
  }
`;

/** Two columns side by side, one under the other on narrow screens. */
export const labLayout = css`
  :host {
    display: block;
  }
  .layout {
    display: grid;
    grid-template-columns: minmax(280px, 1fr) minmax(280px, 1fr);
    gap: 16px;
    align-items: start;
  }
  @media (max-width: 860px) {
    .layout {
      grid-template-columns: 1fr;
    }
  }
`;

/** A settings grid's labels above their fields, and number fields of one width. */
export const labFields = css`
  .grid label {
    display: flex;
    flex-direction: column;
    font-size: 12px;
    color: var(--nn-muted, #5a5f69);
  }
  input[type='number'] {
    width: 7em;
  }
`;
