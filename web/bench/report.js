// report.js: the benchmark's tables, as plain text for a terminal or an issue comment: the
// throughput of each environment, GEMM against its ceiling, the page's sizes, its first-step
// latency and the live charts' cost, the issue's summary table and its list of targets.

import { summarizeGemm } from './gemm.js';
import { CHARTS_COST_TARGET, DRIFT_TOLERANCE, FIRST_STEP_TARGET_MS, GEMM_TARGET, LAB_FRAME_TARGET_MS, PEER_THREAD_TARGETS, RATIO_TARGETS, SIZE_TARGETS, THREAD_TARGETS } from './targets.js';
import { WORKLOADS } from './workloads.js';

const thousands = (x) => Math.round(x).toLocaleString('en-US');
const rate = (r) => (r ? `${thousands(r.samplesPerSec)}/s` : '-');
const spread = (r) => (r ? `${thousands(r.minSamplesPerSec)}-${thousands(r.maxSamplesPerSec)}` : '');
const signed = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const line = (r) => r.map((cell, c) => String(cell).padEnd(widths[c])).join(' | ').trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.slice(1).map(line)].join('\n');
}

/** The table of one environment ('Node' or 'Chromium'): samples/s (median round), ratio, drift. */
export function formatTable(where, results) {
  const all = Object.values(results);
  const hasE2e = all.some((r) => r.ours.endToEndSamplesPerSec);
  const hasCpu = all.some((r) => r['tfjs-cpu']);
  const threads = all.find((r) => r['ours-threads'])?.['ours-threads'].threads;
  const peerThreads = all.find((r) => r['tfjs-wasm-threads'])?.['tfjs-wasm-threads'].threads;
  const head = ['workload', `ours (${where})`, `TF.js wasm (${where})`, 'ratio ours/TF.js'];
  if (threads) head.push(`ours, ${threads} threads`, `${threads} threads / 1`, `${threads} copies apart / 1`, `${threads} threads / TF.js`);
  if (peerThreads) head.push(`TF.js wasm, ${peerThreads} threads`, 'TF.js at its best', ...(threads ? [`ours ${threads} threads / TF.js best`] : []));
  if (hasE2e) head.push('ours via the page worker, end-to-end');
  if (hasCpu) head.push(`TF.js cpu (${where}, short run)`);
  const rows = [head];
  const notes = [];
  for (const [id, r] of Object.entries(results)) {
    const ours = r.ours;
    const peer = r['tfjs-wasm'];
    const row = [WORKLOADS[id].label, rate(ours), rate(peer), `${r.ratio.toFixed(2)}x`];
    if (threads) row.push(rate(r['ours-threads']), r.threadRatio ? `${r.threadRatio.toFixed(2)}x` : '-', r.apartRatio ? `${r.apartRatio.toFixed(2)}x` : '-', r.threadsVsPeer ? `${r.threadsVsPeer.toFixed(2)}x` : '-');
    if (peerThreads) {
      const best = r.peerBest ? `${rate(r.peerBest)} (${r.peerBest.threads} thread${r.peerBest.threads > 1 ? 's' : ''})` : '-';
      row.push(rate(r['tfjs-wasm-threads']), best, ...(threads ? [r.threadsVsPeerBest ? `${r.threadsVsPeerBest.toFixed(2)}x` : '-'] : []));
      const t = r['tfjs-wasm-threads'];
      if (t && t.ran !== undefined && t.ran !== t.threads) notes.push(`${id}: TF.js's threaded build was asked for ${t.threads} threads (setThreadsCount) and reports ${t.ran} (getThreadsCount)`);
    }
    if (r.apartRatio) notes.push(`${id}: ${threads} copies of our one-thread core training side by side, sharing nothing, gave ${r.apartRatio.toFixed(2)}x one copy alone `
      + `(rounds ${spread(r['ours-apart'])}/s): what this machine gives ${threads} independent jobs, the ceiling of the threads' gain here`);
    if (hasE2e) row.push(ours.endToEndSamplesPerSec ? `${thousands(ours.endToEndSamplesPerSec)}/s` : '-');
    if (hasCpu) row.push(rate(r['tfjs-cpu']));
    rows.push(row);
    const d = ours.drift;
    notes.push(`${id}: ms/step ours ${ours.stepMs.toFixed(2)}, TF.js wasm ${peer.stepMs.toFixed(2)}; `
      + `rounds ours ${spread(ours)}/s, TF.js ${spread(peer)}/s (best vs best ${r.bestRatio.toFixed(2)}x); `
      + `loss at the end ours ${ours.loss.toFixed(3)}, TF.js ${peer.loss.toFixed(3)}`);
    const windows = d.epochs?.length > 1 ? ` (the steadier of ${d.epochs.length} consecutive epochs; all: ${d.epochs.map((x) => signed(x.change)).join(', ')})` : '';
    notes.push(`${id}: step-time drift of ours over ${d.steps} consecutive steps${windows}, first vs last 10 %: median ${d.firstMedianMs.toFixed(2)} -> `
      + `${d.lastMedianMs.toFixed(2)} ms/step (${signed(d.change)}), 10th percentile ${d.firstP10Ms.toFixed(2)} -> ${d.lastP10Ms.toFixed(2)}, `
      + `mean ${d.firstMeanMs.toFixed(2)} -> ${d.lastMeanMs.toFixed(2)} (${signed(d.meanChange)})`);
  }
  return `${table(rows)}\n${notes.map((n) => `  ${n}`).join('\n')}`;
}

