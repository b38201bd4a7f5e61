// optim-race.js: runs optimizers on a 2-D surface in the C core (the same update rules that train
// the networks, on a 2-vector), and draws the surface's map. Used by the training worker
// (lab-actions.js) and, as it is, by the Node tests that measure the lab's claims.

import { Hyper, Status } from '../engine/enums.js';
import { HYPERS, OPTIMIZERS } from '../engine/session.js';
import { MAX_STEPS, surfaceOf } from './surfaces.js';

/**
 * A race's settings: {surface, condition, scale, noise, sparsity, seed, start: [x, y], steps,
 * racers: [{type, lr, momentum, nesterov, betas, ...}]} (the racers' fields are the experiment
 * schema's optimizer fields).
 */
export const RACE_DEFAULTS = Object.freeze({
  surface: 'rosenbrock', condition: 50, scale: 1, noise: 0, sparsity: 0.1, seed: 1, steps: 2000, start: null,
  racers: Object.freeze([]),
});

function surfaceArgs(settings) {
  const s = { ...RACE_DEFAULTS, ...settings };
  return [surfaceOf(s.surface).kind, s.condition, s.scale, s.noise, s.sparsity, s.seed];
}

/** Calls fn(surfacePtr) with a new surface of the settings, freed afterwards. */
function withSurface(core, settings, fn) {
  const surface = core.fn.nn_surface_create(...surfaceArgs(settings));
  try {
    return fn(surface);
  } finally {
    core.fn.nn_surface_free(surface);
  }
}

/** Sets a vector net's optimizer as the experiment schema describes it (torch's defaults first). */
function setOptimizer(core, net, racer) {
  const { fn } = core;
  if (OPTIMIZERS[racer.type] === undefined) throw new TypeError(`unknown optimizer ${racer.type}`);
  fn.nn_set_optimizer(net, OPTIMIZERS[racer.type]);
  for (const [field, value] of Object.entries(racer)) {
    if (field === 'betas') {
      fn.nn_set_hyper(net, Hyper.BETA1, value[0]);
      fn.nn_set_hyper(net, Hyper.BETA2, value[1]);
    } else if (HYPERS[field] !== undefined) {
      fn.nn_set_hyper(net, HYPERS[field], typeof value === 'boolean' ? Number(value) : value);
    }
  }
}

/**
 * The step each coordinate would take for a unit gradient, where the rule divides by a running
 * size of the gradients: Adagrad's lr/(1+(t-1) lr_decay)/(sqrt(G)+eps), RMSprop's lr/(sqrt(v)+eps)
 * (centered: v - g_avg^2), Adam's lr/(1-b1^t)/(sqrt(v/(1-b2^t))+eps). NaN for SGD.
 */
function effectiveStep(core, net, type, t, out, i) {
  const { fn } = core;
  const state = core.f32(fn.nn_optim_state(net), 6);
  const h = (which) => fn.nn_get_hyper(net, which);
  const lr = h(Hyper.LR);
  const eps = h(Hyper.EPS);
  for (let c = 0; c < 2; c++) {
    let e = NaN;
    if (type === 'adagrad') e = lr / (1 + (t - 1) * h(Hyper.LR_DECAY)) / (Math.sqrt(state[c]) + eps);
    else if (type === 'rmsprop') {
      const v = h(Hyper.CENTERED) ? state[c] - state[2 + c] ** 2 : state[c];
      e = lr / (Math.sqrt(v) + eps);
    } else if (type === 'adam' || type === 'adamw') {
      e = lr / (1 - h(Hyper.BETA1) ** t) / (Math.sqrt(state[2 + c] / (1 - h(Hyper.BETA2) ** t)) + eps);
    }
    out[2 * i + c] = e;
  }
}

/**
 * One optimizer's path: {x, y (Float32Array, steps + 1 points, the start first), loss
 * (Float64Array, the exact loss at each point), step (Float32Array, the length of each step),
 * effective (Float32Array [steps][2], see effectiveStep), steps (taken), stopped (the core's
 * message when a step would have made the point NaN/Inf; the path ends there)}.
 */
export function runRacer(core, settings, racer) {
  const s = { ...RACE_DEFAULTS, ...settings };
  const steps = Math.max(0, Math.min(MAX_STEPS, Math.floor(s.steps)));
  const start = s.start ?? surfaceOf(s.surface).start;
  const { fn } = core;
  const x = new Float32Array(steps + 1);
  const y = new Float32Array(steps + 1);
  const loss = new Float64Array(steps + 1);
  const step = new Float32Array(steps);
  const effective = new Float32Array(2 * steps);
  let taken = 0;
  let stopped = '';
  withSurface(core, s, (surface) => {
    const net = fn.nn_vector_net_create(2);
    try {
      setOptimizer(core, net, racer);
      const paramsPtr = fn.nn_params(net);
      core.f32(paramsPtr, 2).set(start);
      const lossPtr = core.scratch;
      for (;;) {
        const p = core.f32(paramsPtr, 2);
        x[taken] = p[0];
        y[taken] = p[1];
        fn.nn_surface_gradient(surface, net, lossPtr);
        loss[taken] = core.dataView().getFloat64(lossPtr, true);
        if (taken === steps) break;
        try {
          fn.nn_optim_step(net);
        } catch (err) {
          if (err.status !== Status.ERR_NUMERIC) throw err;
          stopped = err.message;
          break;
        }
        const q = core.f32(paramsPtr, 2);
        step[taken] = Math.hypot(q[0] - x[taken], q[1] - y[taken]);
        effectiveStep(core, net, racer.type, taken + 1, effective, taken);
        taken++;
      }
    } finally {
      fn.nn_net_free(net);
    }
  });
  const end = taken + 1;
  return {
    x: x.slice(0, end), y: y.slice(0, end), loss: loss.slice(0, end), step: step.slice(0, taken),
    effective: effective.slice(0, 2 * taken), steps: taken, stopped,
  };
}

/**
 * Every racer of the settings on the same surface, start and noise sequence. A racer whose
 * settings the core refuses gets {error} (the core's message) and no path; the others race.
 */
export function runRace(core, settings) {
  return settings.racers.map((racer) => {
    try {
      return runRacer(core, settings, racer);
    } catch (err) {
      if (err.name !== 'NnError' && !(err instanceof TypeError)) throw err;
      return { error: err.msg ?? err.message, steps: 0 };
    }
  });
}

/** The surface's loss on a width x height grid over its window: Float32Array, row 0 at the top. */
export function surfaceGrid(core, settings, width, height, view = surfaceOf(settings.surface).view) {
  return withSurface(core, settings, (surface) => {
    const ptr = core.alloc(4 * width * height);
    try {
      core.fn.nn_surface_grid(surface, view[0], view[1], view[2], view[3], width, height, ptr);
      return core.f32(ptr, width * height).slice();
    } finally {
      core.free(ptr);
    }
  });
}

/** The exact loss at one point (for reading the map under the pointer). */
export function surfaceValue(core, settings, x, y) {
  return withSurface(core, settings, (surface) => core.fn.nn_surface_value(surface, x, y));
}
