// lab.test.js: the optimizer lab bench's pure parts: tasks read from a trace, the frame rate,
// the report's lines and the target's verdict.
import { describe, expect, it } from 'vitest';
import { frameRate, mainThreadTasks } from '../../../web/bench/lab.js';
import { formatLab, targets } from '../../../web/bench/report.js';

describe('the optimizer lab bench', () => {
  it('reads the renderer main thread\'s tasks, CPU and wall time, and nothing of other threads', () => {
    const trace = { traceEvents: [
      { ph: 'M', name: 'thread_name', pid: 1, tid: 7, args: { name: 'CrRendererMain' } },
      { ph: 'M', name: 'thread_name', pid: 1, tid: 9, args: { name: 'DedicatedWorker thread' } },
      { ph: 'X', name: 'RunTask', pid: 1, tid: 7, dur: 20_000, tdur: 5_000 },
      { ph: 'X', name: 'RunTask', pid: 1, tid: 7, dur: 3_000 },
      { ph: 'X', name: 'RunTask', pid: 1, tid: 9, dur: 900_000, tdur: 900_000 },
      { ph: 'X', name: 'FunctionCall', pid: 1, tid: 7, dur: 19_000, tdur: 4_000 },
    ] };
    expect(mainThreadTasks(trace)).toEqual({ wall: [20, 3], cpu: [5, 3] });
    expect(() => mainThreadTasks({ traceEvents: [] })).toThrow(/main thread/);
  });

  it('counts frames, their rate and the intervals a late frame leaves', () => {
    const stamps = [0, 16.7, 33.4, 83.4, 100.1];
    const r = frameRate(stamps);
    expect(r.frames).toBe(4);
    expect(r.fps).toBeCloseTo(4 / 0.1001, 6);
    expect(r.longestIntervalMs).toBeCloseTo(50, 6);
    expect(r.dropped).toBe(1);
  });

  it('reports the playback and judges the target on CPU time', () => {
    const lab = { chromium: '1', racers: 4, steps: 10_000, speed: 10, frames: 1000, seconds: 17, fps: 58.8, longestIntervalMs: 40, dropped: 2,
      tasks: 9000, longestTaskMs: 7.7, p99TaskMs: 5.2, longestWallMs: 200, p99WallMs: 13, medianUpdateMs: 0.5, longestUpdateMs: 30, met: true };
    expect(formatLab(lab)).toContain('longest 7.7 ms');
    expect(targets({ lab })).toEqual([{ target: 'optimizer lab: 4 racers played back, no main-thread task over 16 ms of CPU time', value: 'longest 7.7 ms (58.8 frames/s)', met: true }]);
    expect(targets({ lab: { error: 'no Chromium' } })[0].met).toBe(null);
  });
});
