// viz-demo.js: fills viz-demo.html's elements with synthetic, seeded data (no worker, no wasm),
// so each element can be looked at and screenshotted on its own.

import './src/components/viz/index.js';
import VIZ_LABELS_ZH from './src/i18n/zh/viz.js';
import { decisionGridPoints } from './src/components/viz/nn-decision-boundary.js';

// The page runs under a strict CSP (see the meta tag): report anything it blocks.
document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP blocked ${e.violatedDirective}: ${e.blockedURI || e.sample}`));

const params = new URLSearchParams(location.search);
const zh = params.get('lang') === 'zh';

// mulberry32: a tiny seeded PRNG, so every load draws the same pictures.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = rng(42);
const gauss = () => {
  const u = Math.max(1e-12, random());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
};

const $ = (id) => document.getElementById(id);
if (zh) {
  document.documentElement.lang = 'zh-CN';
  for (const el of document.querySelectorAll('main *')) {
    const labels = VIZ_LABELS_ZH[el.localName];
    if (labels) el.labels = labels;
  }
}

// ---- loss and accuracy of a run: train every step, test every 100 steps ----
function makeRun(id, label, { steps = 1500, rate = 250, floor = 0.08, testEvery = 100, noise = 0.25 } = {}) {
  const train = { steps: [], loss: [], accuracy: [] };
  const test = { steps: [], loss: [], accuracy: [] };
  for (let s = 1; s <= steps; s++) {
    const clean = floor + (Math.log(10) - floor) * Math.exp(-s / rate);
    const loss = Math.max(0.005, clean * (1 + noise * gauss() * 0.5));
    train.steps.push(s);
    train.loss.push(loss);
    train.accuracy.push(Math.min(1, Math.max(0, 1 - clean / 2.5 + 0.04 * gauss())));
    if (s % testEvery === 0 || s === 1) {
      test.steps.push(s);
      test.loss.push(clean * 1.05 + 0.01);
      test.accuracy.push(Math.min(1, 1 - (clean * 1.05) / 2.5));
    }
  }
  return { id, label, train, test };
}
const runA = makeRun('a', undefined);
$('loss').runs = [runA];
$('loss').smoothing = 0.6;
$('accuracy').runs = [runA];
$('compare').runs = [makeRun('sgd', 'SGD 0.1', { rate: 400 }), makeRun('adam', 'Adam 1e-3', { rate: 120, floor: 0.05 }), makeRun('sigmoid', 'sigmoid, 8 layers', { rate: 3000, floor: 1.2, noise: 0.1 })];

if (params.get('stream')) {
  // Streaming: append in place and ask for a redraw, as the page does with worker messages.
  const live = { id: 'live', train: { steps: [], loss: [], accuracy: [] }, test: { steps: [], loss: [], accuracy: [] } };
  $('loss').runs = [live];
  let s = 0;
  setInterval(() => {
    for (let k = 0; k < 20; k++) {
      s += 1;
      const clean = 0.08 + 2.22 * Math.exp(-s / 250);
      live.train.steps.push(s);
      live.train.loss.push(clean * (1 + 0.12 * gauss()));
      live.train.accuracy.push(1 - clean / 2.5);
      if (s % 100 === 0) {
        live.test.steps.push(s);
        live.test.loss.push(clean);
        live.test.accuracy.push(1 - clean / 2.5);
      }
    }
    $('loss').refresh();
  }, 50);
}

// ---- gradient norms of a deep sigmoid MLP: each layer back loses a factor of about 4 ----
{
  const layers = ['dense 1', 'dense 2', 'dense 3', 'dense 4', 'dense 5'];
  const steps = [];
  const norms = layers.map(() => []);
  for (let s = 0; s <= 1500; s += 10) {
    steps.push(s);
    layers.forEach((_, k) => {
      const depthFromOutput = layers.length - 1 - k;
      norms[k].push(0.8 * 0.22 ** depthFromOutput * Math.exp(-s / 2000) * (1 + 0.2 * gauss()));
    });
  }
  Object.assign($('grads'), { layers, steps, norms });
}

// ---- weight distributions: N(0, 0.05) at init, spreading and growing tails ----
function histogram(values, bins) {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  const mean = sum / values.length;
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
  const counts = new Uint32Array(bins);
  for (const v of values) counts[Math.min(bins - 1, Math.floor(((v - min) / (max - min)) * bins))] += 1;
  return { counts, lo: min, hi: max, min, max, mean, std };
}
{
  const snapshots = [];
  for (let s = 0; s <= 1500; s += 50) {
    const spread = 0.05 * (1 + s / 800);
    const values = Array.from({ length: 4000 }, () => {
      const g = gauss();
      return spread * (random() < 0.1 ? g * 2.5 : g) + 0.01 * (s / 1500);
    });
    snapshots.push({ step: s, ...histogram(values, 40) });
  }
  $('dist').snapshots = snapshots;
  $('hist').snapshots = snapshots;
}

// ---- confusion matrix of a ~97 % model with the usual confusions ----
{
  const c = 10;
  const m = new Int32Array(c * c);
  const sizes = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];
  const confusions = { '4,9': 21, '9,4': 14, '7,2': 16, '3,5': 12, '5,3': 15, '8,3': 11, '2,7': 9, '7,9': 10, '9,7': 8, '6,0': 7, '8,5': 6 };
  for (let i = 0; i < c; i++) {
    let rest = sizes[i];
    for (let j = 0; j < c; j++) {
      if (i === j) continue;
      const v = confusions[`${i},${j}`] ?? (random() < 0.35 ? Math.floor(random() * 4) : 0);
      m[i * c + j] = v;
      rest -= v;
    }
    m[i * c + i] = rest;
  }
  $('confusion').matrix = m;
}

// ---- test digits: glyphs drawn in a few fonts, slightly rotated, as 28x28 bytes ----
{
  const n = 40;
  const images = new Uint8Array(n * 784);
  const trueLabels = new Uint8Array(n);
  const predictions = new Uint8Array(n);
  const confidences = new Float32Array(n);
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 28;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const fonts = ['serif', 'sans-serif', 'monospace', 'cursive'];
  for (let i = 0; i < n; i++) {
    const digit = i % 10;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, 28, 28);
    ctx.save();
    ctx.translate(14, 14);
    ctx.rotate((random() - 0.5) * 0.5);
    ctx.fillStyle = '#fff';
    ctx.font = `bold 22px ${fonts[i % fonts.length]}`;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(String(digit), 0, 1);
    ctx.restore();
    const data = ctx.getImageData(0, 0, 28, 28).data;
    for (let p = 0; p < 784; p++) images[i * 784 + p] = data[p * 4];
    trueLabels[i] = digit;
    const wrong = random() < 0.18;
    predictions[i] = wrong ? (digit + 1 + Math.floor(random() * 9)) % 10 : digit;
    confidences[i] = wrong ? 0.4 + 0.55 * random() : 0.8 + 0.2 * random();
  }
  Object.assign($('digits'), { images, trueLabels, predictions, confidences });
}

// ---- draw pad: a "7" drawn from code, and made-up probabilities ----
{
  const pad = $('pad');
  await pad.updateComplete;
  pad.drawStrokes([
    [[0.25, 0.22], [0.5, 0.2], [0.72, 0.21]],
    [[0.72, 0.21], [0.6, 0.45], [0.5, 0.65], [0.45, 0.82]],
    [[0.42, 0.5], [0.68, 0.5]],
  ]);
  const p = new Float32Array(10).fill(0.004);
  p[7] = 0.91;
  p[1] = 0.04;
  p[2] = 0.018;
  pad.probabilities = p;
}

// ---- first-layer filters: oriented edge detectors (conv 8x1x5x5) and blobby 28x28 units ----
{
  const out = 8;
  const k = 5;
  const conv = new Float32Array(out * k * k);
  for (let o = 0; o < out; o++) {
    const angle = (o / out) * Math.PI;
    for (let y = 0; y < k; y++) {
      for (let x = 0; x < k; x++) {
        const u = (x - 2) * Math.cos(angle) + (y - 2) * Math.sin(angle);
        conv[o * 25 + y * 5 + x] = 0.3 * Math.sin(u * 1.4) * (o % 3 === 0 ? 2 : 1) + 0.03 * gauss();
      }
    }
  }
  Object.assign($('conv'), { weights: conv, shape: [out, 1, k, k] });
  const units = 16;
  const dense = new Float32Array(units * 784);
  for (let u = 0; u < units; u++) {
    const cx = 8 + random() * 12;
    const cy = 8 + random() * 12;
    const sign = random() < 0.5 ? -1 : 1;
    for (let y = 0; y < 28; y++) {
      for (let x = 0; x < 28; x++) {
        const d2 = ((x - cx) ** 2 + (y - cy) ** 2) / 18;
        const ring = Math.exp(-d2) - 0.6 * Math.exp(-d2 / 3);
        dense[u * 784 + y * 28 + x] = sign * ring * (0.05 + 0.05 * (u % 4)) + 0.004 * gauss();
      }
    }
  }
  Object.assign($('dense'), { weights: dense, shape: [units, 784] });
}

// ---- decision boundary of an XOR net ----
{
  const res = 50;
  const pts = decisionGridPoints(res);
  const grid = new Float32Array(res * res);
  for (let i = 0; i < res * res; i++) grid[i] = 1 / (1 + Math.exp(6 * pts[2 * i] * pts[2 * i + 1]));
  const n = 200;
  const points = new Float32Array(n * 2);
  const pointLabels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const x = (random() * 2 - 1) * 1.3;
    const y = (random() * 2 - 1) * 1.3;
    points[2 * i] = x;
    points[2 * i + 1] = y;
    pointLabels[i] = x * y < 0 ? 1 : 0;
  }
  Object.assign($('boundary'), { grid, points, pointLabels });
}

// Events the user's actions raise, listed under the cards.
const log = $('events');
for (const type of ['digit-input', 'digit-clear', 'cell-select', 'digit-select', 'log-change', 'smoothing-change', 'view-change', 'scale-change', 'snapshot-select']) {
  document.addEventListener(type, (e) => {
    const detail = e.detail?.pixels ? `pixels[${e.detail.pixels.length}]` : JSON.stringify(e.detail);
    log.textContent = `${type} ${detail}\n${log.textContent}`.slice(0, 2000);
  });
}
