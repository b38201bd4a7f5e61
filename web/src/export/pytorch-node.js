// pytorch-node.js: the PyTorch export for Node (the runner, the tests): pytorch_script.py read from
// disk beside this file. The page's bundle uses pytorch.js, which imports the same file.
import { readFileSync } from 'node:fs';
import { renderPytorch, renderPytorchBundle, weightsFileFor } from './pytorch-script.js';

/** The text of pytorch_script.py. */
export const PYTORCH_TEMPLATE = readFileSync(new URL('./pytorch_script.py', import.meta.url), 'utf8');

/** The script for an experiment (see renderPytorch; options.layers is the core's plan). */
export const exportPytorch = (experiment, options) => renderPytorch(PYTORCH_TEMPLATE, experiment, options);
/** {script, weights} of a session (see renderPytorchBundle). */
export const exportPytorchBundle = (session, options) => renderPytorchBundle(PYTORCH_TEMPLATE, session, options);
export { weightsFileFor };
