// download.test.js: the names exports are saved under: an experiment's own name says what it is,
// so that two different experiments are not both "experiment-pytorch.zip".
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { experimentFileName, safeFileName } from '../../../web/src/export/download.js';
import { parseExperiment } from '../../../web/src/experiment/validate.js';

const load = (name) => parseExperiment(JSON.parse(readFileSync(new URL(`../../../web/experiments/${name}`, import.meta.url), 'utf8')));

describe('experimentFileName', () => {
  it('names an experiment by its data, layers and optimizer, and tells two experiments apart', () => {
    const xor = load('xor-tanh.json');
    expect(experimentFileName(xor)).toBe('xor-dense4-tanh-dense2-adam-lr0.03');
    expect(experimentFileName({ ...xor, layers: [{ type: 'dense', units: 8 }, ...xor.layers.slice(1)] })).toBe('xor-dense8-tanh-dense2-adam-lr0.03');
    expect(experimentFileName({ ...xor, optimizer: { ...xor.optimizer, lr: 0.1 } })).toBe('xor-dense4-tanh-dense2-adam-lr0.1');
    const cnn = experimentFileName(load('cnn.json'));
    expect(cnn).toMatch(/^mnist-conv2d\d+-/);
    expect(cnn.length).toBeLessThanOrEqual(60);
    expect(cnn).toBe(safeFileName(cnn)); // nothing a file system refuses
    expect(experimentFileName(null)).toBe('experiment');
  });
});
