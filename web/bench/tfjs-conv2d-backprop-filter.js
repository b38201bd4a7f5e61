// tfjs-conv2d-backprop-filter.js: the Conv2DBackpropFilter kernel that TF.js 4.22's wasm backend
// lacks (training a conv2d there fails with "kernel not registered"), built from the backend's own
// wasm kernels so the peer is measured on its own machinery, not on our code or on JS loops.
//
// The filter gradient of a stride-s, NHWC convolution is itself a convolution:
//   dW[kh, kw, c, f] = sum over n, i, j of xpad[n, s*i + kh, s*j + kw, c] * dy[n, i, j, f]
// Put the input channels where the batch was and the batch where the channels were,
//   X' = transpose(x, [3, 1, 2, 0])    [C, H, W, N]    (padding stays on H and W)
//   D' = transpose(dy, [1, 2, 0, 3])   [OH, OW, N, F]  (a "filter" of OH x OW taps, N in, F out)
// and the sum above is conv2d(X', D') with the forward pass's padding and dilation s, stride 1:
// its output [C, KH', KW', F] holds dW[kh, kw, c, f] at [c, kh, kw, f] (KH' = KH unless a
// floor-rounded stride left rows over: those are sliced off). One more transpose gives
// [KH, KW, C, F]. The work is one XNNPACK convolution (the backend's Conv2D kernel) of the same
// multiply-adds as the gradient, plus three transposes (its Transpose kernel).
//
// Measured on the CNN of the benchmark (x 64x28x28x1 -> 8 and 64x14x14x8 -> 16, 5x5, pad 2), this
// is 4 to 22 times faster than the alternatives tried with the same backend: im2col from its
// Slice/Pack/Transpose kernels + BatchMatMul, or its Conv3DBackpropFilterV2 kernel at depth 1.
// checkConv2dBackpropFilter compares it with the cpu backend's kernel (tests/web/bench/ runs it).

/** Registers the kernel with the wasm backend of `tf` (idempotent). */
export function registerConv2dBackpropFilter(tf) {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  tf.registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: (args) => conv2dBackpropFilter(tf, args) });
}

function conv2dBackpropFilter(tf, { inputs, backend, attrs }) {
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  const format = tf.backend_util.convertConv2DDataFormat(dataFormat);
  if (format !== 'channelsLast') throw new Error(`Conv2DBackpropFilter (wasm, bench): only NHWC is supported, got ${dataFormat}`);
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad, dimRoundingMode, false, format);
  const [KH, KW, C, F] = filterShape;
  const temps = [];
  // Each step is one of the backend's registered wasm kernels; its outputs are freed in finally.
  const run = (kernelName, kernelInputs, kernelAttrs) => {
    const out = tf.getKernel(kernelName, 'wasm').kernelFunc({ inputs: kernelInputs, backend, attrs: kernelAttrs });
    temps.push(out);
    return out;
  };
  try {
    const xT = run('Transpose', { x }, { perm: [3, 1, 2, 0] }); // [C, H, W, N]
    const dyT = run('Transpose', { x: dy }, { perm: [1, 2, 0, 3] }); // [OH, OW, N, F]
    const { top, bottom, left, right } = info.padInfo;
    let full = run('Conv2D', { x: xT, filter: dyT }, {
      strides: [1, 1],
      pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
      dataFormat: 'NHWC',
      dilations: [info.strideHeight, info.strideWidth],
      dimRoundingMode: undefined,
    }); // [C, KH', KW', F]
    if (full.shape[1] !== KH || full.shape[2] !== KW) {
      full = run('Slice', { x: full }, { begin: [0, 0, 0, 0], size: [C, KH, KW, F] });
    }
    const dw = tf.getKernel('Transpose', 'wasm').kernelFunc({ inputs: { x: full }, backend, attrs: { perm: [1, 2, 0, 3] } });
    return dw; // [KH, KW, C, F]
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

/** Small cases with stride, padding and shape quirks (asymmetric SAME, rows left over, C = 1). */
export const CHECK_CASES = Object.freeze([
  { x: [2, 7, 7, 3], filter: [3, 3, 3, 4], strides: 1, pad: 'same' },
  { x: [2, 9, 9, 2], filter: [4, 4, 2, 5], strides: 1, pad: 'same' },
  { x: [3, 8, 8, 2], filter: [3, 3, 2, 3], strides: 2, pad: 'same' },
  { x: [2, 8, 8, 2], filter: [3, 3, 2, 3], strides: 2, pad: 'valid' },
  { x: [2, 10, 10, 1], filter: [5, 5, 1, 4], strides: 1, pad: 2 },
  { x: [4, 12, 12, 8], filter: [5, 5, 8, 16], strides: 1, pad: 2 },
]);

/**
 * Compares the kernel with the cpu backend's Conv2DBackpropFilter on CHECK_CASES (the same
 * inputs on both backends). Needs the 'cpu' and 'wasm' backends registered; leaves the wasm
 * backend active. Returns [{case, maxAbsError, maxAbsValue}]; tolerance is the caller's.
 */
export async function checkConv2dBackpropFilter(tf) {
  registerConv2dBackpropFilter(tf);
  const results = [];
  for (const c of CHECK_CASES) {
    const outChannels = c.filter[3];
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: 'NHWC', dimRoundingMode: undefined, filterShape: c.filter };
    const gradient = async (backend) => {
      await tf.setBackend(backend);
      const x = tf.tensor(sequence(c.x, 1), c.x);
      // dy's shape is the forward output's: take it from a forward pass on this backend.
      const y = tf.conv2d(x, tf.zeros(c.filter), c.strides, c.pad);
      const dy = tf.tensor(sequence(y.shape, 2), y.shape);
      const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs);
      const values = await dw.data();
      tf.dispose([x, y, dy, dw]);
      return values;
    };
    const expected = await gradient('cpu');
    const actual = await gradient('wasm');
    let maxAbsError = 0;
    let maxAbsValue = 0;
    for (let i = 0; i < expected.length; i++) {
      maxAbsError = Math.max(maxAbsError, Math.abs(expected[i] - actual[i]));
      maxAbsValue = Math.max(maxAbsValue, Math.abs(expected[i]));
    }
    if (expected.length !== actual.length) maxAbsError = Infinity;
    results.push({ case: c, maxAbsError, maxAbsValue });
  }
  return results;
}

/** Deterministic values in [-1, 1) that are not symmetric, so a transposed result cannot pass. */
function sequence(shape, salt) {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  let s = (0x9e3779b9 * salt) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}
