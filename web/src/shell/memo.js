// memo.js: derived values that keep their identity while their inputs do.

/**
 * Wraps fn so that it returns the same result while its arguments (or keyOf's list) stay the
 * same objects: derived values handed to child elements keep their identity between renders,
 * so Lit does not update those children for nothing.
 */
export function memo(fn, keyOf = (...args) => args) {
  let lastKey = null;
  let last;
  return (...args) => {
    const key = keyOf(...args);
    if (!lastKey || key.length !== lastKey.length || key.some((k, i) => k !== lastKey[i])) {
      lastKey = key;
      last = fn(...args);
    }
    return last;
  };
}
