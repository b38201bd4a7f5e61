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
  const hasCpu = Object.values(results).some((r) => r['tfjs-cpu']);
  const hasE2e = Object.values(results).some((r) => r.ours.endToEndSamplesPerSec);
  const head = ['workload', `ours (${where})`, `TF.js wasm (${where})`, 'ratio ours/TF.js', 'round range ours | TF.js'];
  if (hasE2e) head.splice(2, 0, 'ours, page end-to-end');
  if (hasCpu) head.push(`TF.js cpu (${where})`);
  const rows = [head];
  const notes = [];
  for (const [id, r] of Object.entries(results)) {
    const row = [WORKLOADS[id].label, rate(r.ours), rate(r['tfjs-wasm']), `${r.ratio.toFixed(2)}x`, `${spread(r.ours)} | ${spread(r['tfjs-wasm'])}`];
    if (hasE2e) row.splice(2, 0, r.ours.endToEndSamplesPerSec ? `${thousands(r.ours.endToEndSamplesPerSec)}/s` : '-');
    if (hasCpu) row.push(rate(r['tfjs-cpu']));
    rows.push(row);
    const d = r.ours.drift;
    notes.push(`${WORKLOADS[id].id}: ours ${r.ours.stepMs.toFixed(2)} ms/step, TF.js wasm ${r['tfjs-wasm'].stepMs.toFixed(2)} ms/step; `
      + `step-time drift of ours over ${d.steps} consecutive steps: first 10 % ${d.firstMeanMs.toFixed(2)} ms, last 10 % ${d.lastMeanMs.toFixed(2)} ms (${signed(d.change)}); `
      + `loss at the end: ours ${r.ours.loss.toFixed(3)}, TF.js ${r['tfjs-wasm'].loss.toFixed(3)}`);
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
