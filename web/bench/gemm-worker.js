// gemm-worker.js: a Web Worker of the Chromium bench page that runs gemm_bench.wasm (gemm.js) once:
// it is sent {url, args}, fetches the module, runs it and answers {text} (its stdout) or {error}.

import { runGemmBench } from './gemm.js';

self.onmessage = async ({ data: { url, args } }) => {
  try {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const text = await runGemmBench(await response.arrayBuffer(), args);
    self.postMessage({ text });
  } catch (err) {
    self.postMessage({ error: err?.message ?? String(err) });
  }
};
