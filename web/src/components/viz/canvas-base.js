// canvas-base.js: the base of the viz elements that paint their own canvas (confusion matrix,
// filters, decision boundary): one repaint per animation frame at most, a device-pixel-ratio
// backing store, a width that follows the element, and the read-only test state.

import { LitElement } from 'lit';

/**
 * Subclasses implement paint() (called inside an animation frame, after render) and return the
 * number of data items drawn, which becomes `pointCount` and the host's `data-points`.
 */
export class CanvasElement extends LitElement {
  constructor() {
    super();
    this.pointCount = 0;
    this.drawn = false;
    this.drawCount = 0;
    this._frame = 0;
    this._resizeObserver = null;
    this._lastWidth = 0;
  }

  /** Schedules one repaint in the next animation frame. */
  refresh() {
    if (this._frame || !this.isConnected) return;
    this._frame = requestAnimationFrame(() => {
      this._frame = 0;
      const n = this.paint() ?? 0;
      this.pointCount = n;
      this.drawn = this.drawn || n > 0;
      this.drawCount += 1;
      this.setAttribute('data-points', String(n));
    });
  }

  updated() {
    this.refresh();
  }

  firstUpdated() {
    this._resizeObserver = new ResizeObserver(() => {
      const w = this.availableWidth();
      if (w !== this._lastWidth) {
        this._lastWidth = w;
        this.refresh();
      }
    });
    this._resizeObserver.observe(this);
  }

  connectedCallback() {
    super.connectedCallback();
    if (this.hasUpdated) {
      this._resizeObserver?.observe(this);
      this.refresh();
    }
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    if (this._frame) cancelAnimationFrame(this._frame);
    this._frame = 0;
    this._resizeObserver?.disconnect();
  }

  /** The element's content width in CSS pixels (a fallback while it is not laid out). */
  availableWidth() {
    return Math.floor(this.clientWidth || 320);
  }

  /**
   * Sizes a canvas to cssWidth x cssHeight CSS pixels at the device pixel ratio and returns its
   * 2-D context scaled so that drawing uses CSS pixels.
   */
  sizeCanvas(canvas, cssWidth, cssHeight) {
    const ratio = globalThis.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(cssWidth * ratio));
    const h = Math.max(1, Math.round(cssHeight * ratio));
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    // Sizes go through the CSSOM, which a strict CSP allows (a style attribute would not be).
    canvas.style.width = `${cssWidth}px`;
    canvas.style.height = `${cssHeight}px`;
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    return ctx;
  }
}