/** One line about the machine and the run's conditions. */
export function formatMachine(m) {
  const parts = [`CPU: ${m.cpu} (${m.cores} logical cores)`, `Node ${m.node}`];
  if (m.chromium) parts.push(`Chromium ${m.chromium}`);
  parts.push(`load average ${m.loadStart.toFixed(2)} at start, ${m.loadEnd.toFixed(2)} at end`);
  return parts.join(' · ');
}

// ---- the parts beyond the throughput tables: GEMM, page sizes, the built page, the summary ----

const pct = (x, digits = 0) => `${(x * 100).toFixed(digits)} %`;
const ms = (x) => `${Math.round(x)} ms`;
const ms1 = (x) => `${x.toFixed(1)} ms`;
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;
const verdict = (met) => (met ? 'met' : 'MISSED');

export { table as formatRows };

/**
 * GEMM at the shapes of W1 and W2 (the products one training step runs), per place it ran:
 * reports = {Node: parsed gemm_bench report or {error}, Chromium: ...}; nets: ['W1', 'W2'].
 */
export function formatGemm(reports, nets = ['W1', 'W2']) {
  const places = Object.entries(reports).filter(([, r]) => r);
  if (!places.length) return '';
  const ok = places.filter(([, r]) => !r.error);
  const lines = [];
  const first = ok[0]?.[1];
  if (first) {
    lines.push(`GEMM: ${first.simd}, one thread, fastest of ${first.rounds} round(s); the ceiling is the fastest of ${first.kernels.length} register-blocked `
      + `micro-kernels at 256^3 on operands packed once, measured in the same run; target: ${pct(GEMM_TARGET)} of it for all the products of a step`);
    lines.push('  (tests/bench/gemm_bench.c; the convolutions run direct kernels from the padded image, counted as the equivalent im2col GEMM)');
    const head = ['net', 'product', 'M x N x K'];
    for (const [where] of ok) head.push(`GFLOP/s (${where})`, `of ceiling (${where})`);
    head.push(`us/step (${ok[0][0]})`);
    const rows = [head];
    const summaries = ok.map(([, r]) => summarizeGemm(r, nets));
    rows.push(['', `ceiling (${summaries.map((s) => s.ceiling.name).join(' / ')})`, '256x256x256',
      ...summaries.flatMap((s) => [s.ceiling.gflops.toFixed(2), '100 %']), '']);
    for (const net of nets) {
      const base = summaries[0].nets[net];
      if (!base) continue;
      base.products.forEach((p, i) => {
        rows.push([net, `${p.layer} ${p.product}`, `${p.m}x${p.n}x${p.k}`,
          ...summaries.flatMap((s) => {
            const q = s.nets[net].products[i];
            return [q.gflops.toFixed(2), pct(q.fraction)];
          }), p.usPerStep.toFixed(0)]);
      });
      rows.push([net, 'all products of one step', '',
        ...summaries.flatMap((s) => [s.nets[net].gflops.toFixed(2), `${pct(s.nets[net].fraction)} ${verdict(s.nets[net].met)}`]),
        base.usPerStep.toFixed(0)]);
    }
    lines.push(table(rows));
    const over = ok.filter(([, r]) => r.products.some((p) => p.inStep && p.fraction > 1)).map(([where]) => where);
    if (over.length) lines.push(`  Above 100 % (${over.join(', ')}): that ceiling's fastest round was slowed by other work on the machine; the shares there are high by as much.`);
    for (const [i, [where]] of ok.entries()) {
      for (const net of nets) {
        const s = summaries[i].nets[net];
        if (s?.below.length) lines.push(`  ${where} ${net}: under ${pct(GEMM_TARGET)} alone: ${s.below.map((p) => `${p.layer} ${p.product} ${p.m}x${p.n}x${p.k} (${pct(p.fraction)})`).join(', ')}`);
      }
    }
  }
  for (const [where, r] of places) if (r.error) lines.push(`GEMM in ${where}: not measured: ${r.error}`);
  return lines.join('\n');
}

