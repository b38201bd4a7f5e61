// main.js: the page's entry point: defines <nn-playground>, which does the rest.
import './components/nn-playground.js';
import './offline/register.js';
