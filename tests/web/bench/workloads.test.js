// workloads.test.js: the benchmark's experiment files describe the networks its TF.js side builds.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkWorkloadExperiment, WORKLOADS } from '../../../web/bench/workloads.js';
import { parseExperiment } from '../../../web/src/experiment/validate.js';

const load = (file) => parseExperiment(JSON.parse(readFileSync(new URL(`../../../web/experiments/${file}`, import.meta.url), 'utf8')));

describe('checkWorkloadExperiment', () => {
  it('accepts each workload\'s own file, W3 included', () => {
    expect(Object.keys(WORKLOADS)).toEqual(['w1', 'w2', 'w3']);
    for (const [id, w] of Object.entries(WORKLOADS)) expect(() => checkWorkloadExperiment(id, load(w.file))).not.toThrow();
  });

  it('refuses a W3 file whose batch norm, channels or optimizer changed', () => {
    const w3 = load('cnn-bn.json');
    const bn = { ...w3, layers: w3.layers.map((l) => (l.type === 'batchnorm' ? { ...l, momentum: 0.2 } : l)) };
    expect(() => checkWorkloadExperiment('w3', bn)).toThrow(/batchnorm:0\.00001,0\.2/);
    const wide = { ...w3, layers: w3.layers.map((l) => (l.type === 'conv2d' && l.filters === 32 ? { ...l, filters: 64 } : l)) };
    expect(() => checkWorkloadExperiment('w3', wide)).toThrow(/conv2d:64x3p1/);
    expect(() => checkWorkloadExperiment('w3', { ...w3, optimizer: { ...w3.optimizer, lr: 0.001 } })).toThrow(/optimizer\.lr is 0\.001/);
  });
});