/** The built page's sizes (sizes.js's summarizeSizes). */
export function formatSizes(sizes) {
  if (sizes.error) return `Page sizes: not measured: ${sizes.error}`;
  const rows = [['file', 'bytes', 'gzip -9', 'target (gzip, total)']];
  for (const kind of ['wasm', 'js']) {
    const s = sizes[kind];
    for (const f of s.files) rows.push([`web/dist/${f.file}`, thousands(f.bytes), kb(f.gzip), '']);
    rows.push([`${kind === 'js' ? 'JS' : 'wasm'} total (${s.files.length} file${s.files.length === 1 ? '' : 's'})`, thousands(s.bytes), kb(s.gzip),
      `< ${kb(s.target)}: ${verdict(s.met)}`]);
  }
  return `Page sizes: web/dist, each file gzip'ed at level 9 (Node's zlib); 1 KB = 1000 bytes; MNIST (data/) aside\n${table(rows)}`;
}

/** First-step latency of the built page, a first and a second visit (page.js's firstStep). */
export function formatFirstStep(firstStep, chromium) {
  if (!firstStep) return '';
  if (firstStep.error) return `First step in the built page: not measured: ${firstStep.error}`;
  const rows = [['visit', 'MNIST from', 'wasm fetch+compile', 'MNIST load', 'MNIST ready at', 'network built', 'until Train', 'first step', 'MNIST in memory -> first step done']];
  for (const [name, v] of [['first', firstStep.first], ['second', firstStep.second]]) {
    rows.push([name, v.dataRequests ? `network (${v.dataRequests} requests)` : 'Cache Storage', ms(v.wasmMs), ms(v.mnistMs), ms(v.at['nn:mnist-in-memory']),
      `+${ms(v.parts.build)}`, `+${ms(v.parts.wait)}${v.autostart ? '' : ' (pressed)'}`, `+${ms(v.parts.step)}`,
      `${ms(v.latencyMs)} (target < ${ms(FIRST_STEP_TARGET_MS)}: ${verdict(v.latencyMs < FIRST_STEP_TARGET_MS)})`]);
  }
  const autostart = firstStep.first.autostart && firstStep.second.autostart;
  return [`First step in the built page (web/dist served from 127.0.0.1, Chromium ${chromium}): times after the page's navigation started, from the training worker's marks`,
    table(rows),
    `  ${autostart ? 'The default experiment trained on its own (no Train press): the page draws the untrained network, then waits 0.4 s on purpose before it starts (AUTOSTART_DELAY_MS); "until Train" holds that wait.' : 'Train was pressed where marked "(pressed)" (the page did not start on its own within 3 s).'}`,
    '  MNIST load: from the core ready to MNIST in memory (fetched or read from Cache Storage, decompressed, checked, in the core); "MNIST ready at" adds the page\'s own start before it.',
    '  Second visit: same browser profile, IndexedDB cleared first (so no offer to resume the first run); MNIST read from Cache Storage.'].join('\n');
}

