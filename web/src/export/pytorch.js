// pytorch.js: the PyTorch export in the page's bundle: pytorch_script.py comes in as text through
// Vite's ?raw import (Node, which cannot import it so, uses pytorch-node.js).
import TEMPLATE from './pytorch_script.py?raw';
import { renderPytorch, renderPytorchBundle, weightsFileFor } from './pytorch-script.js';

/** The script for an experiment (see renderPytorch; options.layers is the core's plan). */
export const exportPytorch = (experiment, options) => renderPytorch(TEMPLATE, experiment, options);
/** {script, weights} of a session (see renderPytorchBundle). */
export const exportPytorchBundle = (session, options) => renderPytorchBundle(TEMPLATE, session, options);
export { weightsFileFor };
