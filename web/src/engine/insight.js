// insight.js: measurements the lessons need beyond loss and accuracy, taken from a Session without
// changing its run: per-layer activation statistics, dead units, and per-layer gradient norms; and
// what a layer stack costs, the multiply-adds of one sample's forward pass, from its shapes alone.
//
// Activations are read in eval mode (batch-norm uses its running statistics, dropout is off) over a
// fixed slice of a split, so two calls at the same step give the same numbers. Nothing here draws
// from the run's random streams or touches parameters, gradients or optimizer state: interleaving
// these calls with training leaves every later loss bit for bit the same.

/** Layer types whose output is exactly zero wherever the unit does not fire. */
export const RECTIFIERS = Object.freeze(['relu']);
/** Layer types that are activations (a unit's output is its own, one value per feature). */
export const ACTIVATION_TYPES = Object.freeze(['tanh', 'sigmoid', 'relu', 'leaky_relu', 'elu', 'swish', 'softmax', 'identity']);

const product = (xs) => xs.reduce((a, b) => a * b, 1);

/**
 * Runs the first `samples` samples of `split` forward in eval mode, `session.batchSize` at a
 * time, and calls visit(layer, values, batch) for each chosen layer's output of each batch
 * (values: [batch][features], a view valid only during the call).
 */
export function forEachBatch(session, { split, samples, layers }, visit) {
  const { core, net } = session;
  const data = split === 'train' ? session.trainData : session.testData;
  const total = Math.min(samples, core.fn.nn_data_count(data));
  const features = session.dataset.features;
  const batch = session.batchSize;
  const indices = core.alloc(batch * 4);
  const inputs = core.alloc(batch * features * 4);
  try {
    for (let start = 0; start < total; start += batch) {
      const n = Math.min(batch, total - start);
      const idx = core.u32(indices, n);
      for (let i = 0; i < n; i++) idx[i] = start + i;
      core.fn.nn_data_gather(data, indices, n, inputs, 0);
      core.fn.nn_forward(net, inputs, n, 0);
      for (const layer of layers) {
        const width = product(layer.outShape);
        visit(layer, core.f32(core.fn.nn_layer_output(net, layer.index), n * width), n, width);
      }
    }
  } finally {
    core.free(indices);
    core.free(inputs);
  }
  return total;
}

/**
 * Statistics of each layer's output over the first `samples` samples of a split (eval mode):
 * [{index, type, units, samples, mean, std, min, max, zeroFraction, dead, deadFraction,
 * neverPositive, neverPositiveFraction}]
 *  - units: output features per sample (for conv layers, every channel x position);
 *  - zeroFraction: of all values, the share exactly 0;
 *  - dead: units whose output is exactly 0 for every sample (a dead ReLU unit: no gradient
 *    reaches its weights, so it never comes back);
 *  - neverPositive: units whose output is <= 0 for every sample (for a ReLU the same as dead;
 *    for a leaky ReLU, units stuck on the leaky side, still learning through its slope).
 * options: {split: 'test' | 'train', samples (default 512), types: layer types to include
 * (default: every activation layer), perUnit: also return `positive`, a Uint8Array with 1 for
 * each unit that is > 0 for some sample (to follow single units across a run)}.
 */
