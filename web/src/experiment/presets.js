// presets.js: the example experiments of web/experiments/*.json, validated (defaults filled), for
// the page's preset picker. The MLP is the default a first visit trains.

import { parseExperiment } from './validate.js';

// lessons.json is the lessons' manifest (lessons.js reads it), not an experiment.
const files = import.meta.glob(['../../experiments/*.json', '!../../experiments/lessons.json'], { eager: true, import: 'default' });
/** The lesson's order: an MLP, a CNN, then the XOR question (can a linear network do it?). */
const ORDER = ['mlp', 'cnn', 'xor-tanh', 'xor-linear'];
const rank = (id) => (ORDER.includes(id) ? ORDER.indexOf(id) : ORDER.length);

export const PRESETS = Object.freeze(
  Object.entries(files)
    .map(([path, json]) => ({ id: path.split('/').pop().replace(/\.json$/, ''), experiment: parseExperiment(json) }))
    .sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id)),
);

export function presetOf(id) {
  return PRESETS.find((p) => p.id === id) ?? null;
}

export const DEFAULT_PRESET = presetOf('mlp') ?? PRESETS[0];
