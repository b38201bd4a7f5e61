// optim-presets.js: the optimizer lab's claims as the page knows them: each claim's id (the
// link's claim=) and the race it runs (the settings of optim-race.js). optim-claims.js adds how
// each is measured; the page itself imports only this (the measuring runs in the training
// worker, lab-actions.js).

export const OPTIM_PRESETS = Object.freeze([
  { id: 'saddle', settings: { surface: 'saddle', start: [1, 0.001], steps: 500,
      racers: [{ type: 'sgd', lr: 0.01 }, { type: 'sgd', lr: 0.01, momentum: 0.9 }] } },
  { id: 'overshoot', settings: { surface: 'ravine', condition: 50, steps: 300,
      racers: [{ type: 'sgd', lr: 0.02, momentum: 0.9 }, { type: 'sgd', lr: 0.02, momentum: 0.9, nesterov: true }] } },
  { id: 'adagrad-stops', settings: { surface: 'rosenbrock', steps: 5000, racers: [{ type: 'adagrad', lr: 0.01 }, { type: 'rmsprop', lr: 0.01 }] } },
  { id: 'adagrad-sparse', settings: { surface: 'sparse', sparsity: 0.1, steps: 200, racers: [{ type: 'sgd', lr: 0.1 }, { type: 'adagrad', lr: 0.1 }] } },
  { id: 'oscillate', settings: { surface: 'beale', steps: 3000,
      racers: [{ type: 'sgd', lr: 0.01 }, { type: 'rmsprop', lr: 0.01 }, { type: 'adam', lr: 0.01 }] } },
  { id: 'rescale', settings: { surface: 'ravine', condition: 50, scale: 100, steps: 200,
      racers: [{ type: 'sgd', lr: 0.01 }, { type: 'adam', lr: 0.1 }] } },
  { id: 'tuned-sgd', settings: { surface: 'ravine', condition: 50, steps: 5000, racers: [{ type: 'sgd', lr: 0.01, momentum: 0.9 }, { type: 'adam', lr: 0.1 }] } },
].map(Object.freeze));

export const optimPresetOf = (id) => OPTIM_PRESETS.find((c) => c.id === id) ?? null;
