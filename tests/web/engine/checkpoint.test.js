// checkpoint.test.js: a run resumed from a checkpoint continues with exactly the numbers of the
// uninterrupted run (real MNIST, real nn.wasm, a fresh core for the resumed half, the checkpoint
// passed through structured clone as IndexedDB and postMessage do); a damaged or foreign
// checkpoint is refused with a message and leaves the session as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { NnError, RNG_STATE_WORDS } from '../../../web/src/engine/core.js';
import { Status } from '../../../web/src/engine/enums.js';
import { Session } from '../../../web/src/engine/session.js';
import { loadMnist } from '../../../web/src/data/datasets.js';
import { parseExperiment } from '../../../web/src/experiment/validate.js';
import { freshCore, nodeMnistSource } from '../../../web/src/node.js';

// Everything with state: dropout (its stream), batch-norm (running statistics), Adam with
// AMSGrad (three moments and the step counter), shuffling (the epoch order); 1000 samples in
// batches of 64 make 16 steps an epoch, the last one short.
const EXPERIMENT = parseExperiment({
  version: 1,
  data: { set: 'mnist', train_samples: 1000, test_samples: 500 },
  layers: [
    { type: 'conv2d', filters: 4, kernel: 3, padding: 1 }, { type: 'batchnorm' }, { type: 'relu' },
    { type: 'maxpool', kernel: 2 }, { type: 'flatten' }, { type: 'dropout', p: 0.25 },
    { type: 'dense', units: 32 }, { type: 'elu' }, { type: 'dense', units: 10 },
  ],
  loss: { type: 'cross_entropy', label_smoothing: 0.05 },
  optimizer: { type: 'adam', lr: 0.003, amsgrad: true, weight_decay: 1e-4 },
  batch_size: 64,
  epochs: 5,
  seed: 11,
});
const TOTAL = 60;

const cores = [];
const sets = [];
async function open(experiment = EXPERIMENT) {
  const core = await freshCore();
  const dataset = await loadMnist(core, nodeMnistSource());
  cores.push(core);
  sets.push(dataset);
  return new Session(core, experiment, dataset);
}

let reference; // losses and final weights of the uninterrupted run
beforeAll(async () => {
  const s = await open();
  const losses = [];
  for (let i = 0; i < TOTAL; i++) losses.push(s.trainStep().loss);
  reference = { losses, params: s.paramsView().slice(), test: s.evaluate('test') };
  s.dispose();
}, 120_000);
afterAll(() => {
  for (const d of sets) d.dispose();
});

describe('checkpoints', () => {
  it('read as many random-stream words as nn.h says', () => {
    const header = readFileSync(new URL('../../../c/nn.h', import.meta.url), 'utf8');
    expect(Number(/#define NN_RNG_STATE_WORDS (\d+)/.exec(header)[1])).toBe(RNG_STATE_WORDS);
  });

  // Mid-epoch (step 7), at an epoch's end (16: the next step reshuffles), and in the third epoch.
  it.each([7, 16, 40])('resumed after step %i in a fresh core: the remaining losses and the weights are bit-identical', async (at) => {
    const first = await open();
    for (let i = 0; i < at; i++) expect(first.trainStep().loss).toBe(reference.losses[i]);
    const cp = structuredClone(first.checkpoint());
    first.dispose();

    const resumed = await open({ ...EXPERIMENT, epochs: 9, name: 'renamed' }); // epochs and name do not matter
    resumed.restoreCheckpoint(cp);
    expect(resumed.step).toBe(at);
    const rest = [];
    for (let i = at; i < TOTAL; i++) rest.push(resumed.trainStep().loss);
    expect(rest).toEqual(reference.losses.slice(at));
    expect(Array.from(resumed.paramsView())).toEqual(Array.from(reference.params));
    expect(resumed.evaluate('test')).toEqual(reference.test);
    resumed.dispose();
  }, 120_000);

  it('holds what it claims', async () => {
    const s = await open();
    for (let i = 0; i < 20; i++) s.trainStep();
    const cp = s.checkpoint();
    expect(cp).toMatchObject({ step: 20, optimSteps: 20, position: 4 * 64, epoch: 1 });
    expect(cp.order.length).toBe(1000);
    expect(new Set(cp.order).size).toBe(1000);
    expect(cp.rng).toBeInstanceOf(BigUint64Array);
    expect(cp.optimState.length).toBe(3 * s.paramCount);
    expect(cp.buffers.length).toBe(2 * 4); // running mean and variance of 4 channels
    s.dispose();
  }, 60_000);

  it('refuses a damaged or foreign checkpoint with a message, and the session trains on as before', async () => {
    const s = await open();
    for (let i = 0; i < 5; i++) s.trainStep();
    const good = s.checkpoint();
    const damaged = {
      'another format': { ...good, format: 'v0' },
      'another experiment': { ...good, experiment: { ...EXPERIMENT, seed: 12 } },
      'a NaN weight': { ...good, params: Object.assign(good.params.slice(), { 3: NaN }) },
      'a short optimizer state': { ...good, optimState: good.optimState.subarray(1) },
      'an order with a repeat': { ...good, order: Object.assign(good.order.slice(), { 0: good.order[1] }) },
      'a position past the end': { ...good, position: 1000 },
      'an even stream increment': { ...good, rng: Object.assign(good.rng.slice(), { 1: 2n }) },
      'a negative step': { ...good, step: -1 },
      'plain arrays': { ...good, params: Array.from(good.params) },
    };
    const messages = {};
    for (const [name, cp] of Object.entries(damaged)) {
      let error;
      try {
        s.restoreCheckpoint(cp);
      } catch (err) {
        error = err;
      }
      expect(error, name).toBeInstanceOf(NnError);
      expect(error.status, name).toBe(Status.ERR_DATA);
      messages[name] = error.message;
    }
    expect(messages['an order with a repeat']).toMatch(/not a permutation/);
    expect(messages['another experiment']).toMatch(/another experiment/);
    expect(messages['a NaN weight']).toMatch(/params\[3\] is NaN/);
    // Nothing was written: the run continues as the uninterrupted one.
    const next = [];
    for (let i = 5; i < 12; i++) next.push(s.trainStep().loss);
    expect(next).toEqual(reference.losses.slice(5, 12));
    s.dispose();
  }, 60_000);
});
