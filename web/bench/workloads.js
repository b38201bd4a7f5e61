// workloads.js: the benchmark's three workloads, the experiment files that define them for our core,
// and a check that those files still describe the networks the TF.js side builds.

export const BATCH_SIZE = 64;

export const WORKLOADS = Object.freeze({
  w1: { id: 'w1', label: 'W1 MLP 784-128-10', file: 'mlp.json' },
  w2: { id: 'w2', label: 'W2 CNN 2x(conv5x5+pool)', file: 'cnn.json' },
  w3: { id: 'w3', label: 'W3 CNN 8-16-32 (conv3x3+BN+pool)', file: 'cnn-bn.json' },
});

// What tfjs-trainer.js builds, as the experiment schema says it.
const EXPECTED = {
  w1: {
    layers: ['flatten', 'dense:128', 'relu', 'dense:10'],
    optimizer: { type: 'sgd', lr: 0.1, momentum: 0.9 },
  },
  w2: {
    layers: ['conv2d:8x5p2', 'relu', 'maxpool:2', 'conv2d:16x5p2', 'relu', 'maxpool:2', 'flatten', 'dense:10'],
    optimizer: { type: 'adam', lr: 0.001 },
  },
  w3: {
    layers: [8, 16, 32].flatMap((c) => [`conv2d:${c}x3p1`, 'batchnorm', 'relu', 'maxpool:2']).concat(['flatten', 'dense:10']),
    optimizer: { type: 'adam', lr: 0.002 },
  },
};

function layerKey(layer) {
  switch (layer.type) {
    case 'dense': return `dense:${layer.units}`;
    case 'conv2d': return `conv2d:${layer.filters}x${layer.kernel}p${layer.padding ?? 0}`;
    case 'maxpool': return `maxpool:${layer.kernel}`;
    case 'batchnorm': return layer.eps === 1e-5 && layer.momentum === 0.1 ? 'batchnorm' : `batchnorm:${layer.eps},${layer.momentum}`;
    default: return layer.type;
  }
}

/**
 * Throws when an experiment file no longer matches the network the TF.js side trains (someone
 * edited web/experiments/): the comparison would not be like for like any more.
 */
export function checkWorkloadExperiment(id, experiment) {
  const want = EXPECTED[id];
  const problems = [];
  const layers = experiment.layers.map(layerKey);
  if (layers.join(',') !== want.layers.join(',')) problems.push(`layers are ${layers.join(', ')}; the TF.js side builds ${want.layers.join(', ')}`);
  for (const [key, value] of Object.entries(want.optimizer)) {
    if (experiment.optimizer[key] !== value) problems.push(`optimizer.${key} is ${experiment.optimizer[key]}, expected ${value}`);
  }
  if (experiment.batch_size !== BATCH_SIZE) problems.push(`batch_size is ${experiment.batch_size}, expected ${BATCH_SIZE}`);
  if (experiment.loss.type !== 'cross_entropy') problems.push(`loss is ${experiment.loss.type}, expected cross_entropy`);
  if (experiment.data.set !== 'mnist' || experiment.shuffle === false) problems.push('the data must be MNIST, shuffled');
  if (problems.length) throw new Error(`web/experiments/${WORKLOADS[id].file}: ${problems.join('; ')} (update web/bench/ too)`);
}
