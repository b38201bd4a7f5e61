// contour.js: where a grid of values crosses a level (marching squares), for the decision
// boundary's P(class 1) = 0.5 line. Pure functions, so Node tests read the same line the page draws.

/**
 * The crossings of `level` on the edges of a res x res grid over [lo, hi]^2 (x fastest, first row
 * at y = lo), each placed by linear interpolation between the two grid points, and per grid cell
 * the segments joining them. Returns {points: [[x, y]], segments: [[[x, y], [x, y]]]}.
 * A cell whose four corners alternate (a saddle) is split by the value at its centre.
 */
export function isoline(grid, res, extent = [-1.5, 1.5], level = 0.5) {
  const [lo, hi] = extent;
  const step = res > 1 ? (hi - lo) / (res - 1) : 0;
  const at = (ix, iy) => grid[iy * res + ix] - level;
  const where = (ax, ay, bx, by) => {
    const a = at(ax, ay);
    const b = at(bx, by);
    if ((a < 0) === (b < 0)) return null;
    const t = a / (a - b);
    return [lo + (ax + t * (bx - ax)) * step, lo + (ay + t * (by - ay)) * step];
  };
  const points = [];
  // Each edge once: the horizontal ones, then the vertical ones.
  for (let iy = 0; iy < res; iy++) {
    for (let ix = 0; ix + 1 < res; ix++) {
      const p = where(ix, iy, ix + 1, iy);
      if (p) points.push(p);
    }
  }
  for (let iy = 0; iy + 1 < res; iy++) {
    for (let ix = 0; ix < res; ix++) {
      const p = where(ix, iy, ix, iy + 1);
      if (p) points.push(p);
    }
  }
  const segments = [];
  for (let iy = 0; iy + 1 < res; iy++) {
    for (let ix = 0; ix + 1 < res; ix++) {
      // The cell's edges in order round it: bottom, right, top, left.
      const found = [where(ix, iy, ix + 1, iy), where(ix + 1, iy, ix + 1, iy + 1), where(ix, iy + 1, ix + 1, iy + 1), where(ix, iy, ix, iy + 1)]
        .filter(Boolean);
      if (found.length === 2) segments.push(found);
      else if (found.length === 4) {
        const centre = (at(ix, iy) + at(ix + 1, iy) + at(ix, iy + 1) + at(ix + 1, iy + 1)) / 4;
        // The corner at (ix, iy) is cut off together with the one of the same sign as the centre.
        if ((centre < 0) === (at(ix, iy) < 0)) segments.push([found[0], found[1]], [found[2], found[3]]);
        else segments.push([found[0], found[3]], [found[1], found[2]]);
      }
    }
  }
  return { points, segments };
}
