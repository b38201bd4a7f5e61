#!/usr/bin/env node
// train.js: the headless runner. Trains an experiment (a JSON file, or a playground link) in the
// same wasm core the page uses and prints one JSON object a line: progress every --log-every
// steps, a summary per epoch, and a last line with "final": true. With --verify or --verify-file
// it checks homework result links instead (verify.js): one line per link, then a summary.
//
// Exit codes: 0 trained; 2 bad input (options, experiment file, weights file), with one line on
// stderr naming the problem; 3 the run diverged (loss or weights NaN/Inf; the last finite weights
// are kept, evaluated and saved); 1 anything unexpected. Verifying: 0 every claim verified, 1 a
// claim was refused, 2 a link (or the file) could not be read.

import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { NnError } from '../src/engine/core.js';
import { Status } from '../src/engine/enums.js';
import { Session } from '../src/engine/session.js';
import { exportPytorchBundle, weightsFileFor } from '../src/export/pytorch-node.js';
import { ExperimentError, formatError, MAX_EXPERIMENT_BYTES, parseExperiment, parseExperimentJson } from '../src/experiment/validate.js';
import { LIMITS } from '../src/experiment/schema.js';
import { nodeCore, nodeMnistSource, threadedCore } from '../src/node.js';
import { decodeLink, looksLikeLink } from './verify.js';
import { isGradingCommand, runGrading } from './grade/cli.js';

const USAGE = `usage: npm run train -- FILE.json [options]
       npm run train -- 'http://…/#v=1&…' [options]   (a playground link as the experiment)
       npm run train -- --verify LINK [--verify LINK…] [--assignment HOMEWORK_LINK]
       npm run train -- --verify-file FILE [--assignment HOMEWORK_LINK]
  --epochs N        train N epochs (overrides the experiment's)
  --steps N         stop after N optimizer steps in all (0: only evaluate)
  --seed N          override the experiment's seed
  --log-every N     print a progress line every N steps (default 100)
  --save FILE       write the trained weights as .safetensors
  --load FILE       start from weights in a .safetensors file
  --export-pytorch OUT.py  write a PyTorch script for the experiment and, as OUT.safetensors,
                    the weights it starts from (the seed's init, or --load's); no training
  --stats           print per-layer weight statistics after each epoch
  --quiet           print only the final line
  --threads N       train on N threads (1 to 8, default 1): the same numbers, bit for bit
  --verify LINK     replay a homework result link and check its claim, digest, goal and budgets
  --verify-file FILE  the same for every link in FILE: one a line, or a CSV with a "link" column
  --assignment LINK the homework link the results answer: its goal, budgets and fixed controls
                    must be the ones in each result
  --help-grading    the options for grading a class: --jobs, --out, --shard, --merge, gradebooks`;

/** A problem with what the user gave us: exit code 2, one line, no stack trace. */
class InputError extends Error {}

const print = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);

/** The numeric options: [lowest, highest] (the experiment's own caps where it has one). */
const NUMERIC_OPTIONS = {
  epochs: [1, LIMITS.epochs],
  steps: [0, Number.MAX_SAFE_INTEGER],
  seed: [0, LIMITS.seed],
  'log-every': [1, Number.MAX_SAFE_INTEGER],
  threads: [1, 8],
};
/** 9007199254740991 as a person reads it (the seed's range is stated so in the README). */
const showBound = (n) => (n === Number.MAX_SAFE_INTEGER ? '2^53 - 1' : String(n));

/**
 * parseArgs reads "--seed -1" as an option followed by another option and answers "argument is
 * ambiguous"; "--seed=-1" says what was meant, so a numeric option's dash-led value is joined to
 * it here and refused below with the option's range.
 */
function withNegativeNumbers(argv) {
  const out = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : '';
    const next = argv[i + 1];
    if (Object.hasOwn(NUMERIC_OPTIONS, name) && next !== undefined && /^-(?!-)/.test(next)) {
      out.push(`${argv[i]}=${next}`);
      i++;
    } else {
      out.push(argv[i]);
    }
  }
  return out;
}

