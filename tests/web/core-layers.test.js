// core-layers.test.js: the C core's files call one way only, down the order below. Reads the
// symbols of the native objects build.sh leaves in tests/.build/obj (nm --defined-only for what
// each file defines, nm -u for what it calls) and fails when a file calls one of a higher level,
// when files of one level call each other in a circle, or when a file of c/ has no level.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OBJ = `${ROOT}tests/.build/obj`;

/** Lowest first; a file may call files of its own level or below, never above. */
const LEVELS = [
  ['error', ['error']], // nn_fail and the last error: everything reports through it
  ['kernels and data', ['parallel', 'rng', 'gemm', 'im2col', 'conv_direct', 'softmax', 'stats', 'idx', 'data', 'synth']],
  ['layers', ['dense', 'conv2d', 'pool', 'flatten', 'dropout', 'norm', 'activations']],
  ['net', ['net', 'state']], // layer list, arena, forward/backward; seed, random and epoch state
  ['init, loss, optimizer', ['init', 'loss', 'optim']],
  ['model and training', ['model', 'train']], // nn_net_create/nn_build with torch's defaults; step, evaluate, predict
  ['labs', ['surface']], // the optimizer lab's surfaces, on a vector net built with model.c's API
];

const levelOf = new Map(LEVELS.flatMap(([, files], level) => files.map((f) => [f, level])));
const levelName = (file) => LEVELS[levelOf.get(file)][0];

/** Global symbols of an object file: what it defines (nm --defined-only) or calls (nm -u). */
function symbols(file, which) {
  const out = execFileSync('nm', [which, `${OBJ}/${file}.o`], { encoding: 'utf8' });
  // "ADDRESS TYPE NAME" or, undefined, "U NAME"; upper-case types are global.
  return out.split('\n').map((line) => line.trim().split(/\s+/)).filter((f) => f.length >= 2)
    .filter((f) => /^[A-Z]$/.test(f.at(-2))).map((f) => f.at(-1));
}

/** [{from, to, symbol}] for every call of one core file into another. */
function coreCalls(files) {
  const owner = new Map();
  for (const file of files) for (const s of symbols(file, '--defined-only')) owner.set(s, file);
  return files.flatMap((from) => symbols(from, '-u').filter((s) => owner.has(s)).map((s) => ({ from, to: owner.get(s), symbol: s })));
}

/** The calls that go up a level, as sentences. */
const upward = (calls) => calls.filter((c) => levelOf.get(c.to) > levelOf.get(c.from))
  .map((c) => `${c.from}.c (${levelName(c.from)}) calls ${c.symbol} of ${c.to}.c (${levelName(c.to)})`);

/** A circle among the call edges given, as a list of files, or null. */
function findCycle(edges) {
  const next = new Map();
  for (const { from, to } of edges) if (from !== to) next.set(from, new Set([...(next.get(from) ?? []), to]));
  const state = new Map(); // 1 on the path, 2 done
  const walk = (file, path) => {
    if (state.get(file) === 1) return [...path.slice(path.indexOf(file)), file];
    if (state.get(file) === 2) return null;
    state.set(file, 1);
    for (const to of next.get(file) ?? []) {
      const cycle = walk(to, [...path, file]);
      if (cycle) return cycle;
    }
    state.set(file, 2);
    return null;
  };
  for (const file of next.keys()) {
    const cycle = walk(file, []);
    if (cycle) return cycle;
  }
  return null;
}

describe('the C core calls one way, down its levels', () => {
  const files = readdirSync(`${ROOT}c`).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2)).sort();
  let parsed = null;
  const calls = () => (parsed ??= coreCalls(files)); // nm runs twice a file, once for all the checks

  it('places every file of c/ on one level, and names no file that is gone', () => {
    expect(files.filter((f) => !levelOf.has(f)), 'files of c/ missing from LEVELS').toEqual([]);
    expect([...levelOf.keys()].filter((f) => !files.includes(f)), 'LEVELS names files c/ does not have').toEqual([]);
  });

  it('finds the calls it checks in the objects build.sh made', () => {
    for (const f of files) expect(existsSync(`${OBJ}/${f}.o`), `${OBJ}/${f}.o (run ./build.sh)`).toBe(true);
    // A parse that found nothing would pass every check below: these calls must be seen.
    const seen = (from, symbol) => calls().some((c) => c.from === from && c.symbol === symbol);
    expect(seen('train', 'nn_forward')).toBe(true);
    expect(seen('dense', 'nn_gemm_nn')).toBe(true);
    expect(seen('init', 'nn_fail')).toBe(true);
  });

  it('has no call from a lower file into a higher one', () => {
    expect(upward(calls())).toEqual([]);
  });

  it('has no circle among the files of one level', () => {
    const sameLevel = calls().filter((c) => levelOf.get(c.to) === levelOf.get(c.from));
    expect(findCycle(sameLevel)).toBeNull();
  });

  it('the checks see a call upward or in a circle when there is one', () => {
    // The calls this order removed: nn_build initialising from net.c, nn_seed resetting the epoch of data.c.
    expect(upward([{ from: 'net', to: 'init', symbol: 'nn_init_all' }])).toEqual(['net.c (net) calls nn_init_all of init.c (init, loss, optimizer)']);
    expect(upward([{ from: 'init', to: 'net', symbol: 'nn_kind_name' }])).toEqual([]);
    expect(findCycle([{ from: 'net', to: 'state' }, { from: 'state', to: 'net' }])).toEqual(['net', 'state', 'net']);
    expect(findCycle([{ from: 'net', to: 'state' }])).toBeNull();
  });
});
