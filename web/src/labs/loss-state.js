// loss-state.js: the loss lab's part of the link, both ways:
//   #lab=loss&p=0.01&smoothing=0.1&weight=2&claim=confident-wrong
// One table (KEYS) drives reading and writing; link.js reads defensively.

import { flatStateCodec, oneOf, real } from './link.js';
import { LOSS_PRESETS } from './loss-presets.js';

export const DEFAULT_LOSS_STATE = Object.freeze({ p: 0.1, smoothing: 0, weight: 1, claim: '' });

const KEYS = Object.freeze([
  { key: 'p', field: 'p', codec: real(0.001, 0.999) },
  { key: 'smoothing', field: 'smoothing', codec: real(0, 0.99) },
  { key: 'weight', field: 'weight', codec: real(0.01, 100) },
  { key: 'claim', field: 'claim', codec: oneOf(LOSS_PRESETS.map((c) => c.id)) },
]);

const codec = flatStateCodec('loss', KEYS, DEFAULT_LOSS_STATE);
/** {state, errors: [{key, msg}]}: every field the link does not set (or sets badly) has its default. */
export const decodeLossState = codec.decode;
/** The hash of a state (without #): lab=loss, then what differs from the defaults, the page's keys. */
export const encodeLossState = codec.encode;
