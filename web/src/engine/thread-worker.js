// thread-worker.js: one extra thread of the threaded core (nn-mt.wasm), started by the page at
// the training worker's request (threads.js): its own instance of the module on the shared memory, its own stack; it
// says it is up, then serves the core's jobs in nn_thread_main until it is terminated.
onmessage = ({ data: { module, memory, id, stackTop } }) => {
  const { exports } = new WebAssembly.Instance(module, { env: { memory, emscripten_notify_memory_growth() {} } });
  exports.stackRestore(stackTop);
  postMessage(id);
  exports.nn_thread_main(id);
};
