// main.js: the page's entry point: checks the browser's features (first, so a notice is shown
// even when a later module cannot start), defines <nn-playground>, which does the rest, and
// registers the offline shell.
import './browser-support.js';
import './components/nn-playground.js';
import './offline/register.js';
