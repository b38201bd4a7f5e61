// boundary-line.test.js: the XOR lesson's two decision boundaries, as the worker computes them
// (views.js) and the page draws their P(class 1) = 0.5 line (contour.js): the linear network's is a
// straight line, the tanh network's is not. In Node, on the lesson's own data, seed and epochs.
import { describe, expect, it } from 'vitest';
import { Session } from '../../../../web/src/engine/session.js';
import { Views } from '../../../../web/src/engine/views.js';
import { freshCore } from '../../../../web/src/node.js';
import { presetOf } from '../../../../web/src/experiment/presets.js';
import { isoline } from '../../../../web/src/components/viz/contour.js';

/** The lesson's experiment trained to its end; resolves the BOUNDARY push the page draws. */
async function finalBoundary(id) {
  const { experiment } = presetOf(id);
  const session = await Session.open(await freshCore(), experiment);
  try {
    for (let epoch = 0; epoch < experiment.epochs; epoch++) {
      let step;
      do step = session.trainStep();
      while (!step.epochEnd);
    }
    const views = new Views({ post() {}, now: () => 0 });
    views.attach(session);
    return views.boundary();
  } finally {
    session.dispose();
  }
}

/**
 * The straight line nearest to the points (total least squares): the root mean square distance of
 * the points from it, and how far apart the points spread along it.
 */
function lineFit(points) {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
    sxy += (x - mx) * (y - my);
  }
  const root = Math.sqrt(((sxx - syy) / 2) ** 2 + sxy ** 2);
  // The scatter matrix's eigenvalues: the squared distances across the line, and along it.
  return { residual: Math.sqrt(Math.max(0, (sxx + syy) / 2 - root) / n), spread: Math.sqrt(((sxx + syy) / 2 + root) / n) };
}

describe('the XOR lesson\'s decision boundaries', () => {
  it('the linear network\'s 0.5 line is straight across the plot; the tanh network\'s bends', async () => {
    const linear = await finalBoundary('xor-linear');
    const tanh = await finalBoundary('xor-tanh');
    const cell = (linear.extent[1] - linear.extent[0]) / (linear.resolution - 1);
    const straight = lineFit(isoline(linear.grid, linear.resolution, linear.extent).points);
    const bent = lineFit(isoline(tanh.grid, tanh.resolution, tanh.extent).points);
    console.log(`[boundary] cell ${cell.toFixed(4)}; linear: ${isoline(linear.grid, linear.resolution, linear.extent).points.length} crossings, `
      + `rms off the line ${straight.residual.toExponential(2)}, spread ${straight.spread.toFixed(2)}; tanh: rms ${bent.residual.toFixed(3)}`);
    const range = (g) => `${Math.min(...g).toFixed(3)}..${Math.max(...g).toFixed(3)}`;
    console.log(`[boundary] P(class 1) linear ${range(linear.grid)}, tanh ${range(tanh.grid)}`);
    // The line is more than a few cells long (its points spread like a segment of length
    // spread·√12) and every crossing lies on it, within a hundredth of a grid cell (the
    // interpolation between grid points is the only error).
    expect(straight.spread * Math.sqrt(12)).toBeGreaterThan(10 * cell);
    expect(straight.residual).toBeLessThan(cell / 100);
    // The tanh network's boundary is far from any one line: more than a grid cell off it.
    expect(bent.residual).toBeGreaterThan(cell);
  }, 60_000);
});
