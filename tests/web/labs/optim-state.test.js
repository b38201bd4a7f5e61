// optim-state.test.js: the optimizer lab's link both ways, and what a broken or hostile link gives.
import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE, decodeOptimState, encodeOptimState, raceSettings } from '../../../web/src/labs/optim-state.js';
import { labRoute } from '../../../web/src/labs/route.js';
import { OPTIM_CLAIMS } from '../../../web/src/labs/optim-claims.js';

describe('the lab link', () => {
  it('routes only lab links, with embed=lab and lang=', () => {
    expect(labRoute('#lab=optim&embed=lab&lang=zh')).toEqual({ lab: 'optim', embed: true, lang: 'zh' });
    expect(labRoute('#lab=optim&lang=fr')).toEqual({ lab: 'optim', embed: false, lang: undefined });
    expect(labRoute('#v=1&lr=0.1')).toBe(null);
    expect(labRoute('#lab=nope')).toBe(null);
    expect(labRoute('#lab=%E0%A4%A')).toBe(null);
    expect(labRoute('')).toBe(null);
  });

  it('reads back what it writes, for every claim and with every racer option', () => {
    for (const claim of OPTIM_CLAIMS) {
      const state = { ...DEFAULT_STATE, ...claim.settings, claim: claim.id, start: claim.settings.start ?? null };
      const hash = encodeOptimState(state, { lang: 'zh', embed: true });
      const back = decodeOptimState(`#${hash}`);
      expect(back.errors).toEqual([]);
      expect(raceSettings(back.state)).toEqual(raceSettings(state));
      expect(back.state.claim).toBe(claim.id);
      expect(labRoute(`#${hash}`)).toEqual({ lab: 'optim', embed: true, lang: 'zh' });
    }
    const racers = [
      { type: 'sgd', lr: 0.1, momentum: 0.9, dampening: 0, nesterov: true, weight_decay: 0.01, maximize: true },
      { type: 'adagrad', lr: 0.1, lr_decay: 0.01, initial_accumulator_value: 0.1, eps: 1e-10 },
      { type: 'rmsprop', lr: 0.01, alpha: 0.9, centered: true, momentum: 0.5 },
      { type: 'adamw', lr: 0.01, betas: [0.8, 0.99], amsgrad: true, weight_decay: 0.1 },
    ];
    const hash = encodeOptimState({ ...DEFAULT_STATE, racers, start: [0.5, -1.25], noise: 0.3, seed: 9 });
    expect(hash).toContain('r4=adamw,lr:0.01,betas:0.8/0.99,weight_decay:0.1,amsgrad:1');
    const back = decodeOptimState(`#${hash}`);
    expect(back.errors).toEqual([]);
    expect(back.state.racers).toEqual(racers);
    expect(back.state.start).toEqual([0.5, -1.25]);
  });

  it('keeps the defaults of what it cannot read and says why, without throwing', () => {
    const { state, errors } = decodeOptimState('#lab=optim&surface=moon&steps=99999&r1=lion,lr:1&r2=sgd,lr:abc&r3=adam,lr:0.1,nesterov:1&start=1&bogus=1&cond=%ZZ&seed=1.5');
    expect(state.surface).toBe(DEFAULT_STATE.surface);
    expect(state.steps).toBe(DEFAULT_STATE.steps);
    expect(state.racers).toEqual(DEFAULT_STATE.racers); // no racer could be read
    expect(errors.map((e) => e.key).sort()).toEqual(['', 'bogus', 'r1', 'r2', 'r3', 'seed', 'start', 'steps', 'surface'].sort());
    expect(errors.find((e) => e.key === 'r1').msg).toEqual({ id: 'lab.link.optimizer', params: { got: 'lion', known: 'sgd, adagrad, rmsprop, adam, adamw' } });
    expect(decodeOptimState(`#${'x'.repeat(5000)}`).errors[0].msg.id).toBe('lab.link.long');
    expect(decodeOptimState('#lab=optim&r1=sgd,lr:0.1,lr:0.2').errors[0].msg.id).toBe('lab.link.twice');
    expect(decodeOptimState('#lab=optim&r1=sgd,momentum:0.9').errors[0].msg.id).toBe('lab.link.noLr');
    expect(decodeOptimState('#lab=optim&noise=1e400').errors[0].msg.id).toBe('lab.link.range');
  });
});

describe('the loss lab link', () => {
  it('reads back what it writes and keeps the defaults of what it cannot read', async () => {
    const { decodeLossState, encodeLossState, DEFAULT_LOSS_STATE } = await import('../../../web/src/labs/loss-state.js');
    const state = { p: 0.01, smoothing: 0.1, weight: 2, claim: 'smoothing-weights' };
    const hash = encodeLossState(state, { lang: 'en' });
    expect(hash).toBe('lab=loss&p=0.01&smoothing=0.1&weight=2&claim=smoothing-weights&lang=en');
    expect(decodeLossState(`#${hash}`)).toEqual({ state, errors: [] });
    expect(labRoute(`#${hash}`)).toEqual({ lab: 'loss', embed: false, lang: 'en' });
    const bad = decodeLossState('#lab=loss&p=1&smoothing=x&weight=2&claim=nope&p=0.2');
    expect(bad.state).toEqual({ ...DEFAULT_LOSS_STATE, weight: 2 });
    expect(bad.errors.map((e) => [e.key, e.msg.id])).toEqual([['p', 'lab.link.twice'], ['p', 'lab.link.range'], ['smoothing', 'lab.link.number'], ['claim', 'lab.link.choice']]);
  });
});

describe('the activation lab link', () => {
  it('reads back what it writes and keeps the defaults of what it cannot read', async () => {
    const { decodeActState, encodeActState, DEFAULT_ACT_STATE } = await import('../../../web/src/labs/act-state.js');
    const state = { act: 'elu', param: 0.5, claim: 'softmax' };
    const hash = encodeActState(state, { lang: 'zh', embed: true });
    expect(hash).toBe('lab=act&act=elu&param=0.5&claim=softmax&lang=zh&embed=lab');
    expect(decodeActState(`#${hash}`)).toEqual({ state, errors: [] });
    expect(labRoute(`#${hash}`)).toEqual({ lab: 'act', embed: true, lang: 'zh' });
    const bad = decodeActState('#lab=act&act=gelu&param=-1&x=1');
    expect(bad.state).toEqual(DEFAULT_ACT_STATE);
    expect(bad.errors.map((e) => e.key)).toEqual(['x', 'act', 'param']);
  });
});
