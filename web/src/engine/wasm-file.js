// wasm-file.js: the path of nn.wasm beside the page. The build names it with the wasm's hash
// (nn.wasm?v=..., web/offline-build.js) so the offline cache keeps each deployment's wasm apart;
// outside a Vite build (Node, the component tests) it is plain nn.wasm.
/* global __NN_WASM_FILE__ */
export const WASM_FILE = typeof __NN_WASM_FILE__ === 'string' ? __NN_WASM_FILE__ : 'nn.wasm';
