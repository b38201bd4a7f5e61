// train.test.js: the headless runner as a user meets it: JSON lines out, exit code 2 and one
// line naming the problem for bad input (never a stack trace), 3 for a diverging run.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readSafetensors, toFloat32 } from '../../../web/src/engine/safetensors.js';
import { INIT_SETS_BIASES, INIT_TYPES } from '../../../web/src/experiment/schema.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TRAIN = path.join(ROOT, 'web/cli/train.js');
const EXAMPLES = path.join(ROOT, 'web/experiments');
const dir = mkdtempSync(path.join(tmpdir(), 'nn-train-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function train(...args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [TRAIN, ...args], { cwd: ROOT }, (err, stdout, stderr) => {
      resolve({ code: err ? err.code : 0, stdout, stderr: stderr.trim(), lines: stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) });
    });
  });
}

function file(name, content) {
  const p = path.join(dir, name);
  writeFileSync(p, content);
  return p;
}

const xor = JSON.parse(readFileSync(path.join(EXAMPLES, 'xor-tanh.json'), 'utf8'));
const cnn = JSON.parse(readFileSync(path.join(EXAMPLES, 'cnn.json'), 'utf8'));

describe('train.js', () => {
  it('prints step lines, epoch lines and a final line', async () => {
    const r = await train(path.join(EXAMPLES, 'xor-tanh.json'), '--epochs', '2', '--log-every', '25');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const steps = r.lines.filter((l) => 'step' in l);
    const epochs = r.lines.filter((l) => 'train_loss' in l && !l.final);
    expect(steps.map((l) => l.step)).toEqual([25, 50, 75, 100, 125]); // 63 steps an epoch
    for (const l of steps) expect(Object.keys(l)).toEqual(['step', 'epoch', 'loss', 'accuracy', 'samples_per_s']);
    expect(epochs.map((l) => l.epoch)).toEqual([0, 1]);
    for (const l of epochs) expect(Object.keys(l)).toEqual(['epoch', 'train_loss', 'train_accuracy', 'test_loss', 'test_accuracy']);
    const last = r.lines.at(-1);
    expect(last.final).toBe(true);
    expect(last.steps).toBe(126);
    expect(last.test_accuracy).toBe(epochs[1].test_accuracy);
    expect(last.test_accuracy).toBeGreaterThan(0);
    expect(last.test_accuracy).toBeLessThanOrEqual(1);
  });

  it('is quiet, stops after --steps, and repeats itself exactly for one seed', async () => {
    const a = await train(path.join(EXAMPLES, 'xor-tanh.json'), '--steps', '40', '--quiet', '--seed', '7');
    const b = await train(path.join(EXAMPLES, 'xor-tanh.json'), '--steps', '40', '--quiet', '--seed', '7');
    const c = await train(path.join(EXAMPLES, 'xor-tanh.json'), '--steps', '40', '--quiet', '--seed', '8');
    expect(a.lines.length).toBe(1);
    expect(a.lines[0].steps).toBe(40);
    const numbers = ({ seconds, samples_per_s: _, ...rest }) => rest;
    expect(numbers(a.lines[0])).toEqual(numbers(b.lines[0]));
    expect(numbers(a.lines[0])).not.toEqual(numbers(c.lines[0]));
  });

  it('trains to the same numbers on 3 threads as on one, and refuses 9', async () => {
    const cnnFile = file('cnn-small.json', JSON.stringify({ ...cnn, data: { set: 'mnist', train_samples: 640, test_samples: 200 } }));
    const one = await train(cnnFile, '--steps', '10', '--log-every', '1');
    const three = await train(cnnFile, '--steps', '10', '--log-every', '1', '--threads', '3');
    expect(three.code, three.stderr).toBe(0);
    const numbers = ({ seconds, samples_per_s: _, ...rest }) => rest;
    expect(three.lines.map(numbers)).toEqual(one.lines.map(numbers));
    const bad = await train(cnnFile, '--threads', '9');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('train: --threads: must be an integer from 1 to 8, got "9"');
  });

  it('prints per-layer statistics with --stats', async () => {
    const r = await train(path.join(EXAMPLES, 'xor-tanh.json'), '--epochs', '1', '--stats', '--log-every', '1000');
    const stats = r.lines.filter((l) => 'stats' in l);
    expect(stats.map((l) => l.stats)).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.2.weight', 'layers.2.bias']);
    for (const s of stats) {
      expect(s.min).toBeLessThanOrEqual(s.mean);
      expect(s.mean).toBeLessThanOrEqual(s.max);
      expect(s.std).toBeGreaterThanOrEqual(0);
      expect(s.l2).toBeGreaterThan(0);
    }
  });

  it('saves weights and loads them back', async () => {
    const weights = path.join(dir, 'xor.safetensors');
    const a = await train(path.join(EXAMPLES, 'xor-tanh.json'), '--epochs', '3', '--quiet', '--save', weights);
    const b = await train(path.join(EXAMPLES, 'xor-tanh.json'), '--steps', '0', '--quiet', '--load', weights); // same seed: same test points
    expect(a.code).toBe(0);
    expect(b.code).toBe(0);
    expect(b.lines[0].test_accuracy).toBe(a.lines[0].test_accuracy);
    expect(b.lines[0].test_loss).toBe(a.lines[0].test_loss);
    // The weights of another model are refused, naming the tensor.
    const linear = await train(path.join(EXAMPLES, 'cnn.json'), '--steps', '0', '--load', weights);
    expect(linear.code).toBe(2);
    expect(linear.stderr).toMatch(/^train: .*xor.safetensors: weights file: tensor layers.0.weight has shape \[4, 2\] but the model's is \[8, 1, 5, 5\]$/);
  });

  it('stops a diverging run with exit code 3, keeping the last finite weights', async () => {
    const diverging = file('diverge.json', JSON.stringify({
      version: 1, data: { set: 'xor', count: 200 }, seed: 1, batch_size: 16, epochs: 5,
      layers: [{ type: 'dense', units: 4 }, { type: 'identity' }, { type: 'dense', units: 2 }],
      loss: { type: 'mse' }, optimizer: { type: 'sgd', lr: 100 },
    }));
    const weights = path.join(dir, 'diverged.safetensors');
    const r = await train(diverging, '--save', weights, '--log-every', '1');
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^train: (loss|weights|gradients) became NaN\/Inf at step (\d+)/);
    const last = r.lines.at(-1);
    expect(last).toMatchObject({ final: true, diverged: true });
    expect(last.error).toMatch(/became NaN\/Inf at step \d+/);
    expect(readFileSync(weights).length).toBeGreaterThan(8);
  });

  const bad = [
    ['a missing file', () => path.join(dir, 'nope.json'), /^train: cannot read the experiment file .*nope.json: no such file$/],
    ['a file that is not JSON', () => file('a.json', '{"version": 1, '), /^train: .*a.json: experiment: not valid JSON/],
    ['binary garbage', () => file('b.json', Buffer.from([0xff, 0xfe, 0x00, 0x81])), /^train: .*b.json: not UTF-8 text$/],
    ['an empty file', () => file('c.json', ''), /^train: .*c.json: experiment: not valid JSON/],
    ['a schema error', () => file('d.json', JSON.stringify({ ...cnn, layers: cnn.layers.map((l, i) => (i === 2 ? { ...l, kernel: -3 } : l)) })),
      /^train: .*d.json: layers\[2\].kernel: must be an integer from 1 to 64, got -3$/],
    ['several schema errors, on one line', () => file('e.json', JSON.stringify({ ...xor, batch_size: 0, epochs: -1 })),
      /^train: .*e.json: batch_size: must be an integer from 1 to 8192, got 0; epochs: must be an integer from 1 to 1000, got -1$/],
    ['a kernel larger than its input', () => file('f.json', JSON.stringify({ ...cnn, layers: cnn.layers.map((l, i) => (i === 3 ? { ...l, kernel: 25 } : l)) })),
      /^train: .*f.json: layers\[3\]: kernel 25 is larger than its padded input/],
    ['a network that would exhaust memory', () => file('g.json', JSON.stringify({ ...xor, layers: [{ type: 'dense', units: 16384 }, { type: 'dense', units: 16384 }, { type: 'dense', units: 2 }] })),
      /^train: .*g.json: this network needs .* MB at batch 16, over the memory budget/],
    ['a hostile prototype key', () => file('h.json', '{"__proto__": {"version": 1}, "constructor": {"prototype": {"x": 1}}}'), /^train: .*h.json: .*unknown field/],
    ['a deeply nested file', () => file('i.json', `${'['.repeat(100000)}${']'.repeat(100000)}`), /^train: .*i.json: experiment: must be a JSON object, got a list$/],
    ['a huge file', () => file('j.json', `{"name": "${'x'.repeat(300 * 1024)}"}`), /^train: .*j.json: \d+ bytes is too large for the experiment file$/],
  ];
  for (const [what, make, message] of bad) {
    it(`refuses ${what} with exit code 2 and one line`, async () => {
      const r = await train(make());
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.split('\n').length).toBe(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('refuses bad options with exit code 2 and the usage', async () => {
    for (const args of [['--epochs', '0'], ['--steps', 'many'], ['--frobnicate'], []]) {
      const r = await train(...(args.length ? [path.join(EXAMPLES, 'xor-tanh.json'), ...args] : []));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^train: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('says the range of a numeric option it refuses, a negative number too', async () => {
    const cases = [
      [['--seed', '-1'], 'train: --seed: must be an integer from 0 to 2^53 - 1, got "-1"'],
      [['--seed=-1'], 'train: --seed: must be an integer from 0 to 2^53 - 1, got "-1"'],
      [['--seed', '9007199254740992'], 'train: --seed: must be an integer from 0 to 2^53 - 1, got "9007199254740992"'],
      [['--seed', '1.5'], 'train: --seed: must be an integer from 0 to 2^53 - 1, got "1.5"'],
      [['--epochs', '-2'], 'train: --epochs: must be an integer from 1 to 1000, got "-2"'],
      [['--epochs', '1001'], 'train: --epochs: must be an integer from 1 to 1000, got "1001"'],
      [['--steps', '-5'], 'train: --steps: must be an integer from 0 to 2^53 - 1, got "-5"'],
      [['--log-every', '-0.5'], 'train: --log-every: must be an integer from 1 to 2^53 - 1, got "-0.5"'],
    ];
    for (const [args, message] of cases) {
      const r = await train(path.join(EXAMPLES, 'xor-tanh.json'), ...args, '--quiet');
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toBe(message);
    }
    // The largest seed is a seed.
    const r = await train(path.join(EXAMPLES, 'xor-tanh.json'), '--seed', String(2 ** 53 - 1), '--steps', '1', '--quiet');
    expect(r.code).toBe(0);
  });

  it('a top-level zeros or constant init sets every bias too; every other kind leaves them at torch\'s default', async () => {
    // The README, the page's init hint and the PyTorch export say this; INIT_SETS_BIASES is what they read.
    const args = { constant: { value: 0.37 } };
    for (const type of INIT_TYPES) {
      const experiment = {
        version: 1, data: { set: 'xor', count: 64 }, seed: 3, batch_size: 16, loss: { type: 'cross_entropy' }, optimizer: { type: 'sgd' },
        layers: [{ type: 'dense', units: 8 }, { type: 'batchnorm' }, { type: 'relu' }, { type: 'dense', units: 2 }],
        init: { type, ...args[type] },
      };
      const weights = path.join(dir, `init-${type}.safetensors`);
      const r = await train(file(`init-${type}.json`, JSON.stringify(experiment)), '--steps', '0', '--quiet', '--save', weights);
      expect(r.code, type).toBe(0);
      const { tensors } = readSafetensors(new Uint8Array(readFileSync(weights)));
      const values = (name) => [...toFloat32(tensors.get(name).bytes)];
      for (const [layer, fanIn] of [[0, 2], [3, 8]]) {
        const bias = values(`layers.${layer}.bias`);
        expect(bias).toHaveLength(layer === 0 ? 8 : 2);
        if (INIT_SETS_BIASES.includes(type)) {
          const value = Math.fround(experiment.init.value ?? 0);
          expect(bias, `${type}: layers.${layer}.bias`).toEqual(bias.map(() => value));
          expect(values(`layers.${layer}.weight`).every((w) => w === value), `${type}: layers.${layer}.weight`).toBe(true);
        } else {
          // torch's default bias, U(+-1/sqrt(fan_in)): inside the bound, and not one repeated value
          for (const b of bias) expect(Math.abs(b), `${type}: layers.${layer}.bias`).toBeLessThanOrEqual(1 / Math.sqrt(fanIn));
          expect(new Set(bias).size, `${type}: layers.${layer}.bias`).toBe(bias.length);
        }
      }
      // batch norm keeps 1 and 0 whatever the global init
      expect(values('layers.1.weight')).toEqual(Array(8).fill(1));
      expect(values('layers.1.bias')).toEqual(Array(8).fill(0));
    }
  }, 60_000);

  it('refuses a broken weights file with exit code 2', async () => {
    const r = await train(path.join(EXAMPLES, 'xor-tanh.json'), '--load', file('w.safetensors', 'not safetensors at all'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^train: .*w.safetensors: weights file: the header claims \d+ bytes but the file holds \d+/);
  });
});