/** Samples/s with the live charts on and off (page.js's chartsCost plus its settings). */
export function formatCharts(charts, settings) {
  if (!charts) return '';
  if (charts.error) return `Live charts cost: not measured: ${charts.error}`;
  const threads = charts.threads ? `, training on ${charts.threads} thread${charts.threads > 1 ? 's' : ''}` : '';
  return [`Live charts cost: the default experiment (MLP, batch 64) in the built page${threads}, viewport ${charts.viewport.width}x${charts.viewport.height}, views on screen: ${charts.views.join(', ')};`
    + ` ${charts.rounds.length} round(s) of ${settings.seconds} s with the "Live charts" switch on and ${settings.seconds} s off, the order flipping every round`,
  `  charts on ${thousands(charts.onSamplesPerSec)}/s, off ${thousands(charts.offSamplesPerSec)}/s (medians); cost: ${signed(charts.cost)} training time with them on`
    + ` (median round; rounds ${charts.costs.map((c) => signed(c)).join(', ')})${charts.cost < 0 ? ' (below zero: the machine\'s noise is larger than the cost)' : ''}; target < ${pct(CHARTS_COST_TARGET)}: ${verdict(charts.met)}`,
  ...(charts.mainBusy ? [`  the page's main thread was busy ${pct(charts.mainBusy.on)} of the time with them on, ${pct(charts.mainBusy.off)} off (medians; CDP TaskDuration); the worker trains on its own thread`] : []),
  ].join('\n');
}

/** The optimizer lab's playback (lab.js's runLabBench). */
export function formatLab(lab) {
  if (lab.error) return `Optimizer lab: not measured: ${lab.error}`;
  return [`Optimizer lab (built page, Chromium ${lab.chromium}, 1280x900): ${lab.racers} optimizers racing ${thousands(lab.steps)} steps on Rosenbrock, played back at ${lab.speed} steps a frame`,
    `  ${lab.frames} frames in ${lab.seconds.toFixed(1)} s: ${lab.fps.toFixed(1)} frames/s, longest interval ${ms(lab.longestIntervalMs)}, ${lab.dropped} interval(s) over 25 ms`,
    `  main thread while playing: ${thousands(lab.tasks)} tasks; CPU time longest ${ms1(lab.longestTaskMs)}, 99th percentile ${ms1(lab.p99TaskMs)}; wall time longest ${ms1(lab.longestWallMs)}, 99th percentile ${ms1(lab.p99WallMs)}`,
    `  the lab's update per frame (wall): median ${ms1(lab.medianUpdateMs)}, longest ${ms1(lab.longestUpdateMs)}; frames/s and wall times drop when other work shares the cores`,
  ].join('\n');
}

// The issue's peers that this run does not measure, quoted as reference figures.
export const QUOTED = Object.freeze({
  convnetjs: { label: 'ConvNetJS', w1: 1400, w2: 100 },
  pytorch: { label: 'PyTorch 1.13, 1 thread', w1: 93000, w2: 7000 },
});