export function activationStats(session, { split = 'test', samples = 512, types = ACTIVATION_TYPES, perUnit = false } = {}) {
  const layers = session.layers.filter((l) => types.includes(l.type));
  const acc = new Map(layers.map((l) => {
    const units = product(l.outShape);
    return [l.index, {
      units, sum: 0, sumSq: 0, min: Infinity, max: -Infinity, zeros: 0,
      fired: new Uint8Array(units), positive: new Uint8Array(units),
    }];
  }));
  const total = forEachBatch(session, { split, samples, layers }, (layer, values, n, width) => {
    const a = acc.get(layer.index);
    for (let i = 0; i < n; i++) {
      const row = i * width;
      for (let f = 0; f < width; f++) {
        const x = values[row + f];
        a.sum += x;
        a.sumSq += x * x;
        if (x < a.min) a.min = x;
        if (x > a.max) a.max = x;
        if (x === 0) a.zeros += 1;
        else a.fired[f] = 1;
        if (x > 0) a.positive[f] = 1;
      }
    }
  });
  return layers.map((l) => {
    const a = acc.get(l.index);
    const count = a.units * total;
    const mean = count ? a.sum / count : 0;
    const variance = count ? Math.max(0, a.sumSq / count - mean * mean) : 0;
    const dead = a.units - a.fired.reduce((s, x) => s + x, 0);
    const neverPositive = a.units - a.positive.reduce((s, x) => s + x, 0);
    const result = {
      index: l.index, type: l.type, units: a.units, samples: total,
      mean, std: Math.sqrt(variance), min: count ? a.min : 0, max: count ? a.max : 0,
      zeroFraction: count ? a.zeros / count : 0,
      dead, deadFraction: a.units ? dead / a.units : 0,
      neverPositive, neverPositiveFraction: a.units ? neverPositive / a.units : 0,
    };
    if (perUnit) result.positive = a.positive;
    return result;
  });
}

/**
 * Every layer's output for the split's first sample (eval mode), as the network drawing shows
 * it: {input: Float32Array, layers: [{index, type, shape: [c, h, w], values: Float32Array}]}.
 * A layer keeps at most `maxChannels` feature maps (h x w > 1) or `maxUnits` flat features, so a
 * wide network does not post megabytes for a picture a few hundred pixels wide.
 */
export function exampleOutputs(session, { split = 'test', maxChannels = 16, maxUnits = 1024 } = {}) {
  const layers = session.layers;
  const out = { input: session.inputs(split, 1), layers: [] };
  forEachBatch(session, { split, samples: 1, layers }, (layer, values) => {
    const [c, h, w] = layer.outShape;
    const keep = h * w > 1 ? Math.min(c, maxChannels) : Math.min(c, maxUnits);
    out.layers.push({ index: layer.index, type: layer.type, shape: [keep, h, w], values: values.slice(0, keep * h * w) });
  });
  return out;
}

/**
 * Dead units of every ReLU layer (see activationStats): [{index, type, units, dead, deadFraction}],
 * and `overall`, the dead fraction over all of them together.
 */
export function deadUnits(session, options = {}) {
  const layers = activationStats(session, { ...options, types: RECTIFIERS })
    .map(({ index, type, units, dead, deadFraction }) => ({ index, type, units, dead, deadFraction }));
  const units = layers.reduce((s, l) => s + l.units, 0);
  const dead = layers.reduce((s, l) => s + l.dead, 0);
  return { layers, units, dead, overall: units ? dead / units : 0 };
}

/**
 * The L2 norm (and std) of each weight's gradient from the last training step, input first:
 * the numbers the page's gradient-norm chart draws. [{layer, type, name, count, l2, std}]
 */
export function gradientNorms(session) {
  return session.tensors
    .filter((t) => t.role === 'weight' && t.buffer === 'params')
    .map((t) => {
      const s = session.tensorStats(t, { grads: true });
      return { layer: t.layer, type: session.layers[t.layer].type, name: t.name, count: t.count, l2: s.l2, std: s.std };
    });
}

/** first / last of gradientNorms: far below 1 when the gradient vanishes on its way back. */
export function gradientRatio(session) {
  const norms = gradientNorms(session);
  if (norms.length < 2) return 1;
  const last = norms[norms.length - 1].l2;
  return last > 0 ? norms[0].l2 / last : 0;
}

/**
 * The multiply-adds of one sample's forward pass through the dense and conv2d layers (the layers
 * that cost that many; activations, pooling and batch norm take a few operations per value).
 * inputShape: [C, H, W] of a sample; layers: per layer, input first, at least {outShape} (as
 * Session's layers and the worker's info give them); specs: the experiment's layers.
 */
export function multiplyAdds(inputShape, layers, specs) {
  let inShape = inputShape;
  let sum = 0;
  layers.forEach((layer, i) => {
    const spec = specs[i];
    if (spec?.type === 'conv2d') sum += product(layer.outShape) * inShape[0] * spec.kernel * spec.kernel;
    else if (spec?.type === 'dense') sum += product(layer.outShape) * product(inShape);
    inShape = layer.outShape;
  });
  return sum;
}
