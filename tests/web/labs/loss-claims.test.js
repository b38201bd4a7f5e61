// loss-claims.test.js: the loss lab's claims measured with the core's own losses, and the
// MNIST race of cross-entropy against MSE (the page runs the same, tests/e2e/labs.test.js).
import { beforeAll, describe, expect, it } from 'vitest';
import { lossAt, lossCurves, smoothedTarget } from '../../../web/src/labs/loss-curves.js';
import { runLossClaim } from '../../../web/src/labs/loss-claims.js';
import { realMnist } from '../fixtures.js';

const real = realMnist();
let core;
let mnist;
beforeAll(() => ({ core, mnist } = real));

describe('the loss lab', () => {
  it('the core\'s curves are the formulas: CE = -ln p, dCE/dz = p - 1; MSE summed after softmax', () => {
    const c = lossCurves(core);
    c.p.forEach((p, i) => {
      expect(c.ce[i]).toBeCloseTo(-Math.log(p), 4);
      expect(c.dce[i]).toBeCloseTo(p - 1, 5);
      const q = (1 - p) / 9;
      expect(c.mse[i]).toBeCloseTo((p - 1) ** 2 + 9 * q * q, 5);
      // d/dz0 of sum (p_i - y_i)^2 with p = softmax(z): 2 (p - 1) p (1 - p) - 2 * 9 q (q p)
      expect(c.dmse[i]).toBeCloseTo(2 * (p - 1) * p * (1 - p) - 18 * q * q * p, 5);
    });
    expect(smoothedTarget(0.1)).toEqual({ true: 0.91, other: 0.01 });
    expect(lossAt(core, 0.3, { weight: 3 }).ce).toBeCloseTo(3 * -Math.log(0.3), 4);
  });

  it('1. confidently wrong (p = 0.01): the MSE gradient vanishes, the cross-entropy one does not', () => {
    const { holds, values } = runLossClaim(core, 'confident-wrong');
    console.log(`confident-wrong: ${JSON.stringify(values)}`);
    expect(holds).toBe(true);
    expect(values.ratio).toBeGreaterThan(40);
  });

  it('2. on MNIST the same MLP reaches 90 % test accuracy in fewer steps with cross-entropy', () => {
    const { holds, values, curves } = runLossClaim(core, 'mnist-faster', mnist);
    console.log(`mnist-faster: ${JSON.stringify(values)}`);
    expect(holds).toBe(true);
    expect(values.mse).toBeGreaterThan(3 * values.ce);
    expect(curves.ce.accuracy.at(-1)).toBeGreaterThanOrEqual(0.9);
  }, 120_000);

  it('3. label smoothing moves the target and keeps a sure sample\'s loss above 0; a class weight scales its loss', () => {
    const { holds, values } = runLossClaim(core, 'smoothing-weights');
    console.log(`smoothing-weights: ${JSON.stringify(values)}`);
    expect(holds).toBe(true);
  });
});
