// act-state.js: the activation lab's part of the link, both ways:
//   #lab=act&act=leaky_relu&param=0.2&claim=saturation
// One table (KEYS) drives reading and writing; link.js reads defensively.

import { flatStateCodec, oneOf, real } from './link.js';
import { ACTIVATIONS, ACT_PRESETS } from './act-presets.js';

/** param null: the activation's own default (leaky ReLU's slope 0.01, ELU's alpha 1). */
export const DEFAULT_ACT_STATE = Object.freeze({ act: 'tanh', param: null, claim: '' });

const KEYS = Object.freeze([
  { key: 'act', field: 'act', codec: oneOf(ACTIVATIONS.map((a) => a.id)) },
  { key: 'param', field: 'param', codec: real(0, 10) },
  { key: 'claim', field: 'claim', codec: oneOf(ACT_PRESETS.map((c) => c.id)) },
]);

const codec = flatStateCodec('act', KEYS, DEFAULT_ACT_STATE);
/** {state, errors: [{key, msg}]}: every field the link does not set (or sets badly) has its default. */
export const decodeActState = codec.decode;
/** The hash of a state (without #): lab=act, then what differs from the defaults, the page's keys. */
export const encodeActState = codec.encode;
