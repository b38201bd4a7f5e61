// en/start.js: the message a page that cannot start shows, in English. Plain sentences with no
// code behind them: the page shows them when nothing else of it may work (start-failure.js).
export default {
  title: 'The playground could not start',
  failed: 'It failed while {stage}. The browser said:',
  stages: {
    module: 'loading its code',
    element: 'setting up the page',
    render: 'drawing the page',
    start: 'starting',
    worker: 'starting the training worker',
    wasm: 'loading the training core (WebAssembly)',
  },
  needs: 'It needs a browser with JavaScript modules, module Web Workers and WebAssembly with 128-bit SIMD: Chrome or Edge 91, Firefox 114, Safari 16.4 or newer.',
  missing: 'This browser lacks: {features}.',
  report: 'Please report it to whoever gave you this link, or to the playground\'s maintainers, with the details below (they name your browser).',
  unknown: 'an unknown error',
};
