// report.js: the benchmark's tables, as plain text for a terminal or an issue comment.

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
  const head = ['workload', `ours (${where})`, `TF.js wasm (${where})`, 'ratio ours/TF.js'];
  if (hasE2e) head.push('ours via the page worker, end-to-end');
  if (hasCpu) head.push(`TF.js cpu (${where}, short run)`);
  const rows = [head];
  const notes = [];
  for (const [id, r] of Object.entries(results)) {
    const ours = r.ours;
    const peer = r['tfjs-wasm'];
    const row = [WORKLOADS[id].label, rate(ours), rate(peer), `${r.ratio.toFixed(2)}x`];
    if (hasE2e) row.push(ours.endToEndSamplesPerSec ? `${thousands(ours.endToEndSamplesPerSec)}/s` : '-');
    if (hasCpu) row.push(rate(r['tfjs-cpu']));
    rows.push(row);
    const d = ours.drift;
    notes.push(`${id}: ms/step ours ${ours.stepMs.toFixed(2)}, TF.js wasm ${peer.stepMs.toFixed(2)}; `
      + `rounds ours ${spread(ours)}/s, TF.js ${spread(peer)}/s (best vs best ${r.bestRatio.toFixed(2)}x); `
      + `loss at the end ours ${ours.loss.toFixed(3)}, TF.js ${peer.loss.toFixed(3)}`);
    notes.push(`${id}: step-time drift of ours over ${d.steps} consecutive steps, first vs last 10 %: median ${d.firstMedianMs.toFixed(2)} -> `
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
