// tfjs.js: TensorFlow.js as the benchmark uses it, one module for Node and the browser: the core
// with its gradients (its module build leaves them out; tf.layers imports them the same way), the
// cpu backend (the kernel check's reference) and the wasm backend. Bundled by Vite for both.

import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';

export * as tf from '@tensorflow/tfjs-core';
export * as tfWasm from '@tensorflow/tfjs-backend-wasm';