/** A quoted figure, or '-' for a workload the issue gave none for (W3). */
const quoted = (x) => (x ? `~${thousands(x)}/s` : '-');

/** The issue's table: per workload, samples/s of each engine where it ran, and our ratios. */
export function formatSummary(result) {
  const ids = [...new Set([...Object.keys(result.node ?? {}), ...Object.keys(result.chromium ?? {})])];
  if (!ids.length) return '';
  const head = ['workload', 'TF.js wasm, Node', 'TF.js wasm, Chromium', 'TF.js cpu, Node', 'TF.js cpu, Chromium', 'ours, Node', 'ours, Chromium',
    'ours/TF.js wasm, Node', 'ours/TF.js wasm, Chromium', `${QUOTED.convnetjs.label} *`, `${QUOTED.pytorch.label} *`];
  const rows = [head];
  for (const id of ids) {
    const n = result.node?.[id];
    const c = result.chromium?.[id];
    rows.push([WORKLOADS[id].label, rate(n?.['tfjs-wasm']), rate(c?.['tfjs-wasm']), rate(n?.['tfjs-cpu']), rate(c?.['tfjs-cpu']), rate(n?.ours), rate(c?.ours),
      n ? `${n.ratio.toFixed(2)}x` : '-', c ? `${c.ratio.toFixed(2)}x` : '-', quoted(QUOTED.convnetjs[id]), quoted(QUOTED.pytorch[id])]);
  }
  return `Summary: samples/s, batch 64, one thread (median rounds)\n${table(rows)}\n  * the issue's figures (PyTorch native), quoted for reference: not measured in this run`;
}

/**
 * Every target of the speed issue with what this run measured: [{target, value, met}]; a part
 * that did not run is left out, one that failed is listed with met null.
 */
