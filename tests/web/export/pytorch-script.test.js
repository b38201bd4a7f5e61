// pytorch-script.test.js: web/src/export/pytorch_script.py, the part of the exported script that is
// the same for every experiment. It byte-compiles alone and rendered; its STREAM_* constants are
// c/rng.h's nn_rng_stream; its PCG32 draws the core's numbers (the streams' seeding, uniform,
// normal and the epoch shuffle); the page's bundle and Node render the same script; and the
// template filler refuses slots and flags out of step with the file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FanMode, Gain, InitKind, ParamRole } from '../../../web/src/engine/enums.js';
import { planExperiment } from '../../../web/src/engine/session.js';
import * as bundled from '../../../web/src/export/pytorch.js';
import { exportPytorch, PYTORCH_TEMPLATE } from '../../../web/src/export/pytorch-node.js';
import { fillTemplate } from '../../../web/src/export/pytorch-script.js';
import { parseExperiment } from '../../../web/src/experiment/validate.js';
import { freshCore } from '../../../web/src/node.js';
import { example } from '../fixtures.js';
import { headerEnums } from '../nn-header.js';

const TEMPLATE_PATH = fileURLToPath(new URL('../../../web/src/export/pytorch_script.py', import.meta.url));
const PYTHON = '/usr/bin/python3';
const dir = mkdtempSync(path.join(tmpdir(), 'nn-export-script-'));
const SEEDS = [0, 1, 7, 4294967297, 2 ** 53 - 1];
const DRAWS = 64; // weights of a dense 2 -> 32 layer
const SHUFFLED = 37; // samples in the shuffled data set

