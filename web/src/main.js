// main.js: the page's entry point. It starts the playground (app.js) in a way that cannot fail
// silently: whatever throws while the code loads, the element is defined, first renders, or its
// worker and wasm start, the loading text gives way to a message saying what failed
// (start-failure.js), instead of "Loading…" forever.

import { detectLanguage, languageTag, validTag } from './i18n/languages.js';
import { showStartFailure, watchStart } from './start-failure.js';
import './browser-support.js'; // a notice naming the features this browser lacks, and their cost
import './offline/register.js'; // the offline app shell (sw.js) of a built page

watchStart(document);

// uPlot makes a number formatter from navigator.language when its module is evaluated, and Intl
// throws a RangeError for a tag it cannot read ("C" and "POSIX" locales, "en_US", ""): the whole
// page stopped before it showed anything. The page's own language choice stands in for such a tag.
try {
  if (!validTag(navigator.language)) {
    Object.defineProperty(navigator, 'language', { value: languageTag(detectLanguage()), configurable: true });
  }
} catch (err) {
  console.warn('navigator.language could not be replaced:', err);
}

import('./app.js').then(() => {
  const playground = document.querySelector('nn-playground');
  // A constructor that threw while define() upgraded the element leaves it undefined (the error
  // itself was reported to the window, where watchStart saw it).
  if (playground && !playground.matches(':defined')) showStartFailure(new Error('<nn-playground> did not start'), 'element');
}, (err) => showStartFailure(err, 'module'));
