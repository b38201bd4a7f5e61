// canonical.js: one way to compare experiments. JSON with sorted keys, so two experiments (or two
// parts of one) compare equal whatever order their fields came in, from a link, a preset or a
// stored record.

/** JSON of `x` with every object's keys sorted (arrays keep their order). */
export const canonicalJson = (x) => JSON.stringify(x, (key, value) =>
  value && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, value[k]]))
    : value);

/** Whether two experiments train the same numbers (their name and description aside). */
export function sameExperiment(a, b) {
  const { name: _a, description: _b, ...left } = a;
  const { name: _c, description: _d, ...right } = b;
  return canonicalJson(left) === canonicalJson(right);
}

/** The experiment as it bears on the numbers: sorted keys, without its name, description and epochs. */
export function canonicalRun(experiment) {
  const { name, description, epochs, ...rest } = experiment;
  return canonicalJson(rest);
}
