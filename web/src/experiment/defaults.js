// defaults.js: torch's defaults for each optimizer, initialiser, loss, data set and layer type,
// read from the schema itself (by validating a minimal experiment), so the page pre-fills exactly
// what the runner would assume.

import { validateExperiment } from './validate.js';

const BASE = {
  version: 1,
  data: { set: 'mnist' },
  layers: [{ type: 'flatten' }, { type: 'dense', units: 10 }],
  loss: { type: 'cross_entropy' },
  optimizer: { type: 'sgd' },
};

function filled(patch) {
  const r = validateExperiment({ ...BASE, ...patch });
  if (!r.ok) throw new Error(`defaults.js: ${r.message}`);
  return r.experiment;
}

/** The optimizer of `type` with torch.optim's defaults (SGD's lr is ours: torch requires one). */
export function optimizerDefaults(type) {
  return filled({ optimizer: { type } }).optimizer;
}

/** The initialiser of `type` with torch.nn.init's defaults (constant starts at 0.1). */
export function initDefaults(type) {
  return filled({ init: type === 'constant' ? { type, value: 0.1 } : { type } }).init;
}

export function lossDefaults(type) {
  return filled({ loss: { type } }).loss;
}

/** The data set `set` with its default sizes (the 2-D sets: 500 points, noise 0.1). */
export function dataDefaults(set) {
  const data = set === 'mnist' ? { set } : { set, count: 500 };
  const layers = set === 'mnist' ? BASE.layers : [{ type: 'dense', units: 2 }];
  const d = filled({ data, layers }).data;
  if (set !== 'mnist') delete d.test_count; // follows count unless set on its own
  return d;
}

/** Required fields of a new layer, beyond the schema's defaults. */
const NEW_LAYER = {
  dense: { units: 32 },
  conv2d: { filters: 8, kernel: 3, padding: 1 },
  maxpool: { kernel: 2 },
  avgpool: { kernel: 2 },
};

/** A new layer of `type` as the editor adds it, every field filled. */
export function layerDefaults(type) {
  const layer = { type, ...NEW_LAYER[type] };
  // Validate inside a stack that accepts any layer (the shapes are the editor's business).
  const r = validateExperiment({ ...BASE, layers: [layer] });
  if (!r.ok) throw new Error(`defaults.js: ${r.message}`);
  return r.experiment.layers[0];
}
