#> pytorch_script.py: the part of every exported PyTorch script that is the same for all experiments.
#> web/src/export/pytorch-script.js renders it: lines starting with '#>' are dropped; '#> slot NAME'
#> ... '#> end' is replaced by the experiment's lines for NAME (what stands between is an example,
#> so this file byte-compiles and reads as a script); '#> if FLAG' ... '#> end' is kept only when
#> FLAG (mnist, synth, dropout) holds. tests/web/export/pytorch-script.test.js compiles it.
#!/usr/bin/env python3
#> slot title
# an experiment
#> end
"""Exported from the neural-network playground: the same experiment, in PyTorch.

Everything the playground did is here in plain torch: the layers (torch.nn), the initialisation
(torch.nn.init) or the playground's own weights, the loss, the optimizer (torch.optim) with the
same hyper-parameters, the batch size, the epochs and the order in which the training samples
are visited. It needs torch and Python's standard library, nothing else.

Usage:
#> slot usage
    python3 experiment.py --data DIR                                  # torch draws the initial weights
    python3 experiment.py --data DIR --weights experiment.safetensors        # start from the playground's
#> end
    options: --epochs N, --steps N (stop after N steps), --seed N, --log-every N, --quiet,
             --device cuda, --save FILE.safetensors (trained weights the playground can load)
#> if mnist

DIR holds the four MNIST IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte,
t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte), raw or gzip'ed (.gz).
#> end

It prints one JSON object a line, as the playground's headless runner does (npm run train -- FILE
--log-every 1): {"step", "epoch", "loss", "accuracy", "samples_per_s"} for each step (mean over
--log-every steps), {"epoch", "train_loss", "train_accuracy", "test_loss", "test_accuracy"} at
the end of each epoch, and a last line with "final": true.

Reproducing the playground's numbers
  * Start from the playground's weights (--weights): without them torch draws its own initial
    weights from the same distributions, but they are other numbers (torch's random generator is
    not the playground's).
  * The batch order is the playground's own: PCG32 (the playground's generator) seeded with the
    experiment's seed, stream 3, reshuffles the sample indices with Fisher-Yates at each epoch
    start, exactly as the playground does (class PCG32 below).
  * Dropout masks come from torch's generator, not the playground's: a dropout layer with p > 0
    gives a run that behaves alike but not the same numbers. Parity needs p = 0 (or eval mode).
  * Both compute in float32 but sum in different orders, so losses agree to about 1e-6 relative
    at first and drift apart slowly, as any two implementations do.
  * Made for PyTorch 1.13 (Debian's python3-torch), where the playground's tests run it; newer
    versions run it too.
#> if dropout
  * This experiment has dropout with p > 0: expect the same behaviour, not the same numbers.
#> end
"""

import argparse
import gzip
import json
import math
import os
import struct
import sys
import time

import torch
from torch import nn

# The experiment as the playground stores it (version 1 of its JSON schema), for reference.
#> slot constants
EXPERIMENT = {'version': 1, 'data': {'set': 'mnist'}}

SEED = 0
EPOCHS = 1
BATCH_SIZE = 64
SHUFFLE = True
INPUT_SHAPE = (1, 28, 28)  # one sample, as the first layer takes it
TRAIN_SAMPLES = 60000
TEST_SAMPLES = 10000
PIXEL_SCALE = 1 / 255  # bytes to [0, 1] floats, as the playground scales them
#> end


# ---- the playground's random generator ----
MASK32 = 0xFFFFFFFF
MASK64 = 0xFFFFFFFFFFFFFFFF
# The core's streams this script replays (nn_rng_stream in c/rng.h: tests check they match).
STREAM_SHUFFLE = 3  # the epoch order
STREAM_SYNTH = 7  # the 2-D teaching sets


class PCG32:
    """PCG32 (XSH-RR, O'Neill 2014) exactly as the playground's core has it (c/rng.c), so this
    script visits the training samples in the playground's order."""

    def __init__(self, seed, stream):
        self.state = 0
        self.inc = ((stream << 1) | 1) & MASK64
        self.next_u32()
        self.state = (self.state + seed) & MASK64
        self.next_u32()

    def next_u32(self):
        old = self.state
        self.state = (old * 6364136223846793005 + self.inc) & MASK64
        xorshifted = (((old >> 18) ^ old) >> 27) & MASK32
        rot = old >> 59
        return ((xorshifted >> rot) | (xorshifted << (-rot & 31))) & MASK32

    def below(self, n):
        """An unbiased integer in [0, n) (Lemire's multiply-and-reject)."""
        m = self.next_u32() * n
        if m & MASK32 < n:
            threshold = (-n & MASK32) % n
            while m & MASK32 < threshold:
                m = self.next_u32() * n
        return m >> 32

    def shuffle(self, items):
        """Fisher-Yates from the last item down, as the playground shuffles each epoch."""
        for i in range(len(items), 1, -1):
            j = self.below(i)
            items[i - 1], items[j] = items[j], items[i - 1]
