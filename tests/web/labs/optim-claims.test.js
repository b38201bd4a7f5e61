// optim-claims.test.js: the optimizer lab's seven claims, each raced in the wasm core as the page
// races it and measured; each prints its numbers (the README's lesson table quotes them).
import { beforeAll, describe, expect, it } from 'vitest';
import { OPTIM_CLAIMS, runClaim, signChanges } from '../../../web/src/labs/optim-claims.js';
import { freshCore } from '../../../web/src/node.js';

let core;
beforeAll(async () => {
  core = await freshCore();
});

const measured = (id) => {
  const r = runClaim(core, id);
  console.log(`${id}: ${JSON.stringify(r.values)}`);
  return r;
};

describe('the optimizer lab measures every claim', () => {
  it('1. SGD crawls past the saddle; momentum leaves it in far fewer steps', () => {
    const { holds, values } = measured('saddle');
    expect(holds).toBe(true);
    expect(values.sgd).toBeGreaterThan(3 * values.momentum);
    expect(Number(values.slowest)).toBeLessThan(10); // its slowest step: under a tenth of its first
  });

  it('2. momentum crosses the ravine floor again and again; Nesterov much less', () => {
    const { holds, values } = measured('overshoot');
    expect(holds).toBe(true);
    expect(values.momentum).toBeGreaterThan(5 * values.nesterov);
    expect(Number(values.lengthNesterov)).toBeLessThan(Number(values.lengthMomentum));
  });

  it("3. Adagrad's effective step only shrinks and it stops short on Rosenbrock; RMSprop keeps moving", () => {
    const { holds, values } = measured('adagrad-stops');
    expect(holds).toBe(true);
    expect(Number(values.adagrad)).toBeGreaterThan(1); // still more than 1 from (1, 1) after 5000 steps
    expect(Number(values.rmspropDistance)).toBeLessThan(0.1);
  });

  it('4. on the sparse surface Adagrad moves the rare coordinate further than SGD at the same lr', () => {
    const { holds, values } = measured('adagrad-sparse');
    expect(holds).toBe(true);
    expect(Number(values.adagrad)).toBeGreaterThan(1.5 * Number(values.sgd));
  });

  it('5. at a fixed lr RMSprop and Adam keep moving near the minimum where SGD settles', () => {
    const { holds, values } = measured('oscillate');
    expect(holds).toBe(true);
    expect(Number(values.rmsprop)).toBeGreaterThan(1e4 * Number(values.sgd));
  });

  it("6. stretching one axis 100 times changes SGD's path, not Adam's first steps", () => {
    const { holds, values } = measured('rescale');
    expect(holds).toBe(true);
    expect(Number(values.adam)).toBeLessThan(1e-5);
  });

  it('7. each at its best lr of the sweep: tuned SGD with momentum arrives before Adam on the ravine', () => {
    const { holds, values } = measured('tuned-sgd');
    expect(holds).toBe(true);
    expect(values.sgd).toBeLessThan(values.adam);
  });

  it('every claim has a measurement, and the same race gives the same bits', () => {
    expect(OPTIM_CLAIMS.map((c) => c.id)).toHaveLength(7);
    const a = runClaim(core, 'overshoot').paths[0];
    const b = runClaim(core, 'overshoot').paths[0];
    expect(Buffer.from(a.x.buffer).equals(Buffer.from(b.x.buffer))).toBe(true);
    expect(signChanges([1, -1, -2, 3, 0, 2])).toBe(2);
  });
});
