// store.js: the runs kept in the browser (IndexedDB), so they survive a reload. At most MAX_RUNS
// are kept (the oldest go first); each is a bounded record (runs.js). Where IndexedDB is missing
// or refused (some private windows, storage full) the runs live in memory and `persistent` says
// so; nothing here throws at the page.

import { MAX_RUNS } from './runs.js';

const DB_NAME = 'nn-playground';
const DB_VERSION = 1;
const STORE = 'runs';

/** An IndexedDB request as a promise. */
export const promised = (request) => new Promise((resolve, reject) => {
  request.onsuccess = () => resolve(request.result);
  request.onerror = () => reject(request.error);
});

/** Opens (creating if needed) a database with one object store keyed by `id`; null where IndexedDB is missing or refused. */
async function openKeyedStore(name, version, store) {
  try {
    if (!globalThis.indexedDB) return null;
    const request = indexedDB.open(name, version);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(store)) request.result.createObjectStore(store, { keyPath: 'id' });
    };
    return await promised(request);
  } catch {
    return null;
  }
}

/**
 * One IndexedDB object store of records keyed by `id`, opened once on first use, with a copy of
 * every record put in memory: where IndexedDB is missing, refused or fails, the copy serves
 * (which still covers this visit), and nothing here throws. `persistent` is false where the
 * records live in memory only (no database, or a write was refused).
 */
export class KeyedStore {
  #db = null;
  #opening = null;
  #memory = new Map();
  persistent = false;

  constructor(name, version, store) {
    this.name = name;
    this.version = version;
    this.store = store;
  }

  /** Opens the database once; resolves either way. */
  open() {
    this.#opening ??= (async () => {
      this.#db = await openKeyedStore(this.name, this.version, this.store);
      this.persistent = this.#db !== null;
    })();
    return this.#opening;
  }

  /**
   * fn(objectStore) inside one transaction of `mode`; resolves to what fn resolved to once the
   * transaction has completed. Without a database, null (fn is not called).
   */
  async #tx(mode, fn) {
    await this.open();
    if (!this.#db) return null;
    const tx = this.#db.transaction(this.store, mode);
    const done = new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
    const [out] = await Promise.all([fn(tx.objectStore(this.store)), done]);
    return out;
  }

  /** Every record, in no particular order: the database's, else the copy in memory. */
  async all() {
    try {
      const all = await this.#tx('readonly', (store) => promised(store.getAll()));
      if (all) return all;
    } catch {
      // the copy in memory serves
    }
    return [...this.#memory.values()];
  }

  /** The record with this id (the database's, else the copy in memory), or null. */
  async get(id) {
    try {
      const record = await this.#tx('readonly', (store) => promised(store.get(id)));
      if (record) return record;
    } catch {
      // the copy in memory serves
    }
    return this.#memory.get(id) ?? null;
  }

  /** Keeps a record (replacing the one with its id). */
  async put(record) {
    this.#memory.set(record.id, record);
    try {
      await this.#tx('readwrite', (store) => promised(store.put(record)));
    } catch {
      // Storage refused (full, or closed by the browser): the record stays in memory for this visit.
      this.persistent = false;
    }
  }

  async delete(id) {
    this.#memory.delete(id);
    try {
      await this.#tx('readwrite', (store) => promised(store.delete(id)));
    } catch {
      // Already gone, or storage refused: nothing more to do.
    }
  }
}

export class RunStore extends KeyedStore {
  constructor() {
    super(DB_NAME, DB_VERSION, STORE);
  }

  /** Every kept run, oldest first. */
  async list() {
    return (await this.all()).sort((a, b) => a.created - b.created || a.number - b.number);
  }

  /** Keeps a run (replacing one with its id), then drops the oldest beyond MAX_RUNS; returns the ids dropped. */
  async put(record) {
    await super.put(record);
    const all = await this.list();
    const dropped = all.slice(0, Math.max(0, all.length - MAX_RUNS)).map((r) => r.id);
    for (const id of dropped) await this.delete(id);
    return dropped;
  }
}
