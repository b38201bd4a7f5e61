#!/usr/bin/env python3
"""make_seeds.py: writes the small seed corpus of each harness (tests/fuzz/corpus/<name>/), one
valid input of each interesting shape, in the byte language of input.h. Run once; the files are
committed. libFuzzer mutates from these, so the runs start inside the accepted inputs."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(harness, name, data):
    folder = os.path.join(HERE, 'corpus', harness)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), 'wb') as f:
        f.write(bytes(data))


def u8(x): return bytes([x & 0xFF])
def u32(x): return struct.pack('<I', x & 0xFFFFFFFF)
def u64(x): return struct.pack('<Q', x & 0xFFFFFFFFFFFFFFFF)
def f32(x): return struct.pack('<f', x)
def size(n): return u8(0) + u8(n - 1)          # take_size: "usual" branch, 1 + byte % max
def param(byte): return u8(0) + u8(byte)         # take_param: byte / 255


# ---- IDX files: big-endian header, unsigned bytes ----
def idx(dims, fill=7):
    out = bytes([0, 0, 8, len(dims)]) + b''.join(struct.pack('>I', d) for d in dims)
    n = 1
    for d in dims:
        n *= d
    return out + bytes([(fill * i) & 0xFF for i in range(n)])


write('idx', 'labels-1d', idx([10]))
write('idx', 'images-3d', idx([2, 4, 4]))
write('idx', 'four-dims', idx([1, 2, 2, 3]))
write('idx', 'truncated', idx([3, 4, 4])[:-5])
write('idx', 'gzip-magic', bytes([0x1F, 0x8B, 8, 0, 0, 0, 0, 0]))

# ---- networks: input shape, layers, batch, then the training program ----
def layer_dense(units): return u8(0) + size(units) + u8(1)
def layer_conv(filters, kernel, stride, padding): return u8(1) + size(filters) + size(kernel) + size(stride) + size(padding + 1) + u8(1)
def layer_maxpool(kernel): return u8(2) + size(kernel) + size(kernel) + size(1) + u8(0)
def layer_flatten(): return u8(4)
def layer_dropout(p): return u8(5) + param(p)
def layer_batchnorm(): return u8(6) + u8(0) + param(25)
def layer_relu(): return u8(10) + u8(0) + param(0)  # activations: TANH + kind % 8, and RELU = TANH + 2
def training(seed=1, init=0, optimizer=3, steps=8):
    prog = u64(seed) + u8(init) + param(0) + param(0) + u8(0) + u8(4)  # init_all
    prog += u8(0) + u8(0) + u8(0) + param(0) + param(255) + u8(0) + u8(0)  # init_param
    prog += u8(255)  # no class weights
    prog += u8(0) + u8(0) + param(0)  # cross-entropy, mean, no smoothing
    prog += u8(optimizer) + u8(1) + u8(0) + param(3) + u8(0)  # one hyper: lr = 3/255
    prog += u8(steps)  # samples in the batch
    prog += b''.join(u8(0) + u8(i * 37) for i in range(200))
    return prog


mlp = size(2) + size(1) + size(1) + u8(4) + layer_dense(16) + layer_relu() + layer_dropout(60) + layer_dense(3) + size(8) + training()
write('net', 'mlp', mlp)
cnn = (size(1) + size(8) + size(8) + u8(6) + layer_conv(4, 3, 1, 1) + layer_batchnorm() + layer_relu()
       + layer_maxpool(2) + layer_flatten() + layer_dense(10) + size(4) + training(seed=2, optimizer=0))
write('net', 'cnn', cnn)
write('net', 'empty', b'')

# ---- the 2-D sets ----
for kind, name in enumerate(['xor', 'circles', 'spirals', 'gaussians']):
    write('synth', name, u32(kind + 1) + u64(kind) + u64(64) + u8(0) + param(25))
write('synth', 'too-many', u32(1) + u64(0) + u64(2_000_000) + u8(0) + param(0))

# ---- histograms ----
values = b''.join(f32(x) for x in [0.0, -0.5, 0.25, 1.0, 3.0, -2.0])
write('histogram', 'weights', u32(45) + f32(-1.0) + f32(1.0) + u8(1) + values)
write('histogram', 'nan-inf', u32(15) + f32(0.0) + f32(1.0) + u8(1) + f32(float('nan')) + f32(float('inf')) + f32(float('-inf')))
write('histogram', 'empty-range', u32(7) + f32(2.0) + f32(2.0) + u8(1) + values)
