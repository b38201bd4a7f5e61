// view-scheduler.js: when the page's views redraw. The worker sends far more than a screen can
// show, so views are marked dirty as messages come and drawn in frames at most FRAME_MS apart
// (BUSY_FRAME_MS while the run's threads take every core); while training they take turns
// (ROTATION), so no single task paints every chart, and a view scrolled out of sight keeps what it
// showed. "Live charts" off rests them all. A Lit reactive controller: it watches the host's
// [data-view] sections with an IntersectionObserver.

/**
 * Charts and readouts redraw at most this often while training (the worker sends far more). A
 * frame's work is taken from the training threads when they use every core. At 150 ms the page's
 * main thread was busy 13-15 % of the time with the live charts on (4 runs of the bench's live
 * charts measurement on 2 threads), at 250 ms 9-11 % (6 runs); turned off, 4-6 %.
 */
export const FRAME_MS = 250;
/**
 * The frame while the run's threads take every core the browser reports
 * (navigator.hardwareConcurrency): then the page's drawing has no core of its own, and each
 * frame holds up a training thread and, through it, every job of the step. The live charts'
 * cost on 2 threads of 2 cores, at 250 ms: -3.8, +5.4, +10.4, +12.4 and +23.2 % in five runs
 * of the bench (median +10.4 %, target 10 %), the main thread busy 9-11 % of the time; at 400
 * ms: +2.0, -10.1 and -3.4 % in three, the main thread busy 6-7 % (3-4 % with the charts off).
 */
export const BUSY_FRAME_MS = 400;
/** The views, by their element's data-view. */
export const ALL_VIEWS = ['loss', 'accuracy', 'weights', 'grads', 'norms', 'confusion', 'digits', 'filters', 'boundary'];
/** Whose turn it is in successive frames while training: the loss curve every other frame. */
const ROTATION = [
  ['loss'], ['accuracy'], ['weights'], ['loss'], ['grads'], ['norms'],
  ['loss'], ['accuracy'], ['confusion'], ['loss'], ['digits', 'boundary'], ['filters'],
];
/** The charts that read arrays appended in place, and so are told to redraw. */
const IN_PLACE = { loss: '#loss-chart', accuracy: '#accuracy-chart', weights: '#weights-chart', grads: '#grads-chart' };

export class ViewScheduler {
  /** "Live charts": off, the charts rest while training. */
  live = true;
  /** Frames drawn (a view panel re-renders with each). */
  frame = 0;

  #dirty = new Set();
  #due = new Set(ALL_VIEWS);
  #turn = 0;
  /** The next frame draws every view at once (live charts just turned back on). */
  #catchUp = false;
  /** Views (data-view of their section) on screen or near it; only those redraw while training. */
  #visible = new Set();
  #shown = new Map();
  #observer = null;
  #observed = new WeakSet();
  #timer = 0;
  #lastFrame = 0;

  /**
   * training(): whether a run trains now; onFrame(): the page's readouts catch up; everyCore():
   * whether the run's threads take every core (frames are BUSY_FRAME_MS apart then).
   */
  constructor(host, { training, onFrame = () => {}, everyCore = () => false }) {
    Object.assign(this, { host, training, onFrame, everyCore });
    host.addController(this);
  }

  hostUpdated() {
    // Sections come and go (MNIST views or the decision boundary): observe the new ones.
    this.#observer ??= new IntersectionObserver((entries) => {
      let appeared = false;
      for (const entry of entries) {
        const id = entry.target.dataset.view;
        if (entry.isIntersecting) {
          if (!this.#visible.has(id)) appeared = true;
          this.#visible.add(id);
        } else {
          this.#visible.delete(id);
        }
      }
      if (appeared) this.markAll();
    }, { rootMargin: '200px 0px' });
    for (const section of this.host.renderRoot.querySelectorAll('[data-view]')) {
      if (this.#observed.has(section)) continue;
      this.#observed.add(section);
      this.#observer.observe(section);
    }
  }

  /**
   * Whether a view is worth drawing: anywhere when not training (it costs nothing then); while
   * training, only with live charts on and when on screen.
   */
  #seen(view) {
    return !this.training() || (this.live && this.#visible.has(view));
  }

  /**
   * The value a view should show: the latest while it is on screen, the one it last showed while
   * it is scrolled away (so charts nobody sees cost nothing while training).
   */
  gate(view, value) {
    if (!this.#shown.has(view) || (this.#seen(view) && this.#due.has(view))) this.#shown.set(view, value);
    return this.#shown.get(view);
  }

  /** These views have new numbers; a frame will draw them. */
  mark(views) {
    for (const v of views) this.#dirty.add(v);
  }

  /** Every view redraws in the next frame. */
  markAll() {
    this.mark(ALL_VIEWS);
    this.schedule();
  }

  /**
   * Live charts on or off. Off, while training, no chart or view is redrawn; on again, the next
   * frame redraws them all.
   */
  setLive(on) {
    this.live = on;
    if (on) {
      this.#catchUp = true;
      this.markAll();
    }
  }

  /**
   * Asks for a frame (at most one per FRAME_MS, however many messages arrive). A timer, not an
   * animation frame: the charts it tells to redraw ask for the next animation frame themselves,
   * so the readouts and the charts reach the screen in the same frame (one commit, not two).
   */
  schedule() {
    if (this.#timer) return;
    const frame = this.training() && this.everyCore() ? BUSY_FRAME_MS : FRAME_MS;
    const wait = Math.max(0, this.#lastFrame + frame - performance.now());
    this.#timer = setTimeout(() => this.#draw(), wait);
  }

  /** One frame: the readouts, and the views whose turn it is (all of them when not training). */
  #draw() {
    this.#timer = 0;
    this.#lastFrame = performance.now();
    const pending = (v) => this.#dirty.has(v) && this.#seen(v);
    let group = ALL_VIEWS;
    if (this.training() && !this.#catchUp) {
      // The next group in turn with something to draw (none: only the readouts change).
      group = [];
      for (let k = 0; k < ROTATION.length && !group.length; k++) group = ROTATION[this.#turn++ % ROTATION.length].filter(pending);
    }
    this.#catchUp = false;
    this.#due = new Set(group.filter(pending));
    this.frame++;
    this.onFrame();
    this.host.requestUpdate();
    for (const v of this.#due) {
      if (IN_PLACE[v]) this.host.renderRoot.querySelector(IN_PLACE[v])?.refresh();
      this.#dirty.delete(v);
    }
    if (this.#dirty.size) this.schedule();
  }
}