#> if synth

    def uniform(self):
        """A float in [0, 1) with 24 random bits (exact in float32)."""
        return (self.next_u32() >> 8) * (1.0 / 16777216.0)

    def normal(self):
        """One standard normal value (Box-Muller, no cached pair), in float32 as the core has it."""
        u1 = 1.0 - self.uniform()  # in (0, 1], so log never sees 0
        u2 = self.uniform()
        return f32(f32(math.sqrt(f32(-2.0 * f32(math.log(u1))))) * f32(math.cos(f32(F32_BOX_MULLER * u2))))
#> end


#> if mnist
# ---- MNIST from its IDX files ----
MNIST_FILES = {
    'train': ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte'),
    'test': ('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'),
}


def read_idx(folder, name):
    """One IDX file (raw, or gzip'ed as NAME.gz) as a uint8 tensor of the file's dimensions."""
    paths = [os.path.join(folder, name), os.path.join(folder, name + '.gz')]
    path = next((p for p in paths if os.path.exists(p)), None)
    if path is None:
        raise SystemExit(f'{name}: found neither {paths[0]} nor {paths[1]}; pass --data DIR, the folder '
                         'holding the four MNIST IDX files (the playground serves them gzip\'ed in data/)')
    with open(path, 'rb') as f:
        data = f.read()
    if data[:2] == b'\x1f\x8b':
        data = gzip.decompress(data)
    # Header: two zero bytes, the element type (0x08: unsigned byte), the number of dimensions,
    # then each dimension as a big-endian 32-bit integer.
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise SystemExit(f'{path}: not an IDX file of unsigned bytes')
    ndims = data[3]
    start = 4 + 4 * ndims
    if len(data) < start:
        raise SystemExit(f'{path}: the header is cut short')
    dims = struct.unpack(f'>{ndims}I', data[4:start])
    size = 1
    for d in dims:
        size *= d
    if len(data) - start != size:
        raise SystemExit(f'{path}: dimensions {dims} need {size} bytes, the file holds {len(data) - start}')
    return torch.frombuffer(bytearray(data[start:]), dtype=torch.uint8).reshape(dims)


def load_data(args):
    """Images as uint8 [N, 1, 28, 28] (scaled a batch at a time, as the playground does) and labels."""
    out = []
    for split, limit in (('train', TRAIN_SAMPLES), ('test', TEST_SAMPLES)):
        images_file, labels_file = MNIST_FILES[split]
        images, labels = read_idx(args.data, images_file), read_idx(args.data, labels_file)
        if images.dim() != 3 or images.shape[0] != labels.shape[0]:
            raise SystemExit(f'{images_file}: expected N images of 28x28 for the N labels of {labels_file}')
        # The experiment trains on the first TRAIN_SAMPLES images and tests on the first TEST_SAMPLES.
        out += [images[:limit].unsqueeze(1), labels[:limit].long()]
    return out
#> end
#> if synth
#> slot synth_title
# ---- the spirals points, generated as the playground generates them ----
#> end
# The playground draws its 2-D teaching sets from PCG32 stream 7 of the seed (c/synth.c,
# nn_synth_generate) in float32. This is the same generator, with every float32 operation of the C
# code rounded here with f32(): the labels are the playground's, and so are the coordinates but for
# about one in a thousand that differs in its last bit (6e-8), where the C library's logf, cosf or
# sinf rounds otherwise than Python's math module.

def f32(x):
    """x rounded to the nearest float32, as C rounds each float operation."""
    return struct.unpack('<f', struct.pack('<f', x))[0]


F32_0_2, F32_0_35, F32_0_4, F32_0_9 = f32(0.2), f32(0.35), f32(0.4), f32(0.9)
F32_PI, F32_TWO_PI = f32(3.14159265), f32(6.2831853)
F32_TURNS = f32(f32(1.75) * F32_TWO_PI)  # 1.75 turns of the spiral
F32_BOX_MULLER = f32(6.28318530717958647692)


def make_points(seed, count, noise):
#> slot synth_doc
    """count points in [-1, 1]^2 with labels, the playground's spirals set for this seed."""
#> end
    rng = PCG32(seed, STREAM_SYNTH)
    noise = f32(noise)
    xs, labels = [], []
    for i in range(count):
#> slot synth_point
        label = i & 1
        px = py = 0.0
#> end
        xs.append((f32(px + f32(noise * rng.normal())), f32(py + f32(noise * rng.normal()))))
        labels.append(label)
    return torch.tensor(xs, dtype=torch.float32), torch.tensor(labels, dtype=torch.int64)


