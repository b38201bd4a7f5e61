// tfjs-conv2d-backprop-filter.test.js: the Conv2DBackpropFilter kernel the benchmark adds to
// TF.js's wasm backend agrees with TF.js's own cpu kernel (strides, SAME/VALID/explicit padding,
// asymmetric padding, one input channel, the benchmark's second layer), and frees its temporaries.
// The check needs no gradients, so TF.js's CommonJS builds for Node are enough here.
import { createRequire } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHECK_CASES, checkConv2dBackpropFilter, registerConv2dBackpropFilter } from '../../../web/bench/tfjs-conv2d-backprop-filter.js';

const require = createRequire(import.meta.url);
let tf;

beforeAll(async () => {
  tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  tf.env().set('IS_TEST', true); // no "use tfjs-node" banner
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  wasm.setWasmPaths(`${path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}${path.sep}`);
  expect(await tf.setBackend('wasm')).toBe(true);
});

describe('Conv2DBackpropFilter for the TF.js wasm backend', () => {
  it('matches the cpu backend on every check case', async () => {
    const results = await checkConv2dBackpropFilter(tf);
    expect(results).toHaveLength(CHECK_CASES.length);
    for (const r of results) {
      expect(r.maxAbsValue).toBeGreaterThan(0.1);
      expect(r.maxAbsError / r.maxAbsValue, JSON.stringify(r.case)).toBeLessThan(1e-5);
    }
  });

  it('leaves no tensor and no wasm buffer behind', async () => {
    await tf.setBackend('wasm');
    registerConv2dBackpropFilter(tf);
    const x = tf.ones([2, 6, 6, 3]);
    const dy = tf.ones([2, 6, 6, 4]);
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: [3, 3, 3, 4] };
    tf.dispose(tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs));
    const tensors = tf.memory().numTensors;
    const buffers = tf.backend().dataIdMap.numDataIds();
    const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs);
    // With ones everywhere, each tap counts the output pixels it meets (SAME padding cuts the corners).
    const values = await dw.data();
    expect(values[4 * (1 * 3 * 3 + 1 * 3 + 1)]).toBe(2 * 6 * 6); // the centre tap meets every pixel
    expect(values[0]).toBe(2 * 5 * 5); // the top-left tap misses the first row and column
    dw.dispose();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.backend().dataIdMap.numDataIds()).toBe(buffers);
    tf.dispose([x, dy]);
  });
});
