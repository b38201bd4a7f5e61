// lessons.js: the lesson presets of web/experiments/lessons.json in lesson order, each experiment
// file resolved to its validated preset (presets.js), for a page that lists lessons.
//
// A lesson is {id, title, explanation, experiments, look, expect}: title, explanation, look's
// text and expect are {zh, en}; experiments is [{file, id, label: {zh, en}, experiment}] (several
// for a comparison, to run side by side); look.views names the page's views to watch. Optional:
// measures, what the lesson panel's table adds for the claim (MEASURES), and compareWith, the id of
// an earlier lesson whose spread of test accuracy the table shows beside this lesson's.

import manifest from '../../experiments/lessons.json';
import { presetOf } from './presets.js';

/**
 * "multiplyAdds": a column of multiply-adds per sample; "time": a column of each run's training
 * time; "spread": a row, best minus worst test accuracy.
 */
export const MEASURES = Object.freeze(['multiplyAdds', 'time', 'spread']);

function resolve(lesson, index, lessons) {
  for (const measure of lesson.measures ?? []) {
    if (!MEASURES.includes(measure)) throw new Error(`lessons.json: lesson ${lesson.id} asks for the measure ${measure}, which the lesson panel does not have`);
  }
  if (lesson.compareWith !== undefined && !lessons.slice(0, index).some((l) => l.id === lesson.compareWith)) {
    throw new Error(`lessons.json: lesson ${lesson.id} compares with ${lesson.compareWith}, which is not an earlier lesson`);
  }
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
