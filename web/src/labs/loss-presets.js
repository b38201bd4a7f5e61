// loss-presets.js: the loss lab's claims as the page knows them (id, the sample they show,
// whether they train on MNIST) and the target label smoothing makes. loss-claims.js adds how each
// is measured; the page itself imports only this (the measuring runs in the training worker,
// lab-actions.js).

export const CLASSES = 10;

export const LOSS_PRESETS = Object.freeze([
  { id: 'confident-wrong', state: { p: 0.01, smoothing: 0, weight: 1 } },
  { id: 'mnist-faster', mnist: true, state: { p: 0.01, smoothing: 0, weight: 1 } },
  { id: 'smoothing-weights', state: { p: 0.999, smoothing: 0.1, weight: 2 } },
].map(Object.freeze));

export const lossPresetOf = (id) => LOSS_PRESETS.find((c) => c.id === id) ?? null;

/** What label smoothing makes of the one-hot target: {true: 1 - e + e/C, other: e/C}. */
export function smoothedTarget(smoothing) {
  return { true: 1 - smoothing + smoothing / CLASSES, other: smoothing / CLASSES };
}
