// tfjs-trainer.js: the benchmark's three networks written with TF.js ops (NHWC), trained the way a
// TF.js user would: fused matMul/conv2d with bias and ReLU (what tf.layers uses), the library's
// softmax cross-entropy, its optimizers, optimizer.minimize, and the loss read back every step
// (our core returns its loss every step too).

import { registerConv2dBackpropFilter } from './tfjs-conv2d-backprop-filter.js';
import { batchSampler } from './mnist-bytes.js';

/** torch.nn.Linear/Conv2d's default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weights and biases. */
function torchDefault(tf, shape, fanIn, seed) {
  const bound = 1 / Math.sqrt(fanIn);
  const init = tf.randomUniform(shape, -bound, bound, 'float32', seed);
  const variable = tf.variable(init);
  init.dispose(); // the variable keeps the values
  return variable;
}

/** W1: 784-128 (ReLU) -10, cross-entropy, SGD lr 0.1 momentum 0.9. */
function mlp(tf) {
  const v = {
    w1: torchDefault(tf, [784, 128], 784, 1), b1: torchDefault(tf, [128], 784, 2),
    w2: torchDefault(tf, [128, 10], 128, 3), b2: torchDefault(tf, [10], 128, 4),
  };
  const logits = (x) => {
    const h = tf.fused.matMul({ a: x, b: v.w1, bias: v.b1, activation: 'relu' });
    return tf.fused.matMul({ a: h, b: v.w2, bias: v.b2 });
  };
  // PyTorch's SGD momentum (v = m*v + g; p -= lr*v) is TF's MomentumOptimizer without Nesterov.
  return { variables: v, logits, optimizer: tf.train.momentum(0.1, 0.9), inputShape: (n) => [n, 784] };
}

/** W2: conv 8x5x5 pad 2, ReLU, max-pool 2, conv 16x5x5 pad 2, ReLU, max-pool 2, dense 10; Adam 1e-3. */
function cnn(tf) {
  const v = {
    k1: torchDefault(tf, [5, 5, 1, 8], 25, 1), c1: torchDefault(tf, [8], 25, 2),
    k2: torchDefault(tf, [5, 5, 8, 16], 200, 3), c2: torchDefault(tf, [16], 200, 4),
    w: torchDefault(tf, [7 * 7 * 16, 10], 7 * 7 * 16, 5), b: torchDefault(tf, [10], 7 * 7 * 16, 6),
  };
  const logits = (x) => {
    let h = tf.fused.conv2d({ x, filter: v.k1, strides: 1, pad: 2, bias: v.c1, activation: 'relu' });
    h = tf.maxPool(h, 2, 2, 'valid');
    h = tf.fused.conv2d({ x: h, filter: v.k2, strides: 1, pad: 2, bias: v.c2, activation: 'relu' });
    h = tf.maxPool(h, 2, 2, 'valid');
    return tf.fused.matMul({ a: tf.reshape(h, [h.shape[0], 7 * 7 * 16]), b: v.w, bias: v.b });
  };
  // torch.optim.Adam's defaults (TF.js would use epsilon 1e-7).
  return { variables: v, logits, optimizer: tf.train.adam(1e-3, 0.9, 0.999, 1e-8), inputShape: (n) => [n, 28, 28, 1] };
}

/**
 * W3: three times conv 3x3 pad 1 (8, 16, 32 channels), batch norm, ReLU, max-pool 2; dense 10;
 * Adam 2e-3. Batch norm as torch trains it: the batch's mean and biased variance over N, H, W
 * normalise (eps 1e-5), and the running statistics move by 0.1 towards them (unbiased variance).
 */
function cnnBn(tf) {
  const v = {};
  const running = [];
  let fanIn = 1;
  [8, 16, 32].forEach((c, i) => {
    v[`k${i}`] = torchDefault(tf, [3, 3, fanIn, c], 9 * fanIn, 10 * i + 1);
    v[`c${i}`] = torchDefault(tf, [c], 9 * fanIn, 10 * i + 2);
    v[`g${i}`] = tf.variable(tf.ones([c]));
    v[`b${i}`] = tf.variable(tf.zeros([c]));
    running.push({ mean: tf.variable(tf.zeros([c]), false), variance: tf.variable(tf.ones([c]), false) });
    fanIn = c;
  });
  v.w = torchDefault(tf, [3 * 3 * 32, 10], 3 * 3 * 32, 31);
  v.b = torchDefault(tf, [10], 3 * 3 * 32, 32);
  const logits = (x) => {
    let h = x;
    for (let i = 0; i < 3; i++) {
      h = tf.fused.conv2d({ x: h, filter: v[`k${i}`], strides: 1, pad: 1, bias: v[`c${i}`] });
      const { mean, variance } = tf.moments(h, [0, 1, 2]);
      const r = running[i];
      const count = h.size / h.shape[3];
      tf.tidy(() => { // not part of the loss: the tape records these, the gradient ignores them
        r.mean.assign(tf.add(tf.mul(r.mean, 0.9), tf.mul(mean, 0.1)));
        r.variance.assign(tf.add(tf.mul(r.variance, 0.9), tf.mul(variance, 0.1 * count / (count - 1))));
      });
      h = tf.relu(tf.batchNorm(h, mean, variance, v[`b${i}`], v[`g${i}`], 1e-5));
      h = tf.maxPool(h, 2, 2, 'valid');
    }
    return tf.fused.matMul({ a: tf.reshape(h, [h.shape[0], 3 * 3 * 32]), b: v.w, bias: v.b });
  };
  const dispose = () => tf.dispose(running.flatMap((r) => [r.mean, r.variance]));
  return { variables: v, logits, optimizer: tf.train.adam(2e-3, 0.9, 0.999, 1e-8), inputShape: (n) => [n, 28, 28, 1], dispose };
}

const MODELS = { w1: mlp, w2: cnn, w3: cnnBn };

/**
 * A trainer of one workload on the active backend of `tf`. step() trains one batch and returns
 * {loss, batch}; dispose() frees every tensor it made.
 */
export function createTfjsTrainer(tf, workload, mnist, { batchSize = 64, seed = 1 } = {}) {
  if (tf.getBackend() === 'wasm') registerConv2dBackpropFilter(tf);
  const model = MODELS[workload](tf);
  const varList = Object.values(model.variables);
  const sampler = batchSampler(mnist, batchSize, { seed });
  return {
    step() {
      const { x, y, n } = sampler.next();
      const xs = tf.tensor(x, model.inputShape(n));
      const ys = tf.tensor2d(y, [n, 10]);
      // Mean over the batch, like the core's cross-entropy (reduction 'mean').
      const cost = model.optimizer.minimize(() => tf.losses.softmaxCrossEntropy(ys, model.logits(xs)), true, varList);
      const loss = cost.dataSync()[0];
      tf.dispose([xs, ys, cost]);
      return { loss, batch: n };
    },
    dispose() {
      model.optimizer.dispose();
      tf.dispose(varList);
      model.dispose?.();
    },
  };
}
