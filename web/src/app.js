// app.js: the playground itself: defines <nn-playground>, which does the rest. main.js loads it
// and reports what fails on the way.
import './components/nn-playground.js';