def load_data(args):
    # The test points come from another seed so they are not the training points again.
#> slot synth_sets
    train_x, train_y = make_points(1, 300, 0.0)
    test_x, test_y = make_points(2, 300, 0.0)
#> end
    return train_x, train_y, test_x, test_y
#> end


# ---- the network ----
class Net(nn.Module):
#> slot net_doc
    """The layers of the experiment."""
#> end

    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
#> slot modules
            nn.Flatten(),
            nn.Linear(784, 10),
#> end
        )

#> slot forward
    def forward(self, x):
        return self.layers(x).flatten(1)  # [batch, classes]
#> end


@torch.no_grad()
def init_weights(model):
    """The experiment's initialisation, with torch.nn.init."""
#> slot init
    nn.init.kaiming_uniform_(model.layers[1].weight, a=5 ** 0.5)
#> end


# ---- weights as .safetensors (8-byte little-endian header length, a JSON header, F32 data) ----
def read_safetensors(path):
    """{name: tensor} of an F32 .safetensors file (the playground writes them; little-endian machines)."""
    with open(path, 'rb') as f:
        data = f.read()
    (header_length,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + header_length])
    header.pop('__metadata__', None)
    base = 8 + header_length
    tensors = {}
    for name, info in header.items():
        if info['dtype'] != 'F32':
            raise SystemExit(f'{path}: tensor {name} is {info["dtype"]}; only F32 is read')
        begin, end = info['data_offsets']
        values = torch.frombuffer(bytearray(data[base + begin:base + end]), dtype=torch.float32)
        tensors[name] = values.reshape(info['shape'])
    return tensors


def load_weights(model, path):
    """Copies the playground's weights (and batch-norm running statistics) into the model."""
    tensors = read_safetensors(path)
    state = model.state_dict()
    for name, value in tensors.items():
        if name not in state:
            raise SystemExit(f'{path}: tensor {name} does not belong to this model ({", ".join(state)})')
        if tuple(value.shape) != tuple(state[name].shape):
            raise SystemExit(f'{path}: tensor {name} has shape {list(value.shape)}, the model\'s is {list(state[name].shape)}')
    # torch's BatchNorm also counts its batches; the playground does not keep that number.
    missing = [name for name in state if name not in tensors and not name.endswith('num_batches_tracked')]
    if missing:
        raise SystemExit(f'{path}: no tensor {missing[0]}')
    model.load_state_dict(tensors, strict=False)


def save_weights(model, path):
    """Writes the weights as .safetensors, with the playground's names (it can load them back)."""
    header, blobs, offset = {'__metadata__': {'format': 'pt'}}, [], 0
    for name, value in model.state_dict().items():
        if name.endswith('num_batches_tracked'):
            continue
        flat = value.detach().to('cpu', torch.float32).flatten().tolist()
        blob = struct.pack(f'<{len(flat)}f', *flat)
        header[name] = {'dtype': 'F32', 'shape': list(value.shape), 'data_offsets': [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header).encode()
    text += b' ' * (-len(text) % 8)  # the data starts 8-byte aligned
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs))


# ---- loss and optimizer ----
def make_loss(device):
#> slot loss
    return nn.CrossEntropyLoss(label_smoothing=0.0, reduction='mean')
#> end


def make_optimizer(params):
#> slot optimizer
    return torch.optim.SGD(params, lr=0.01, foreach=False)
#> end


# ---- training ----
def to_input(x, device):
    """A batch as float32 in the shape the first layer takes."""
    return (x.to(device).to(torch.float32) * PIXEL_SCALE).reshape(-1, *INPUT_SHAPE)


@torch.no_grad()
def evaluate(model, loss_fn, x, y, device):
    """Loss and accuracy over a whole set in eval mode (batch-norm uses its running statistics)."""
    model.eval()
    outputs = torch.cat([model(to_input(x[i:i + BATCH_SIZE], device)) for i in range(0, len(x), BATCH_SIZE)])
    y = y.to(device)
    loss = loss_fn(outputs, y).item()
    if EXPERIMENT['loss']['reduction'] == 'sum':
        loss /= len(y)  # the summed loss per sample, as the playground reports it
    return loss, (outputs.argmax(1) == y).sum().item() / len(y)


