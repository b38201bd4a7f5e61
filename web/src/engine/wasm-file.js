// wasm-file.js: the paths of nn.wasm and of its threaded build nn-mt.wasm beside the page. The
// build names each with its hash (nn.wasm?v=..., web/offline-build.js) so the offline cache keeps
// each deployment's wasm apart; outside a Vite build (Node, the component tests) they are plain.
/* global __NN_WASM_FILE__, __NN_WASM_MT_FILE__ */
export const WASM_FILE = typeof __NN_WASM_FILE__ === 'string' ? __NN_WASM_FILE__ : 'nn.wasm';
export const WASM_MT_FILE = typeof __NN_WASM_MT_FILE__ === 'string' ? __NN_WASM_MT_FILE__ : 'nn-mt.wasm';