let core;
beforeAll(async () => {
  core = await freshCore();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** py_compile on a file, writing the byte code into the temporary folder (never beside the source). */
function byteCompile(file) {
  execFileSync(PYTHON, ['-c', 'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True)',
    file, path.join(dir, 'compiled.pyc')], { stdio: 'pipe' });
}

/** The core's layer plan of an experiment (what the page and the runner pass to the exporter). */
function layersOf(experiment) {
  const e = parseExperiment(experiment);
  const mnist = e.data.set === 'mnist';
  const plan = planExperiment(core, e, { shape: mnist ? [1, 28, 28] : [2, 1, 1], classes: mnist ? 10 : 2 });
  expect(plan.ok, JSON.stringify(plan.errors)).toBe(true);
  return plan.layers;
}

const streams = headerEnums('rng.h').nn_rng_stream;

describe('pytorch_script.py', () => {
  it('byte-compiles as it is checked in, and rendered for MNIST and for a 2-D set', () => {
    byteCompile(TEMPLATE_PATH);
    for (const name of ['cnn', 'xor-tanh']) {
      const file = path.join(dir, `${name}.py`);
      writeFileSync(file, exportPytorch(example(name), { layers: layersOf(example(name)), scriptName: `${name}.py` }));
      byteCompile(file);
    }
  });

  it('names the random streams as c/rng.h does', () => {
    expect(Object.keys(streams)).toContain('NN_STREAM_SHUFFLE');
    const python = Object.fromEntries([...PYTORCH_TEMPLATE.matchAll(/^STREAM_(\w+) = (\d+)\b/gm)].map((m) => [m[1], Number(m[2])]));
    expect(Object.keys(python).sort()).toEqual(['SHUFFLE', 'SYNTH']); // the streams the script replays
    for (const [name, value] of Object.entries(python)) expect(value, `STREAM_${name}`).toBe(streams[`NN_STREAM_${name}`]);
  });

  it("has the core's PCG32: the same streams, uniforms, normals and epoch shuffle", () => {
    const driver = [
      'import importlib.util, json, sys',
      "spec = importlib.util.spec_from_file_location('pytorch_script', sys.argv[1])",
      'm = importlib.util.module_from_spec(spec)',
      'spec.loader.exec_module(m)',
      'streams, seeds, draws, shuffled = json.loads(sys.argv[2]), json.loads(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])',
      'out = []',
      'for seed in seeds:',
      '    state = {name: [str(r.state), str(r.inc)] for name, value in streams.items() for r in [m.PCG32(seed, value)]}',
      "    u = m.PCG32(seed, streams['NN_STREAM_INIT'])",
      "    n = m.PCG32(seed, streams['NN_STREAM_INIT'])",
      '    order = list(range(shuffled))',
      '    m.PCG32(seed, m.STREAM_SHUFFLE).shuffle(order)',
      "    out.append({'state': state, 'uniform': [u.uniform() for _ in range(draws)],",
      "                'normal': [n.normal() for _ in range(draws)], 'order': order})",
      'print(json.dumps(out))',
    ].join('\n');
    // -B: no __pycache__ beside the template in the source tree.
    const python = JSON.parse(execFileSync(PYTHON, ['-B', '-c', driver, TEMPLATE_PATH, JSON.stringify(streams), JSON.stringify(SEEDS),
      String(DRAWS), String(SHUFFLED)], { encoding: 'utf8' }));

    const { fn } = core;
    const net = fn.nn_net_create(2, 1, 1);
    const x = core.copyIn(new Float32Array(2 * SHUFFLED));
    const y = core.copyIn(new Uint8Array(SHUFFLED));
    const data = fn.nn_data_create_f32(x, y, SHUFFLED, 2);
    try {
      fn.nn_add_dense(net, DRAWS / 2, 0);
      fn.nn_build(net, 8);
      const weights = () => Array.from(core.f32(fn.nn_params(net), DRAWS));
      const init = (kind, a, b) => fn.nn_init_param(net, 0, ParamRole.WEIGHT, kind, a, b, FanMode.FAN_IN, Gain.LINEAR);
      SEEDS.forEach((seed, i) => {
        const py = python[i];
        fn.nn_seed(net, seed);
        // nn_rng_state: (state, increment) of the init, dropout and shuffle streams, in that order.
        const words = Array.from(core.rngState(net), String);
        ['NN_STREAM_INIT', 'NN_STREAM_DROPOUT', 'NN_STREAM_SHUFFLE'].forEach((name, k) => {
          expect(py.state[name], `seed ${seed} ${name}`).toEqual(words.slice(2 * k, 2 * k + 2));
        });
        init(InitKind.UNIFORM, 0, 1); // 0 + (1 - 0) * u: the draws themselves
        expect(weights(), `seed ${seed} uniform`).toEqual(py.uniform);
        fn.nn_seed(net, seed);
        init(InitKind.NORMAL, 0, 1); // 0 + 1 * z
        // The C library's logf and cosf may round otherwise than Python's math in the last bit.
        weights().forEach((z, k) => expect(Math.abs(z - py.normal[k]), `seed ${seed} normal ${k}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(z))));
        fn.nn_seed(net, seed);
        core.trainStep(net, data, 8, true);
        expect(Array.from(core.epochState(net).order), `seed ${seed} shuffle`).toEqual(py.order);
      });
    } finally {
      fn.nn_data_free(data);
      fn.nn_net_free(net);
      core.free(x);
      core.free(y);
    }
  });

  it("takes the layers' shapes from the core's plan, and refuses to guess them", () => {
    const layers = layersOf(example('cnn'));
    const script = exportPytorch(example('cnn'), { layers });
    // 8 filters of 5x5 with padding 2 on 1x28x28: the core's shape and count in the layer's note
    expect(layers[0]).toMatchObject({ inShape: [1, 28, 28], outShape: [8, 28, 28], params: 208 });
    expect(script).toContain('# 0: [1, 28, 28] -> [8, 28, 28], 208 parameters');
    expect(() => exportPytorch(example('cnn'))).toThrow(/options\.layers must be the core's plan of all 8 layers/);
    expect(() => exportPytorch(example('cnn'), { layers: layers.slice(1) })).toThrow(/got 7/);
  });

  it("renders the same script in the page's bundle (Vite's ?raw) as in Node (read from disk)", () => {
    for (const name of ['mlp', 'xor-tanh']) {
      const options = { layers: layersOf(example(name)), scriptName: `${name}.py` };
      expect(bundled.exportPytorch(example(name), options)).toBe(exportPytorch(example(name), options));
    }
  });
});

describe('fillTemplate', () => {
  const template = ['a', '#> a note of the template', '#> slot one', 'example', '#> end', '#> if flag', 'b', '#> end', 'c'].join('\n');

  it('puts the lines of each slot in, keeps a block only when its flag holds, and drops the #> lines', () => {
    expect(fillTemplate(template, { one: ['x', 'y'] }, { flag: true })).toBe('a\nx\ny\nb\nc');
    expect(fillTemplate(template, { one: [] }, { flag: false })).toBe('a\nc');
  });

  it('refuses a slot or flag the template names but the caller leaves out, and one it does not name', () => {
    expect(() => fillTemplate(template, {}, { flag: true })).toThrow(/no lines for slot one/);
    expect(() => fillTemplate(template, { one: [] }, {})).toThrow(/no value for flag flag/);
    expect(() => fillTemplate(template, { one: [], two: [] }, { flag: true })).toThrow(/no slot or flag two/);
    expect(() => fillTemplate('#> if flag\na', {}, { flag: true })).toThrow(/not closed/);
  });

  it('fills every slot and flag of pytorch_script.py for MNIST and for a 2-D set (none left over)', () => {
    for (const name of ['cnn', 'xor-tanh']) {
      const script = exportPytorch(example(name), { layers: layersOf(example(name)) });
      expect(script).not.toMatch(/^#>/m);
      expect(script.startsWith('#!/usr/bin/env python3\n')).toBe(true);
    }
  });
});