function parseOptions(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: withNegativeNumbers(argv),
      allowPositionals: true,
      options: {
        epochs: { type: 'string' },
        steps: { type: 'string' },
        seed: { type: 'string' },
        'log-every': { type: 'string' },
        save: { type: 'string' },
        load: { type: 'string' },
        'export-pytorch': { type: 'string' },
        stats: { type: 'boolean' },
        quiet: { type: 'boolean' },
        threads: { type: 'string' },
        assignment: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    throw new InputError(`${err.message.split('\n')[0]}\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  if (values.assignment) throw new InputError('--assignment goes with --verify or --verify-file');
  if (positionals.length !== 1) throw new InputError(`expected one experiment file or link, got ${positionals.length}\n${USAGE}`);
  const integer = (name) => {
    const text = values[name];
    if (text === undefined) return undefined;
    const [lo, hi] = NUMERIC_OPTIONS[name];
    const n = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < lo || n > hi) {
      throw new InputError(`--${name}: must be an integer from ${lo} to ${showBound(hi)}, got ${JSON.stringify(text)}`);
    }
    return n;
  };
  return {
    file: positionals[0],
    epochs: integer('epochs'),
    steps: integer('steps'),
    seed: integer('seed'),
    logEvery: integer('log-every') ?? 100,
    save: values.save,
    load: values.load,
    exportPytorch: values['export-pytorch'],
    stats: Boolean(values.stats),
    quiet: Boolean(values.quiet),
    threads: integer('threads') ?? 1,
  };
}

async function readInput(file, what, maxBytes) {
  try {
    const bytes = await readFile(file);
    if (maxBytes && bytes.length > maxBytes) throw new InputError(`${file}: ${bytes.length} bytes is too large for ${what}`);
    return bytes;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`cannot read ${what} ${file}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`);
  }
}

async function loadExperiment(opts) {
  if (looksLikeLink(opts.file)) {
    let experiment;
    try {
      ({ experiment } = decodeLink(opts.file));
    } catch (err) {
      throw new InputError(`the link: ${err.message}`);
    }
    if (opts.epochs !== undefined || opts.seed !== undefined) {
      experiment = parseExperiment({ ...experiment, epochs: opts.epochs ?? experiment.epochs, seed: opts.seed ?? experiment.seed });
    }
    return experiment;
  }
  const bytes = await readInput(opts.file, 'the experiment file', MAX_EXPERIMENT_BYTES);
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(`${opts.file}: not UTF-8 text`);
  }
  try {
    let experiment = parseExperimentJson(text);
    if (opts.epochs !== undefined || opts.seed !== undefined) {
      experiment = parseExperiment({ ...experiment, epochs: opts.epochs ?? experiment.epochs, seed: opts.seed ?? experiment.seed });
    }
    return experiment;
  } catch (err) {
    if (err instanceof ExperimentError) throw new InputError(`${opts.file}: ${err.errors.map(formatError).join('; ')}`);
    throw err;
  }
}

async function main() {
  // Grading (--verify, --verify-file, --merge, --gradescope-zip) has its own options: grade/cli.js.
  if (isGradingCommand(process.argv.slice(2))) return runGrading(process.argv.slice(2));
  const opts = parseOptions(process.argv.slice(2));
  const experiment = await loadExperiment(opts);
  const core = opts.threads > 1 ? await threadedCore(opts.threads) : await nodeCore();
  let session;
  try {
    session = await Session.open(core, experiment, { mnistSource: nodeMnistSource() });
  } catch (err) {
    const source = looksLikeLink(opts.file) ? 'the link' : opts.file;
    if (err instanceof ExperimentError) throw new InputError(`${source}: ${err.errors.map(formatError).join('; ')}`);
    throw err;
  }
  if (opts.load) {
    const weights = await readInput(opts.load, 'the weights file');
    try {
      session.loadWeights(new Uint8Array(weights.buffer, weights.byteOffset, weights.length));
    } catch (err) {
      if (err instanceof NnError) throw new InputError(`${opts.load}: ${err.message}`);
      throw err;
    }
  }

  if (opts.exportPytorch) {
    const weightsPath = weightsFileFor(opts.exportPytorch);
    const { script, weights } = exportPytorchBundle(session, { scriptName: path.basename(opts.exportPytorch), weightsFile: path.basename(weightsPath) });
    await writeFile(opts.exportPytorch, script);
    await writeFile(weightsPath, weights);
    print({ exported: opts.exportPytorch, weights: weightsPath });
    session.dispose();
    return 0;
  }

  const log = opts.quiet ? () => {} : print;
  const printStats = (epoch) => {
    if (!opts.stats || opts.quiet) return;
    for (const s of session.allStats()) {
      print({ stats: s.name, epoch, count: s.count, min: s.min, max: s.max, mean: s.mean, std: s.std, l2: s.l2 });
    }
  };

  const started = performance.now();
  let window = { steps: 0, loss: 0, correct: 0, samples: 0, since: performance.now() };
  let diverged = null;
  let lastTrain = null;
  let epochsDone = 0;
  let totalSamples = 0;
  let sums;
  training: for (let epoch = 0; epoch < experiment.epochs; epoch++) {
    sums = { loss: 0, correct: 0, samples: 0 };
    for (;;) {
      if (opts.steps !== undefined && session.step >= opts.steps) break training;
      let r;
      try {
        r = session.trainStep();
      } catch (err) {
        if (err instanceof NnError && err.status === Status.ERR_NUMERIC) {
          diverged = { message: err.message, step: err.step };
          break training;
        }
        throw err;
      }
      // Loss is the batch mean (or sum) the optimizer saw; weight it by the batch to average over samples.
      sums.loss += r.loss * r.batch;
      sums.correct += r.correct;
      sums.samples += r.batch;
      totalSamples += r.batch;
      window.steps += 1;
      window.loss += r.loss;
      window.correct += r.correct;
      window.samples += r.batch;
      if (session.step % opts.logEvery === 0) {
        const now = performance.now();
        log({
          step: session.step,
          epoch: r.epoch,
          loss: window.loss / window.steps,
          accuracy: window.correct / window.samples,
          samples_per_s: Math.round(window.samples / ((now - window.since) / 1000)),
        });
        window = { steps: 0, loss: 0, correct: 0, samples: 0, since: performance.now() };
      }
      if (r.epochEnd) break;
    }
    const test = session.evaluate('test');
    lastTrain = { loss: sums.loss / sums.samples, accuracy: sums.correct / sums.samples };
    sums = null;
    epochsDone = epoch + 1;
    log({ epoch, train_loss: lastTrain.loss, train_accuracy: lastTrain.accuracy, test_loss: test.loss, test_accuracy: test.accuracy });
    printStats(epoch);
  }

  const seconds = (performance.now() - started) / 1000;
  // A run stopped inside an epoch (--steps, divergence) reports that epoch's running averages.
  if (sums?.samples) lastTrain = { loss: sums.loss / sums.samples, accuracy: sums.correct / sums.samples };
  const test = session.evaluate('test');
  if (diverged) process.stderr.write(`train: ${diverged.message}\n`);
  if (opts.save) {
    await writeFile(opts.save, session.saveWeights());
  }
  print({
    final: true,
    test_accuracy: test.accuracy,
    test_loss: test.loss,
    train_loss: lastTrain?.loss ?? null,
    train_accuracy: lastTrain?.accuracy ?? null,
    steps: session.step,
    epochs: epochsDone,
    seconds: Math.round(seconds * 1000) / 1000,
    samples_per_s: Math.round(totalSamples / seconds),
    ...(diverged ? { diverged: true, error: diverged.message } : {}),
  });
  session.dispose();
  return diverged ? 3 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    if (err instanceof InputError) {
      process.stderr.write(`train: ${err.message}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`train: ${err?.message ?? err}\n`);
      if (process.env.NN_DEBUG) process.stderr.write(`${err?.stack}\n`);
      process.exitCode = 1;
    }
  },
);
