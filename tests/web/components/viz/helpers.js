// helpers.js: mounting viz elements in the browser tests (Vitest browser mode, real Chromium).

/** True in the browser run; the Node run of tests/web skips the *.browser.test.js files' suites. */
export const inBrowser = typeof window !== 'undefined' && typeof document !== 'undefined';

/** Imports every viz element once. */
export async function loadViz() {
  return import('../../../../web/src/components/viz/index.js');
}

/** Waits for n animation frames (charts draw at most once per frame). */
export async function frames(n = 2) {
  for (let i = 0; i < n; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
}

/**
 * Creates an element with properties set before it is attached, attaches it in a sized box,
 * waits for Lit and two frames, and records every event the element itself dispatches.
 */
export async function mount(tag, props = {}, width = 600) {
  const box = document.createElement('div');
  box.style.width = `${width}px`;
  document.body.append(box);
  const el = document.createElement(tag);
  const events = [];
  const dispatch = el.dispatchEvent.bind(el);
  el.dispatchEvent = (event) => {
    events.push(event);
    return dispatch(event);
  };
  Object.assign(el, props);
  box.append(el);
  await el.updateComplete;
  await frames(2);
  return { el, events, box, remove: () => box.remove() };
}

/** The shadow root's element with role="img" (the chart's canvas or its holder). */
export function imageOf(el) {
  return el.shadowRoot.querySelector('[role="img"]');
}

/** A run as the page logs it: train every step, test every `testEvery` steps. */
export function syntheticRun(id, steps = 300, testEvery = 50, label) {
  const train = { steps: [], loss: [], accuracy: [] };
  const test = { steps: [], loss: [], accuracy: [] };
  for (let s = 1; s <= steps; s++) {
    const loss = 0.1 + 2.2 * Math.exp(-s / 80);
    train.steps.push(s);
    train.loss.push(loss);
    train.accuracy.push(1 - loss / 2.5);
    if (s % testEvery === 0) {
      test.steps.push(s);
      test.loss.push(loss * 1.1);
      test.accuracy.push(1 - (loss * 1.1) / 2.5);
    }
  }
  return { id, label, train, test };
}
