// worker.js: the training worker's dispatcher. Each request of protocol.js, {id, type, ...}, goes
// to the Host (host.js: the core, the data sets and the run; trainer.js trains it in slices,
// views.js computes what the page sees of it) and is answered {id, result} or {id, error}. Everything
// sent out is a copy transferred with postMessage, never a view of wasm memory.
//
// Performance marks (the browser's performance panel shows them; `npm run bench` reads them from
// this worker, web/bench/page.js), each made once per event in the worker's timeline:
//   nn:core-start, nn:core-ready   before loading nn.wasm, and once it is compiled and instantiated
//   nn:mnist-in-memory             MNIST downloaded (or read from Cache Storage), checked, in the core
//   nn:network-built               a run's network built and initialised (CONFIGURE, RESET, RESTORE)
//   nn:train                       a TRAIN request received
//   nn:first-step                  the first training step of a run done (detail: ms it took)

import { Host } from './host.js';
import { threadStarter, threadsUnavailable } from './threads.js';
import { runLabAction } from '../labs/lab-actions.js';
import { Request, serializeError, transferables } from './protocol.js';
import { canonicalJson } from '../experiment/canonical.js';

const post = (msg) => self.postMessage(msg, transferables(msg));
const mark = (name, detail) => performance.mark(name, detail === undefined ? undefined : { detail });

const sameExceptEpochs = (a, b) => a && b && canonicalJson({ ...a, epochs: 0 }) === canonicalJson({ ...b, epochs: 0 });

// The next training slice runs as a task of its own, after the requests that came in meanwhile.
const tickChannel = new MessageChannel();
const schedule = () => tickChannel.port2.postMessage(0);

// The extra threads' workers are the page's (threads.js says why); it answers on this worker's port.
const threads = threadStarter((msg) => self.postMessage(msg));

const host = new Host({
  post,
  now: () => performance.now(),
  schedule,
  defer: (fn) => setTimeout(fn, 0),
  mark,
  sameRun: sameExceptEpochs,
  threads: { unavailable: threadsUnavailable(), start: threads.start },
});
tickChannel.port1.onmessage = () => host.trainer.tick();

const actions = {
  [Request.INIT]: (msg) => host.init(msg),
  [Request.DESCRIBE]: (msg) => host.describe(msg),
  [Request.CONFIGURE]: (msg) => host.configure(msg),
  [Request.TRAIN]: (msg) => host.train(msg),
  [Request.PAUSE]: () => host.pause(),
  [Request.STEP]: (msg) => host.step(msg),
  [Request.RESET]: () => host.reset(),
  [Request.PREDICT]: (msg) => host.predict(msg),
  [Request.EVALUATE]: () => host.evaluate(),
  [Request.EXPORT_PYTORCH]: (msg) => host.exportPytorch(msg),
  [Request.SAVE_WEIGHTS]: () => host.saveWeights(),
  [Request.LOAD_WEIGHTS]: (msg) => host.loadWeights(msg),
  [Request.CHECKPOINT]: () => host.checkpoint(),
  [Request.RESTORE]: (msg) => host.restore(msg),
  [Request.VIEWS]: (msg) => host.setViews(msg),
  [Request.PING]: () => host.ping(),
  [Request.THREADS]: (msg) => host.setThreads(msg),
  [Request.LAB]: async (msg) => runLabAction(await host.labTools(msg), msg),
};

// What `npm run bench -- --soak` reads through the debugger (not part of the protocol).
self.nnDiagnostics = () => host.diagnostics();

self.onmessage = async (event) => {
  const msg = event.data;
  if (typeof msg?.thread === 'string') return threads.answer(msg);
  if (!msg || typeof msg.id !== 'number') return;
  const action = actions[msg.type];
  try {
    if (!action) throw new Error(`unknown request ${JSON.stringify(msg.type)}`);
    const result = await action(msg);
    post({ id: msg.id, result });
  } catch (err) {
    post({ id: msg.id, error: serializeError(err) });
  }
};
