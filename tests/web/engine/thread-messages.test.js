// thread-messages.test.js: how the training worker and the page start the extra threads' workers
// (threads.js): the worker asks, the page starts the Worker, hands it the module and memory, and
// answers up or failed; a stop or a page going away terminates it; a page that says nothing in
// time leaves the worker's start rejected and the thread stopped.
import { describe, expect, it } from 'vitest';
import { pageThreads, threadStarter, ThreadMessage } from '../../../web/src/engine/threads.js';

/** A stand-in for a thread's Worker: records what it is sent and whether it was terminated. */
class FakeWorker {
  sent = [];
  terminated = false;
  postMessage(msg) { this.sent.push(msg); }
  terminate() { this.terminated = true; }
}

/** The page's side wired to a list of what it told the training worker. */
function page() {
  const told = [];
  const workers = [];
  const threads = pageThreads((msg) => told.push(msg), () => {
    const w = new FakeWorker();
    workers.push(w);
    return w;
  });
  return { told, workers, threads };
}

const module = { compiled: true };
const memory = { shared: true };

describe("the page's side", () => {
  it('starts a worker with the module, memory, id and stack, and says when it is up', () => {
    const { told, workers, threads } = page();
    threads.take({ thread: ThreadMessage.START, id: 1, module, memory, stackTop: 4096 });
    expect(workers).toHaveLength(1);
    expect(workers[0].sent).toEqual([{ module, memory, id: 1, stackTop: 4096 }]);
    expect(told).toEqual([]);
    workers[0].onmessage({ data: 1 });
    expect(told).toEqual([{ thread: ThreadMessage.UP, id: 1 }]);
    expect(threads.size).toBe(1);
  });

  it("says a worker that fails has failed, with the browser's reason, and drops it", () => {
    const { told, workers, threads } = page();
    threads.take({ thread: ThreadMessage.START, id: 2, module, memory, stackTop: 0 });
    let prevented = false;
    workers[0].onerror({ message: 'NetworkError: script not found', preventDefault: () => { prevented = true; } });
    expect(prevented).toBe(true);
    expect(workers[0].terminated).toBe(true);
    expect(told).toEqual([{ thread: ThreadMessage.FAILED, id: 2, why: 'NetworkError: script not found' }]);
    expect(threads.size).toBe(0);
  });

  it('says so when the Worker cannot even be made', () => {
    const told = [];
    const threads = pageThreads((msg) => told.push(msg), () => { throw new Error('SecurityError: refused'); });
    threads.take({ thread: ThreadMessage.START, id: 3, module, memory, stackTop: 0 });
    expect(told).toEqual([{ thread: ThreadMessage.FAILED, id: 3, why: 'SecurityError: refused' }]);
  });

  it('stops one thread on request, every thread when the training worker goes, and a started id again replaces its worker', () => {
    const { workers, threads } = page();
    for (const id of [1, 2, 3]) threads.take({ thread: ThreadMessage.START, id, module, memory, stackTop: 0 });
    threads.take({ thread: ThreadMessage.STOP, id: 2 });
    expect(workers.map((w) => w.terminated)).toEqual([false, true, false]);
    threads.take({ thread: ThreadMessage.START, id: 3, module, memory, stackTop: 0 });
    expect(workers.map((w) => w.terminated)).toEqual([false, true, true, false]);
    threads.stopAll();
    expect(workers.every((w) => w.terminated)).toBe(true);
    expect(threads.size).toBe(0);
  });
});

describe("the training worker's side", () => {
  it('asks the page, resolves when the page says up, and its handle stops the thread', async () => {
    const posted = [];
    const starter = threadStarter((msg) => posted.push(msg));
    const started = starter.start({ module, memory, id: 1, stackTop: 64 });
    expect(posted).toEqual([{ thread: ThreadMessage.START, id: 1, module, memory, stackTop: 64 }]);
    starter.answer({ thread: ThreadMessage.UP, id: 1 });
    const handle = await started;
    handle.terminate();
    expect(posted.at(-1)).toEqual({ thread: ThreadMessage.STOP, id: 1 });
  });

  it("rejects with the page's reason when the thread failed", async () => {
    const posted = [];
    const starter = threadStarter((msg) => posted.push(msg));
    const started = starter.start({ module, memory, id: 2, stackTop: 0 });
    starter.answer({ thread: ThreadMessage.FAILED, id: 2, why: 'NetworkError: script not found' });
    await expect(started).rejects.toThrow('thread 2: NetworkError: script not found');
    starter.answer({ thread: ThreadMessage.UP, id: 2 }); // a late answer changes nothing
  });

  it('rejects and stops the thread when the page says nothing in time', async () => {
    const posted = [];
    const starter = threadStarter((msg) => posted.push(msg), { startMs: 20 });
    await expect(starter.start({ module, memory, id: 3, stackTop: 0 })).rejects.toThrow('thread 3: no answer within 0.02 s');
    expect(posted.at(-1)).toEqual({ thread: ThreadMessage.STOP, id: 3 });
  });

  it('goes through a whole exchange with the page side: up, then stop', async () => {
    const workers = [];
    // Each side's messages reach the other after a turn of the event loop, as postMessage's do;
    // the thread's worker says it is up once it has its first message.
    let starter = null;
    const pageSide = pageThreads((msg) => setTimeout(() => starter.answer(msg)), () => {
      const w = new FakeWorker();
      w.postMessage = (msg) => { w.sent.push(msg); setTimeout(() => w.onmessage({ data: msg.id })); };
      workers.push(w);
      return w;
    });
    starter = threadStarter((msg) => setTimeout(() => pageSide.take(msg)));
    const handle = await starter.start({ module, memory, id: 1, stackTop: 8 });
    expect(workers).toHaveLength(1);
    expect(workers[0].sent).toEqual([{ module, memory, id: 1, stackTop: 8 }]);
    handle.terminate();
    await new Promise((r) => setTimeout(r, 5));
    expect(workers[0].terminated).toBe(true);
    expect(pageSide.size).toBe(0);
  });
});
