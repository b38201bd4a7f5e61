// progress.js: the progress bar of a grading run on stderr (done / total, rate, time left), drawn
// only on a terminal; a log or a pipe gets nothing, so its stderr stays for errors.

const WIDTH = 24;

/** "1h02m", "3m05s", "12s": a duration for a person. */
export function formatDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  if (s >= 60) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * One line of the bar. `done` counts every row settled (resumed ones too); the rate and the time
 * left come from the replays of this run only (`replayed` in `elapsed` seconds), since rows taken
 * from an earlier run's output cost nothing.
 */
export function progressLine({ done, total, replayed, elapsed, remaining }) {
  const fraction = total ? done / total : 1;
  const filled = Math.round(fraction * WIDTH);
  const rate = elapsed > 0 ? replayed / elapsed : 0;
  const eta = rate > 0 ? formatDuration(remaining / rate) : '?';
  return `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total} ${rate.toFixed(2)} links/s, ${eta} left`;
}

/** A bar on `stream` (stderr), or nothing when it is not a terminal or `quiet`. */
export function progressBar(stream, { quiet = false, total, now = () => performance.now() } = {}) {
  if (quiet || !stream.isTTY) return { update() {}, done() {} };
  const started = now();
  let last = 0;
  let shown = false;
  const draw = (state) => {
    stream.write(`\r${progressLine({ ...state, total, elapsed: (now() - started) / 1000 })}\x1b[K`);
    shown = true;
  };
  return {
    /** state: {done, replayed, remaining}; redrawn at most 10 times a second. */
    update(state, force = false) {
      const t = now();
      if (!force && t - last < 100) return;
      last = t;
      draw(state);
    },
    done(state) {
      if (state) draw(state);
      if (shown) stream.write('\n');
    },
  };
}
