// chart-styles.js: the styles of the viz elements: those every one shares (vizBaseStyles) and
// those of the uPlot charts (chartStyles: plot, header, legend, data table).

import { css } from 'lit';

/** Styles every viz element shares (colours come from custom properties the page can set). */
export const vizBaseStyles = css`
  :host {
    display: block;
    position: relative;
    font: 13px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'Noto Sans CJK SC', 'PingFang SC',
      'Microsoft YaHei', sans-serif;
    color: var(--nn-viz-fg, #222);
    --nn-viz-muted: #666;
  }
  :host([hidden]) {
    display: none;
  }
  .head {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 12px;
    min-height: 24px;
    margin-bottom: 4px;
  }
  .title {
    font-weight: 600;
    margin-right: auto;
  }
  .controls {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 4px 12px;
    font-size: 12px;
  }
  .controls label {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    cursor: pointer;
  }
  .controls input[type='range'] {
    width: 90px;
  }
  .seg {
    display: inline-flex;
    border: 1px solid var(--nn-viz-border, #bbb);
    border-radius: 4px;
    overflow: hidden;
  }
  .seg button {
    font: inherit;
    font-size: 12px;
    border: 0;
    padding: 2px 8px;
    background: var(--nn-viz-bg, #fff);
    color: inherit;
    cursor: pointer;
  }
  .seg button[aria-pressed='true'] {
    background: var(--nn-viz-accent, #0072b2);
    color: #fff;
  }
  button:focus-visible,
  input:focus-visible,
  canvas:focus-visible {
    outline: 2px solid var(--nn-viz-accent, #0072b2);
    outline-offset: 1px;
  }
  .empty {
    color: var(--nn-viz-muted);
    font-size: 12px;
  }
  .note {
    color: var(--nn-viz-muted);
    font-size: 12px;
    margin-top: 2px;
  }
`;

/** The uPlot charts' own styles: the plot box, the header, the legend and the data table. */
export const chartStyles = css`
  .plot {
    position: relative;
    width: 100%;
    min-height: 60px;
  }
  .uplot {
    width: 100%;
  }
  .legend {
    display: flex;
    flex-wrap: wrap;
    gap: 2px 14px;
    font-size: 12px;
    margin-top: 2px;
  }
  .legend-group {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 2px 8px;
  }
  .legend-group-label {
    font-weight: 600;
  }
  .legend button {
    font: inherit;
    display: inline-flex;
    align-items: center;
    gap: 4px;
    padding: 1px 2px;
    border: 0;
    background: none;
    color: inherit;
    cursor: pointer;
  }
  .legend button[aria-pressed='false'] {
    opacity: 0.4;
    text-decoration: line-through;
  }
  .tooltip {
    position: absolute;
    pointer-events: none;
    z-index: 2;
    background: var(--nn-viz-tooltip-bg, rgba(255, 255, 255, 0.95));
    border: 1px solid var(--nn-viz-border, #bbb);
    border-radius: 4px;
    padding: 4px 6px;
    font-size: 12px;
    white-space: nowrap;
    box-shadow: 0 1px 4px rgba(0, 0, 0, 0.15);
  }
  .tooltip[hidden] {
    display: none;
  }
  .tooltip .sw {
    display: inline-block;
    width: 10px;
    height: 3px;
    margin-right: 4px;
    vertical-align: middle;
  }
  .table-toggle {
    font: inherit;
    font-size: 12px;
    padding: 1px 8px;
    border: 1px solid var(--nn-viz-border, #bbb);
    border-radius: 4px;
    background: var(--nn-viz-bg, #fff);
    color: inherit;
    cursor: pointer;
  }
  .table-toggle[aria-expanded='true'] {
    background: var(--nn-viz-accent, #0072b2);
    border-color: var(--nn-viz-accent, #0072b2);
    color: #fff;
  }
  .table-box {
    margin-top: 6px;
  }
  .table-box[hidden] {
    display: none;
  }
  .table-scroll {
    max-width: 100%;
    overflow-x: auto;
  }
  .table-scroll:focus-visible {
    outline: 2px solid var(--nn-viz-accent, #0072b2);
    outline-offset: 1px;
  }
  table.data {
    border-collapse: collapse;
    font-size: 12px;
    font-variant-numeric: tabular-nums;
  }
  table.data caption {
    text-align: left;
    font-weight: 600;
    padding-bottom: 2px;
  }
  table.data th,
  table.data td {
    padding: 1px 10px 1px 0;
    text-align: right;
    white-space: nowrap;
    border-bottom: 1px solid var(--nn-viz-rule, #e2e2e2);
  }
  table.data thead th {
    vertical-align: bottom;
    white-space: normal;
    border-bottom-color: var(--nn-viz-border, #bbb);
  }
  table.data tbody th {
    font-weight: normal;
  }
`;
