// recovery.js: surviving a crashed worker and a reload. Checkpoints of the live run (weights,
// optimizer, random streams, epoch position, history) go to IndexedDB (runs/checkpoints.js), so
// either loses at most CHECKPOINT_MS of training; `state` is what the recovery banner offers:
// {kind: 'crashed' | 'interrupted', message, record}. A Lit reactive controller.

import { CHECKPOINT_BYTES_PER_INTERVAL, CHECKPOINT_MS, CheckpointStore, historyUpTo } from '../runs/checkpoints.js';

export class Recovery {
  /** What the banner offers, or null. */
  state = null;
  /** When the last checkpoint was asked for (a new run starts the count afresh). */
  lastCheckpoint = 0;

  #store;
  #every = CHECKPOINT_MS; // longer for a big model: its copy into IndexedDB takes main-thread time
  #saving = null;

  /** training, history, liveRun: the page's controllers whose run is checkpointed. */
  constructor(host, { training, history, liveRun, store = new CheckpointStore(), now = () => performance.now() }) {
    Object.assign(this, { host, training, history, liveRun, now });
    this.#store = store;
    host.addController?.(this);
  }

  #set(state) {
    this.state = state;
    this.host.requestUpdate();
  }

  /** Offers to resume a run a reload interrupted; whether there is one. */
  async resumable() {
    const record = await this.#store.resumable();
    if (record) this.#set({ kind: 'interrupted', record });
    return Boolean(record);
  }

  /** A new run starts: its first checkpoint is CHECKPOINT_MS away. */
  restart() {
    this.lastCheckpoint = this.now();
  }

  /** Whether a checkpoint is due (steps came). */
  due() {
    return this.now() - this.lastCheckpoint >= this.#every;
  }

  /** Asks the worker for a checkpoint of the live run and keeps it with the history up to it. */
  save() {
    const live = this.history.live;
    const client = this.training.client;
    if (!live?.kept || this.#saving || !client) return this.#saving;
    this.lastCheckpoint = this.now();
    this.#saving = (async () => {
      try {
        const checkpoint = await client.checkpoint();
        if (live !== this.history.live || checkpoint.step < 1) return;
        const bytes = checkpoint.params.byteLength + checkpoint.optimState.byteLength + checkpoint.order.byteLength;
        this.#every = CHECKPOINT_MS * Math.max(1, bytes / CHECKPOINT_BYTES_PER_INTERVAL);
        const run = this.liveRun;
        await this.#store.put({
          id: live.id, name: live.name, number: live.number, created: live.created,
          savedAt: Date.now(), step: checkpoint.step, finished: false,
          experiment: checkpoint.experiment, assignment: live.assignment ?? null,
          checkpoint, history: historyUpTo(checkpoint.step, run, run.test),
        });
      } catch {
        // No session yet, or the worker died meanwhile: the previous checkpoint stands.
      } finally {
        this.#saving = null;
      }
    })();
    return this.#saving;
  }

  /** A run stopped: its end drops its checkpoint, a pause or a budget saves one, a failure keeps the last. */
  onStopped(reason) {
    if (reason === 'done') this.#store.delete(this.history.live?.id ?? '');
    else if (reason !== 'failed') this.save();
  }

  /** The worker died: the banner offers to restart from the live run's last checkpoint. */
  async crashed(message) {
    this.#set({ kind: 'crashed', message, record: null });
    this.history.save();
    await this.#saving;
    const record = this.history.live ? await this.#store.get(this.history.live.id) : null;
    if (this.state?.kind === 'crashed') this.#set({ kind: 'crashed', message, record });
  }

  /** The banner is answered (restart or resume): it goes. */
  take() {
    this.#set(null);
  }

  /** "Dismiss": an interrupted run's checkpoint is dropped. */
  dismiss() {
    const r = this.state;
    this.#set(null);
    if (r?.kind === 'interrupted') this.#store.delete(r.record.id);
  }
}
