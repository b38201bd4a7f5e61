// core.test.js: the wasm loader and its wrapped exports, in the real nn.wasm under Node.
import { beforeAll, describe, expect, it } from 'vitest';
import { Core, createCore, initCore, NnError, SIGNATURES } from '../../../web/src/engine/core.js';
import { LayerKind, Status } from '../../../web/src/engine/enums.js';
import { freshCore, nodeCore } from '../../../web/src/node.js';
import { headerFunctions } from '../nn-header.js';

let core;
beforeAll(async () => {
  core = await freshCore();
});

describe('core loader', () => {
  it('wraps exactly the functions nn.h declares', () => {
    expect(Object.keys(SIGNATURES).sort()).toEqual(headerFunctions());
    for (const name of headerFunctions()) expect(typeof core.fn[name]).toBe('function');
  });

  it('has one shared init promise', async () => {
    const a = nodeCore();
    const b = nodeCore();
    const [x, y] = await Promise.all([a, b]);
    expect(x).toBe(y);
    expect(initCore()).toBe(initCore('ignored the second time'));
    expect(await initCore()).toBe(x);
    expect(x).toBeInstanceOf(Core);
  });

  it('refuses a module that is not nn.wasm', async () => {
    // The smallest valid wasm module: no exports at all.
    const empty = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    await expect(createCore(empty)).rejects.toThrow(/lacks exports: nn_last_error/);
    await expect(createCore(new Uint8Array([1, 2, 3]))).rejects.toThrow();
  });

  it('turns a failed status into an NnError with the C message', () => {
    const net = core.fn.nn_net_create(1, 4, 4);
    try {
      let err;
      try {
        core.fn.nn_add_conv2d(net, 8, 7, 1, 0, 1);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(NnError);
      expect(err.status).toBe(Status.ERR_SHAPE);
      expect(err.code).toBe('NN_ERR_SHAPE');
      expect(err.func).toBe('nn_add_conv2d');
      expect(err.message).toMatch(/layer 0 \(conv2d\).*kernel/);
      // Still usable: the failed layer was not added, a fitting one is.
      core.fn.nn_add_conv2d(net, 8, 3, 1, 0, 1);
      expect(core.fn.nn_layer_count(net)).toBe(1);
      expect(core.layerOutShape(net, 0)).toEqual([8, 2, 2]);
    } finally {
      core.fn.nn_net_free(net);
    }
  });

  it('throws on a NULL object with the C message', () => {
    expect(() => core.fn.nn_net_create(0, 28, 28)).toThrow(/input shape 0x28x28/);
    expect(() => core.fn.nn_add_pool(0, LayerKind.MAXPOOL, 2, 2, 0)).toThrow(NnError);
  });

  it('keeps working after memory grows; fresh views see the new memory', () => {
    const before = core.memory.buffer.byteLength;
    const stale = core.u8(core.scratch, 4);
    const big = core.alloc(before + 32 * 1024 * 1024);
    try {
      expect(core.memory.buffer.byteLength).toBeGreaterThan(before);
      expect(stale.byteLength).toBe(0); // detached: why views are never kept across calls
      const view = core.f32(big, 4);
      view.set([1, 2, 3, 4]);
      expect(Array.from(core.f32(big, 4))).toEqual([1, 2, 3, 4]);
      expect(core.fn.nn_l2_norm(big, 4)).toBeCloseTo(Math.sqrt(30), 5);
    } finally {
      core.free(big);
    }
  });

  it('reads C strings as UTF-8', () => {
    const text = 'größe 3×3 → ok';
    const bytes = new TextEncoder().encode(`${text}\0`);
    core.withCopy(bytes, (ptr) => expect(core.readString(ptr)).toBe(text));
  });

  it('fills the histogram and statistics out-parameters', () => {
    core.withCopy(new Float32Array([-1, 0, 1, 2]), (ptr) => {
      const h = core.histogram(ptr, 4, 4, -1, 2);
      expect(Array.from(h.counts)).toEqual([1, 1, 1, 1]);
      expect(h.min).toBe(-1);
      expect(h.max).toBe(2);
      expect(h.mean).toBeCloseTo(0.5, 6);
      // torch.std is the unbiased one; either convention is fine as long as it is a std
      expect([Math.sqrt(1.25), Math.sqrt(5 / 3)].some((s) => Math.abs(h.std - s) < 1e-5)).toBe(true);
      // Each part alone: the statistics without counts, the counts without statistics.
      const only = core.histogram(ptr, 4, 0);
      expect(only.counts).toHaveLength(0);
      expect([only.min, only.max, only.mean, only.std]).toEqual([h.min, h.max, h.mean, h.std]);
      const counts = core.histogram(ptr, 4, 2, -1, 2, { stats: false });
      expect(Array.from(counts.counts)).toEqual([2, 2]);
      expect(counts.min).toBeUndefined();
    });
  });

  it('passes 64-bit seeds as BigInt and reads back the step count', () => {
    const net = core.fn.nn_net_create(2, 1, 1);
    try {
      core.fn.nn_add_dense(net, 2, 1);
      core.fn.nn_build(net, 4);
      core.fn.nn_seed(net, 2 ** 53 - 1);
      core.fn.nn_set_optim_step_count(net, 12345);
      expect(core.fn.nn_optim_step_count(net)).toBe(12345);
    } finally {
      core.fn.nn_net_free(net);
    }
  });
});
