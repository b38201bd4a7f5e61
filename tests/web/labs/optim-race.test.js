// optim-race.test.js: racing in the wasm core: paths start where asked, follow the core's rule
// (one SGD step by hand), stop where a step would overflow, and the map is the surface's value.
import { beforeAll, describe, expect, it } from 'vitest';
import { runRace, runRacer, surfaceGrid, surfaceValue } from '../../../web/src/labs/optim-race.js';
import { SURFACES } from '../../../web/src/labs/surfaces.js';
import { freshCore } from '../../../web/src/node.js';

let core;
beforeAll(async () => {
  core = await freshCore();
});

describe('optimizer races', () => {
  it('start at the start and step by the core rule (SGD: p - lr g)', () => {
    const p = runRacer(core, { surface: 'himmelblau', start: [1, 1], steps: 3 }, { type: 'sgd', lr: 0.01 });
    expect([p.x[0], p.y[0]]).toEqual([1, 1]);
    // At (1, 1): u = -9, v = -5: grad = (4u + 2v, 2u + 4v) = (-46, -38).
    expect(p.x[1]).toBe(Math.fround(1 - Math.fround(0.01) * -46));
    expect(p.y[1]).toBe(Math.fround(1 - Math.fround(0.01) * -38));
    expect(p.loss[0]).toBe(81 + 25);
    expect(p.steps).toBe(3);
    expect(p.step[0]).toBeCloseTo(Math.hypot(0.46, 0.38), 5);
    expect(Number.isNaN(p.effective[0])).toBe(true); // SGD divides by nothing
  });

  it('stops a path where the next step would overflow, with the core message', () => {
    const p = runRacer(core, { surface: 'rosenbrock', steps: 100 }, { type: 'sgd', lr: 0.1 });
    expect(p.steps).toBeLessThan(100);
    expect(p.stopped).toMatch(/NaN\/Inf/);
    expect(p.x.length).toBe(p.steps + 1);
    expect(Number.isFinite(p.x.at(-1))).toBe(true);
  });

  it('refuses what the core refuses (Nesterov without momentum, lr < 0) and unknown types, racer by racer', () => {
    expect(() => runRacer(core, { surface: 'saddle', steps: 2 }, { type: 'sgd', lr: 0.1, nesterov: true })).toThrow(/Nesterov/);
    const [bad, unknown, good] = runRace(core, { surface: 'saddle', steps: 2,
      racers: [{ type: 'sgd', lr: -1 }, { type: 'lion', lr: 0.1 }, { type: 'sgd', lr: 0.1 }] });
    expect(bad.error).toMatch(/lr: must be >= 0/);
    expect(unknown.error).toMatch(/unknown optimizer/);
    expect(good.steps).toBe(2); // the others still race
  });

  it('noise is the seed\'s: two racers of one race see the same noise, another seed other noise', () => {
    const settings = { surface: 'ravine', noise: 1, steps: 20, seed: 4, racers: [{ type: 'adam', lr: 0.1 }, { type: 'adam', lr: 0.1 }] };
    const [a, b] = runRace(core, settings);
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    const [c] = runRace(core, { ...settings, seed: 5 });
    expect(Array.from(c.x)).not.toEqual(Array.from(a.x));
  });

  it('draws each surface on its window, row 0 at the top', () => {
    for (const s of SURFACES) {
      const [x0, x1, y0, y1] = s.view;
      const grid = surfaceGrid(core, { surface: s.id }, 5, 4);
      expect(grid[0]).toBe(Math.fround(surfaceValue(core, { surface: s.id }, x0, y1)));
      expect(grid[19]).toBe(Math.fround(surfaceValue(core, { surface: s.id }, x1, y0)));
    }
  });
});
