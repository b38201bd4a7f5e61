// enums.test.js: web/src/engine/enums.js must match c/nn.h, value for value, both ways.
import { describe, expect, it } from 'vitest';
import * as enums from '../../../web/src/engine/enums.js';
import { headerEnums } from '../nn-header.js';

// C typedef -> [JS object, the prefix the JS keys drop]
const PAIRS = {
  nn_status: ['Status', 'NN_'],
  nn_layer_kind: ['LayerKind', 'NN_LAYER_'],
  nn_loss_kind: ['LossKind', 'NN_LOSS_'],
  nn_reduction: ['Reduction', 'NN_REDUCTION_'],
  nn_optim_kind: ['OptimKind', 'NN_OPTIM_'],
  nn_hyper: ['Hyper', 'NN_HP_'],
  nn_init_kind: ['InitKind', 'NN_INIT_'],
  nn_fan_mode: ['FanMode', 'NN_'],
  nn_gain: ['Gain', 'NN_GAIN_'],
  nn_param_role: ['ParamRole', 'NN_PARAM_'],
  nn_synth_kind: ['SynthKind', 'NN_SYNTH_'],
  nn_surface_kind: ['SurfaceKind', 'NN_SURFACE_'],
};

describe('enums.js mirrors c/nn.h', () => {
  const c = headerEnums();

  it('has a JS mirror for every enum in nn.h', () => {
    expect(Object.keys(c).sort()).toEqual(Object.keys(PAIRS).sort());
  });

  for (const [typedef, [jsName, prefix]] of Object.entries(PAIRS)) {
    it(`${jsName} matches ${typedef}`, () => {
      const fromC = Object.fromEntries(Object.entries(c[typedef]).map(([k, v]) => [k.slice(prefix.length), v]));
      expect(Object.keys(c[typedef]).every((k) => k.startsWith(prefix))).toBe(true);
      expect({ ...enums[jsName] }).toEqual(fromC);
      expect(Object.isFrozen(enums[jsName])).toBe(true);
    });
  }

  it('names statuses as C does', () => {
    expect(enums.statusName(2)).toBe('NN_ERR_SHAPE');
    expect(enums.statusName(99)).toBe('status 99');
  });
});