def print_line(obj):
    print(json.dumps(obj), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
#> if mnist
    parser.add_argument('--data', default='data', metavar='DIR', help='folder with the MNIST IDX files (default: data)')
#> end
    parser.add_argument('--weights', metavar='FILE', help='start from these .safetensors weights (the playground exports them)')
    parser.add_argument('--epochs', type=int, default=EPOCHS, help=f'epochs to train (default {EPOCHS})')
    parser.add_argument('--steps', type=int, default=None, help='stop after this many optimizer steps in all')
    parser.add_argument('--seed', type=int, default=SEED, help=f'batch order and torch init (default {SEED})')
    parser.add_argument('--log-every', type=int, default=1, metavar='N', help='a progress line every N steps (default 1)')
    parser.add_argument('--device', default='cpu', help='cpu, cuda, mps... (default cpu)')
    parser.add_argument('--save', metavar='FILE', help='write the trained weights as .safetensors')
    parser.add_argument('--quiet', action='store_true', help='print only the final line')
    args = parser.parse_args()
    log = (lambda obj: None) if args.quiet else print_line

    torch.manual_seed(args.seed)  # torch's own init and dropout; the batch order uses PCG32 below
    device = torch.device(args.device)
    train_x, train_y, test_x, test_y = load_data(args)
    model = Net()
    if args.weights:
        load_weights(model, args.weights)
    else:
        init_weights(model)
    model.to(device)
    loss_fn = make_loss(device)
    optimizer = make_optimizer(model.parameters())

    order_rng = PCG32(args.seed, STREAM_SHUFFLE)  # the playground's shuffle stream
    count = len(train_y)
    step, epochs_done, total_samples, diverged = 0, 0, 0, None
    last_train, epoch_sums = None, None
    started = time.perf_counter()
    window = {'steps': 0, 'loss': 0.0, 'correct': 0, 'samples': 0, 'since': time.perf_counter()}
    for epoch in range(args.epochs):
        if args.steps is not None and step >= args.steps:
            break
        order = list(range(count))
        if SHUFFLE:
            order_rng.shuffle(order)
        order = torch.tensor(order)
        epoch_sums = {'loss': 0.0, 'correct': 0, 'samples': 0}
        for start in range(0, count, BATCH_SIZE):  # the last batch may be short, as in the playground
            if args.steps is not None and step >= args.steps:
                break
            batch = order[start:start + BATCH_SIZE]
            x, y = to_input(train_x[batch], device), train_y[batch].to(device)
            model.train()
            output = model(x)
            loss = loss_fn(output, y)
            value = loss.item()
            if not math.isfinite(value):
                diverged = f'loss became NaN/Inf at step {step + 1}'
                break
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
            correct = (output.argmax(1) == y).sum().item()
            n = len(batch)
            total_samples += n
            epoch_sums['loss'] += value * n
            epoch_sums['correct'] += correct
            epoch_sums['samples'] += n
            window['steps'] += 1
            window['loss'] += value
            window['correct'] += correct
            window['samples'] += n
            if step % args.log_every == 0:
                now = time.perf_counter()
                log({'step': step, 'epoch': epoch, 'loss': window['loss'] / window['steps'],
                     'accuracy': window['correct'] / window['samples'],
                     'samples_per_s': round(window['samples'] / max(now - window['since'], 1e-9))})
                window = {'steps': 0, 'loss': 0.0, 'correct': 0, 'samples': 0, 'since': time.perf_counter()}
        if diverged or epoch_sums['samples'] < count:
            break  # stopped inside the epoch: no epoch line
        test_loss, test_accuracy = evaluate(model, loss_fn, test_x, test_y, device)
        last_train = {'loss': epoch_sums['loss'] / count, 'accuracy': epoch_sums['correct'] / count}
        epoch_sums = None
        epochs_done = epoch + 1
        log({'epoch': epoch, 'train_loss': last_train['loss'], 'train_accuracy': last_train['accuracy'],
             'test_loss': test_loss, 'test_accuracy': test_accuracy})

    seconds = time.perf_counter() - started
    if epoch_sums and epoch_sums['samples']:  # a run stopped inside an epoch reports its running means
        last_train = {'loss': epoch_sums['loss'] / epoch_sums['samples'],
                      'accuracy': epoch_sums['correct'] / epoch_sums['samples']}
    test_loss, test_accuracy = evaluate(model, loss_fn, test_x, test_y, device)
    if diverged:
        print(f'{sys.argv[0]}: {diverged}', file=sys.stderr)
    if args.save:
        save_weights(model, args.save)
    final = {'final': True, 'test_accuracy': test_accuracy, 'test_loss': test_loss,
             'train_loss': last_train['loss'] if last_train else None,
             'train_accuracy': last_train['accuracy'] if last_train else None,
             'steps': step, 'epochs': epochs_done, 'seconds': round(seconds, 3),
             'samples_per_s': round(total_samples / max(seconds, 1e-9))}
    if diverged:
        final.update(diverged=True, error=diverged)
    print_line(final)
    return 3 if diverged else 0


if __name__ == '__main__':
    sys.exit(main())
