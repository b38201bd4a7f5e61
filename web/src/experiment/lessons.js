// lessons.js: the lesson presets of web/experiments/lessons.json in lesson order, each experiment
// file resolved to its validated preset (presets.js), for a page that lists lessons.
//
// A lesson is {id, title, explanation, experiments, look, expect}: title, explanation, look's
// text and expect are {zh, en}; experiments is [{file, id, label: {zh, en}, experiment}] (several
// for a comparison, to run side by side); look.views names the page's views to watch.

import manifest from '../../experiments/lessons.json';
import { presetOf } from './presets.js';

function resolve(lesson) {
  const experiments = lesson.experiments.map((entry) => {
    const id = entry.file.replace(/\.json$/, '');
    const preset = presetOf(id);
    if (!preset) throw new Error(`lessons.json: lesson ${lesson.id} names ${entry.file}, which is not in web/experiments/`);
    return { ...entry, id, experiment: preset.experiment };
  });
  return Object.freeze({ ...lesson, experiments });
}

export const LESSONS = Object.freeze(manifest.lessons.map(resolve));

export function lessonOf(id) {
  return LESSONS.find((lesson) => lesson.id === id) ?? null;
}