export function targets(result) {
  const out = [];
  for (const [where, results] of [['Node', result.node], ['Chromium', result.chromium]]) {
    for (const [id, r] of Object.entries(results ?? {})) {
      out.push({ target: `${WORKLOADS[id].label.split(' ')[0]} >= ${RATIO_TARGETS[id]}x TF.js wasm (${where})`, value: `${r.ratio.toFixed(2)}x`, met: r.ratio >= RATIO_TARGETS[id] });
    }
  }
  for (const [where, results] of [['Node', result.node], ['Chromium', result.chromium]]) {
    for (const [id, r] of Object.entries(results ?? {})) {
      if (!r.threadRatio || !THREAD_TARGETS[id] || r['ours-threads'].threads !== 2) continue;
      out.push({ target: `${WORKLOADS[id].label.split(' ')[0]} on 2 threads >= ${THREAD_TARGETS[id]}x our one thread (${where})`, value: `${r.threadRatio.toFixed(2)}x${r.apartRatio ? ` (2 copies apart: ${r.apartRatio.toFixed(2)}x)` : ''}`, met: r.threadRatio >= THREAD_TARGETS[id] });
    }
  }
  for (const [id, r] of Object.entries(result.chromium ?? {})) {
    if (!r.threadsVsPeerBest || !PEER_THREAD_TARGETS[id]) continue;
    const { threads } = r['ours-threads'];
    out.push({ target: `${WORKLOADS[id].label.split(' ')[0]} on ${threads} threads >= ${PEER_THREAD_TARGETS[id]}x TF.js wasm at its best thread count (Chromium)`,
      value: `${r.threadsVsPeerBest.toFixed(2)}x (TF.js best: ${r.peerBest.threads} thread${r.peerBest.threads > 1 ? 's' : ''})`, met: r.threadsVsPeerBest >= PEER_THREAD_TARGETS[id] });
  }
  for (const [where, report] of Object.entries(result.gemm ?? {})) {
    if (!report) continue;
    if (report.error) {
      out.push({ target: `GEMM >= ${pct(GEMM_TARGET)} of the ceiling (${where})`, value: `not measured: ${report.error}`, met: null });
      continue;
    }
    const s = summarizeGemm(report, result.gemmNets ?? ['W1', 'W2']);
    for (const [net, g] of Object.entries(s.nets)) {
      const below = g.below.length ? `; alone under it: ${g.below.map((p) => `${p.layer} ${p.product} ${pct(p.fraction)}`).join(', ')}` : '';
      out.push({ target: `${net} products of a step >= ${pct(GEMM_TARGET)} of the GEMM ceiling (${where})`,
        value: `${pct(g.fraction)} (${g.gflops.toFixed(1)} of ${s.ceiling.gflops.toFixed(1)} GFLOP/s${below})`, met: g.met });
    }
  }
  const fs = result.page?.firstStep;
  if (fs?.error) out.push({ target: 'first step < 1 s after MNIST is in memory', value: `not measured: ${fs.error}`, met: null });
  else if (fs) {
    for (const name of ['first', 'second']) {
      out.push({ target: `first step < 1 s after MNIST is in memory (${name} visit)`, value: ms(fs[name].latencyMs), met: fs[name].latencyMs < FIRST_STEP_TARGET_MS });
    }
  }
  const sizes = result.sizes;
  if (sizes?.error) out.push({ target: 'page sizes', value: `not measured: ${sizes.error}`, met: null });
  else if (sizes) {
    out.push({ target: `page wasm < ${kb(SIZE_TARGETS.wasm)} gzip'ed`, value: kb(sizes.wasm.gzip), met: sizes.wasm.met });
    out.push({ target: `page JS < ${kb(SIZE_TARGETS.js)} gzip'ed`, value: kb(sizes.js.gzip), met: sizes.js.met });
  }
  for (const [where, results] of [['Node', result.node], ['Chromium', result.chromium]]) {
    for (const [id, r] of Object.entries(results ?? {})) {
      const d = r.ours.drift;
      const of = d.epochs?.length > 1 ? `, the steadier of ${d.epochs.length} epochs` : '';
      out.push({ target: `${WORKLOADS[id].label.split(' ')[0]} step time does not grow over ${d.steps} steps (${where}${of}; last tenth's median <= first's +${pct(DRIFT_TOLERANCE)})`,
        value: `${d.firstMedianMs.toFixed(2)} -> ${d.lastMedianMs.toFixed(2)} ms (${signed(d.change)})`, met: d.change <= DRIFT_TOLERANCE });
    }
  }
  const charts = result.page?.charts;
  if (charts?.error) out.push({ target: `live charts cost < ${pct(CHARTS_COST_TARGET)} of training time`, value: `not measured: ${charts.error}`, met: null });
  else if (charts) out.push({ target: `live charts cost < ${pct(CHARTS_COST_TARGET)} of training time`, value: signed(charts.cost), met: charts.met });
  const lab = result.lab;
  if (lab?.error) out.push({ target: `optimizer lab: 4 racers played back, no main-thread task over ${LAB_FRAME_TARGET_MS} ms of CPU time`, value: `not measured: ${lab.error}`, met: null });
  else if (lab) {
    out.push({ target: `optimizer lab: 4 racers played back, no main-thread task over ${LAB_FRAME_TARGET_MS} ms of CPU time`,
      value: `longest ${ms1(lab.longestTaskMs)} (${lab.fps.toFixed(1)} frames/s)`, met: lab.met });
  }
  return out;
}

/** The targets as a list: "- target: value: met/MISSED". */
export function formatTargets(list) {
  if (!list.length) return '';
  const lines = list.map((t) => `  ${t.met === null ? 'NOT RUN' : verdict(t.met).padEnd(6)}  ${t.target}: ${t.value}`);
  const met = list.filter((t) => t.met).length;
  return `Targets of the speed issue (${met} of ${list.length} met; a benchmark: a low number never fails the run)\n${lines.join('\n')}`;
}
