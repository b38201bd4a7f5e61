// The grading bench's arithmetic: the line fitted to the CNN replays' times, and the report it
// prints (speed-up, CPU ratio, the projection or why there is none, the target met or missed).
import { describe, expect, it } from 'vitest';
import { fitSteps, formatGrading, HOMEWORK_STEPS } from '../../../web/bench/grading.js';

const run = (seconds, cpuSeconds, links) => ({ seconds, cpuSeconds, linksPerSecond: links / seconds });

describe('grading bench', () => {
  it('fits seconds against claimed steps', () => {
    const fit = fitSteps([{ steps: 5, seconds: 1.5 }, { steps: 25, seconds: 3.5 }, { steps: 5, seconds: 1.5 }]);
    expect(fit.perStep).toBeCloseTo(0.1, 12);
    expect(fit.fixed).toBeCloseTo(1, 12);
  });

  it('reports the speed-up, the CPU ratio and the projection', () => {
    const result = {
      cores: 2,
      load: [0.5, 0.6],
      sets: {
        mlp: { links: 200, steps: [50], runs: { 1: run(40, 38, 200), 2: run(21, 39, 200) }, speedup: 40 / 21, cpuRatio: 39 / 38, sameBits: true },
        cnn: { links: 20, steps: [5, 25], runs: { 1: run(20, 19, 20), 2: run(11, 20, 20) }, speedup: 20 / 11, cpuRatio: 20 / 19, sameBits: true },
      },
      projection: { perLink: 1 + 0.01 * HOMEWORK_STEPS, perStep: 0.01, fixed: 1, efficiency: 0.909, serial500: 500 * 10.38, seconds500on8: (500 * 10.38) / (8 * 0.909) },
    };
    const text = formatGrading(result);
    expect(text).toContain('MLP | 200 | 50 | 5.00 (40.0 s, 38.0 s, 95 %) | 9.52 (21.0 s, 39.0 s, 186 %) | 1.90x | 1.026 | yes');
    expect(text).toContain('one replay 10.4 s at --jobs 1 (fitted: 10.0 ms a step + 1.00 s setup and test pass); one core 1.4 h; 8 cores at the measured 2-job efficiency 91 %: 11.9 min');
    expect(text).toMatch(/target: at least 1\.8x with 2 jobs on 2 cores: met$/);
    const busy = formatGrading({ ...result, projection: undefined, sets: { ...result.sets, cnn: { ...result.sets.cnn, speedup: 1.1 } } });
    expect(busy).toContain('projection: none');
    expect(busy).toMatch(/: missed$/);
  });
});
