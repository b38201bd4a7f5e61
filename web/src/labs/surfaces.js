// surfaces.js: the optimizer lab's 2-D surfaces (the C core evaluates them, c/surface.c) and the
// optimizers that race on them: ids, the core's enums, the window each is drawn in.

import { SurfaceKind } from '../engine/enums.js';

/**
 * Each surface: its id (the link's surface=), its kind, the window [x0, x1, y0, y1] it is drawn
 * in, a start point, where its minima are (to mark them), and whether the colours are
 * log-scaled (the saddle goes below zero, so it is drawn linearly).
 */
export const SURFACES = Object.freeze([
  { id: 'saddle', kind: SurfaceKind.SADDLE, view: [-1.5, 1.5, -1.5, 1.5], start: [1, 0.001], minima: [], log: false },
  { id: 'ravine', kind: SurfaceKind.RAVINE, view: [-10, 10, -2, 2], start: [-9, 1.5], minima: [[0, 0]], log: true },
  { id: 'rosenbrock', kind: SurfaceKind.ROSENBROCK, view: [-2, 2, -1, 3], start: [-1.5, 2.5], minima: [[1, 1]], log: true },
  { id: 'beale', kind: SurfaceKind.BEALE, view: [-4.5, 4.5, -4.5, 4.5], start: [1, 1.5], minima: [[3, 0.5]], log: true },
  { id: 'himmelblau', kind: SurfaceKind.HIMMELBLAU, view: [-5, 5, -5, 5], start: [0, -0.5],
    minima: [[3, 2], [-2.805118, 3.131312], [-3.77931, -3.283186], [3.584428, -1.848126]], log: true },
  { id: 'sparse', kind: SurfaceKind.SPARSE, view: [-3, 3, -3, 3], start: [-2.5, -2.5], minima: [[0, 0]], log: true },
].map(Object.freeze));

export const SURFACE_IDS = Object.freeze(SURFACES.map((s) => s.id));
export const surfaceOf = (id) => SURFACES.find((s) => s.id === id) ?? SURFACES[0];

/** The optimizer types of the experiment schema (session.js maps their fields onto the core's). */
export const OPTIMIZER_TYPES = Object.freeze(['sgd', 'adagrad', 'rmsprop', 'adam', 'adamw']);

/** The racers' colours (Okabe-Ito, told apart by colour-blind readers too), in racing order. */
export const RACER_COLORS = Object.freeze(['#d55e00', '#0072b2', '#009e73', '#cc79a7', '#e69f00', '#56b4e9']);

/** The most racers at once and the most steps a race runs. */
export const MAX_RACERS = 6;
export const MAX_STEPS = 10_000;
