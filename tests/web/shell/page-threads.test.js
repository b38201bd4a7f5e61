// page-threads.test.js: the page's client starts the training worker's extra threads: the real
// training worker (worker.js) in a Node worker thread that sees an isolated page loads
// nn-mt.wasm and asks for its threads; TrainingClient starts each thread's worker (the real
// thread-worker.js), and the run trains on them with the losses of one thread; terminating the
// client terminates them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainingClient } from '../../../web/src/engine/client.js';
import { Push } from '../../../web/src/engine/protocol.js';
import { threadedSpirals } from '../fixtures.js';
import { servePage, ThreadWorker } from './worker-thread.js';

const SPIRALS = threadedSpirals();
const STEPS = 12;

let page;
beforeAll(async () => {
  page = await servePage();
});
afterAll(() => page.server.close());

/** A client over a worker that sees an isolated page (or not); `threads` collects the thread workers it starts. */
function open(isolated) {
  const threads = [];
  const client = new TrainingClient(new ThreadWorker({ isolated }), {
    createThread: () => {
      const w = new ThreadWorker({ boot: './thread-boot.js' });
      threads.push(w);
      return w;
    },
  });
  const losses = [];
  client.addEventListener(Push.STEPS, (e) => losses.push(...new Uint32Array(e.detail.loss.buffer)));
  return { client, threads, losses };
}

/** The loss bits of STEPS steps of SPIRALS, one step request at a time. */
async function lossesOf({ client, losses }) {
  await client.configure(SPIRALS);
  for (let i = 0; i < STEPS; i++) await client.step();
  return losses.slice(0, STEPS);
}

describe("the page's client starts the training worker's threads", () => {
  it('runs the threads the worker asks for, with the losses of one thread, and stops them with the worker', async () => {
    const one = open(false);
    const answer = await one.client.init(page.wasmUrl, page.dataUrl, page.wasmMtUrl);
    expect(answer.threads).toMatchObject({ running: 1, max: 1, reason: 'isolation' });
    const reference = await lossesOf(one);
    one.client.terminate();
    expect(one.threads).toEqual([]);

    const three = open(true);
    expect((await three.client.init(page.wasmUrl, page.dataUrl, page.wasmMtUrl)).threads).toMatchObject({ max: 8, reason: '' });
    expect(await three.client.threads(3)).toEqual({ running: 3, max: 8, reason: '' });
    expect(three.threads).toHaveLength(2);
    expect(three.client.threadWorkers).toBe(2);
    expect(await lossesOf(three)).toEqual(reference);
    three.client.terminate();
    expect(three.threads.every((w) => w.terminated)).toBe(true);
    expect(three.client.threadWorkers).toBe(0);
  }, 60_000);
});
