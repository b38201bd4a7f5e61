// pytorch.js: exports an experiment as one runnable PyTorch script (torch.nn model, torch.nn.init,
// torch.optim, the same loss, an IDX reader, and the playground's batch order re-implemented in
// Python), plus the playground's weights as .safetensors. Knows nothing of the page or of Node.
//
// The script needs only torch and Python's standard library. It reproduces a playground run when
// it starts from the exported weights (--weights): the batch order is the core's own (a Python
// copy of the PCG32 stream and Fisher-Yates shuffle of c/rng.c and c/data.c), so the two print
// the same losses step for step, up to float32 rounding (tests/web/export/pytorch.test.js checks
// 20 steps to 1e-4 relative). Dropout masks come from torch's generator, not the playground's:
// with dropout p > 0 the runs agree in distribution only.

import { parseExperiment } from '../experiment/validate.js';
import { INIT_SETS_BIASES } from '../experiment/schema.js';

/** Where the 2-D teaching sets' test points start (must match TEST_SEED_OFFSET in data/datasets.js). */
const TEST_SEED_OFFSET = 0x9e3779b97f4a7c15n;
const U64 = (1n << 64n) - 1n;

// ---- Python literals from JS values (every number comes from a validated experiment) ----

/** A finite number as a Python float literal (String() gives the shortest round-trip form). */
function pyFloat(x) {
  if (!Number.isFinite(x)) throw new Error(`export: ${x} has no Python literal`);
  if (Object.is(x, -0)) return '0.0';
  const s = String(x);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

const pyBool = (b) => (b ? 'True' : 'False');

/**
 * Any text as a Python string literal in printable ASCII: quotes and backslashes escaped, every
 * other character as \uXXXX or \UXXXXXXXX, so no text a hostile link carries can end the literal
 * early or hide a line break.
 */
function pyString(text) {
  let out = "'";
  for (const ch of String(text)) {
    const cp = ch.codePointAt(0);
    if (ch === "'" || ch === '\\') out += `\\${ch}`;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}'`;
}

/**
 * A JSON value as a Python literal (dicts, lists, True/False/None), one line when it fits in
 * `width` columns, else one item a line. Strings go through pyString, so they stay literals.
 */
function pyLiteral(value, indent = '', width = 100) {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return pyBool(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`export: ${value} has no Python literal`);
    return String(value);
  }
  if (typeof value === 'string') return pyString(value);
  const inner = `${indent}    `;
  const items = Array.isArray(value)
    ? value.map((x) => [null, x])
    : Object.entries(value);
  const one = (key, x, ind) => `${key === null ? '' : `${pyLiteral(key)}: `}${pyLiteral(x, ind, width)}`;
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  const flat = `${open}${items.map(([k, x]) => one(k, x, '')).join(', ')}${close}`;
  if (!flat.includes('\n') && indent.length + flat.length <= width) return flat;
  return `${open}\n${items.map(([k, x]) => `${inner}${one(k, x, inner)},`).join('\n')}\n${indent}${close}`;
}

/** User text (a name, a description) made safe for one `#` comment line. */
function commentText(text, max = 160) {
  const clean = String(text)
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .trim();
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

const product = (xs) => xs.reduce((a, b) => a * b, 1);
/** (c, h, w) as a person reads it: [c] for flat features, unless `image` asks for all three. */
const showShape = ([c, h, w], image = false) => (h === 1 && w === 1 && !image ? `[${c}]` : `[${c}, ${h}, ${w}]`);
const IMAGE_LAYERS = new Set(['conv2d', 'maxpool', 'avgpool']);

// ---- the network, layer by layer ----

/**
 * Walks the layer stack as the core does: each layer's input and output shape (channels, height,
 * width; flat features are (F, 1, 1)), the torch module that computes it, and whether torch needs
 * the tensor reshaped first. torch keeps a tensor [batch, F] after Flatten or Linear and
 * [batch, C, H, W] after 2-D layers; the core sees both as (C, H, W), so a 2-D layer after a flat
 * vector needs [batch, F, 1, 1] and a Linear after a 1x1 image needs flattening.
 */
function planLayers(experiment) {
  const mnist = experiment.data.set === 'mnist';
  let shape = mnist ? [1, 28, 28] : [2, 1, 1];
  let image = mnist; // torch's tensor is [batch, C, H, W] (true) or [batch, F] (false)
  const fail = (i, message) => {
    throw new Error(`export: layers[${i}]: ${message}`);
  };
  const windowed = (i, kernel, stride, padding, [c, h, w], channels) => {
    const outH = Math.floor((h + 2 * padding - kernel) / stride) + 1;
    const outW = Math.floor((w + 2 * padding - kernel) / stride) + 1;
    if (!(outH >= 1 && outW >= 1)) fail(i, `kernel ${kernel} does not fit the input ${showShape([c, h, w])} with padding ${padding}`);
    return [channels, outH, outW];
  };
  return experiment.layers.map((layer, i) => {
    const inShape = shape;
    const [c, h, w] = inShape;
    const flat = h === 1 && w === 1;
    let module;
    let reshape = null; // 'flatten' | 'image'
    let outShape = inShape;
    let params = 0;
    switch (layer.type) {
      case 'dense': {
        if (!flat) fail(i, `a dense layer needs flat features, got ${showShape(inShape)} (put a flatten layer before it)`);
        if (image) reshape = 'flatten';
        module = `nn.Linear(${c}, ${layer.units}${layer.bias ? '' : ', bias=False'})`;
        outShape = [layer.units, 1, 1];
        params = c * layer.units + (layer.bias ? layer.units : 0);
        image = false;
        break;
      }
      case 'conv2d':
        if (!image) reshape = 'image';
        module = `nn.Conv2d(${c}, ${layer.filters}, kernel_size=${layer.kernel}, stride=${layer.stride}, padding=${layer.padding}${layer.bias ? '' : ', bias=False'})`;
        outShape = windowed(i, layer.kernel, layer.stride, layer.padding, inShape, layer.filters);
        params = layer.filters * c * layer.kernel * layer.kernel + (layer.bias ? layer.filters : 0);
        image = true;
        break;
      case 'maxpool':
      case 'avgpool':
        if (!image) reshape = 'image';
        // AvgPool2d counts the zero padding in each window's mean (count_include_pad=True), as the core does.
        module = `nn.${layer.type === 'maxpool' ? 'MaxPool2d' : 'AvgPool2d'}(kernel_size=${layer.kernel}, stride=${layer.stride}, padding=${layer.padding})`;
        outShape = windowed(i, layer.kernel, layer.stride, layer.padding, inShape, c);
        image = true;
        break;
      case 'flatten':
        module = 'nn.Flatten()';
        outShape = [c * h * w, 1, 1];
        image = false;
        break;
      case 'dropout':
        module = `nn.Dropout(p=${pyFloat(layer.p)})`;
        break;
      case 'batchnorm':
        // Per feature of a flat vector (BatchNorm1d) or per channel of an image (BatchNorm2d).
        module = `nn.${image ? 'BatchNorm2d' : 'BatchNorm1d'}(${c}, eps=${pyFloat(layer.eps)}, momentum=${pyFloat(layer.momentum)})`;
        params = 2 * c;
        break;
      case 'tanh': module = 'nn.Tanh()'; break;
      case 'sigmoid': module = 'nn.Sigmoid()'; break;
      case 'relu': module = 'nn.ReLU()'; break;
      case 'leaky_relu': module = `nn.LeakyReLU(negative_slope=${pyFloat(layer.negative_slope)})`; break;
      case 'elu': module = `nn.ELU(alpha=${pyFloat(layer.alpha)})`; break;
      case 'swish': module = 'nn.SiLU()'; break; // Swish with beta 1: x * sigmoid(x)
      case 'softmax':
        if (!flat) fail(i, `softmax needs flat features, got ${showShape(inShape)} (put a flatten layer before it)`);
        module = 'nn.Softmax(dim=1)';
        break;
      case 'identity': module = 'nn.Identity()'; break;
      default: fail(i, `unknown layer type ${JSON.stringify(layer.type)}`);
    }
    shape = outShape;
    return { index: i, layer, module, inShape, outShape, reshape, params };
  });
}

// ---- initialisation as torch.nn.init calls ----

/** Python lines that initialise `tensor` (e.g. "layers[1].weight") of plan entry p with spec. */
function initLines(spec, p, role) {
  const tensor = `layers[${p.index}].${role}`;
  switch (spec.type) {
    case 'torch_default': // only dense and conv2d layers take an init (batch-norm keeps 1 and 0)
      if (role === 'weight') return [`nn.init.kaiming_uniform_(${tensor}, a=5 ** 0.5)  # what nn.Linear/nn.Conv2d do themselves: U(+-1/sqrt(fan_in))`];
      return [`bound = 1 / layers[${p.index}].weight[0].numel() ** 0.5  # torch's default bias: U(+-1/sqrt(fan_in))`, `nn.init.uniform_(${tensor}, -bound, bound)`];
    case 'zeros': return [`nn.init.zeros_(${tensor})`];
    case 'constant': return [`nn.init.constant_(${tensor}, ${pyFloat(spec.value)})`];
    case 'uniform': return [`nn.init.uniform_(${tensor}, ${pyFloat(spec.a)}, ${pyFloat(spec.b)})`];
    case 'normal': return [`nn.init.normal_(${tensor}, mean=${pyFloat(spec.mean)}, std=${pyFloat(spec.std)})`];
    case 'xavier_uniform':
    case 'xavier_normal':
      return [`nn.init.${spec.type}_(${tensor}, gain=${pyFloat(spec.gain)})`];
    case 'kaiming_uniform':
    case 'kaiming_normal':
      return [`nn.init.${spec.type}_(${tensor}, a=${pyFloat(spec.a)}, mode=${pyString(spec.mode)}, nonlinearity=${pyString(spec.nonlinearity)})`];
    case 'msra_lesson': {
      const fanIn = p.layer.type === 'conv2d' ? p.inShape[0] * p.layer.kernel * p.layer.kernel : p.inShape[0];
      return [`nn.init.normal_(${tensor}, 0.0, (1 / ${tensor}[0].numel()) ** 0.5)  # the lesson's MSRA: N(0, sqrt(1/fan_in)), fan_in = ${fanIn}`];
    }
    default: throw new Error(`export: unknown initialiser ${JSON.stringify(spec.type)}`);
  }
}

const describeInit = (spec) => {
  const args = Object.entries(spec).filter(([k]) => k !== 'type').map(([k, v]) => `${k}=${typeof v === 'string' ? v : pyFloat(v)}`);
  return args.length ? `${spec.type}(${args.join(', ')})` : spec.type;
};

/** The body of init_weights(model): the global init as nn_init_all applies it, then per-layer overrides. */
function initBody(experiment, plan) {
  const g = experiment.init;
  const lines = ['layers = model.layers'];
  const weighted = plan.filter((p) => p.layer.type === 'dense' || p.layer.type === 'conv2d');
  if (g.type === 'torch_default') {
    lines.shift(); // nothing to call unless a layer overrides it
    lines.push('# Global init torch_default: nn.Linear and nn.Conv2d initialised themselves when they were');
    lines.push('# built (weight and bias U(+-1/sqrt(fan_in))); BatchNorm starts at weight 1, bias 0.');
  } else {
    if (INIT_SETS_BIASES.includes(g.type)) {
      lines.push(`# Global init: ${describeInit(g)} on the weight AND the bias of every Linear and Conv2d`);
      lines.push('# layer: the lesson\'s all-zero (or all-same) start means every parameter.');
    } else {
      lines.push(`# Global init: ${describeInit(g)} on the weight of every Linear and Conv2d layer; their`);
      lines.push("# biases keep torch's default, U(+-1/sqrt(fan_in)), drawn when the layer was built.");
    }
    if (plan.some((p) => p.layer.type === 'batchnorm')) lines.push('# BatchNorm keeps weight 1, bias 0 (no global init touches it).');
    for (const p of weighted) {
      lines.push(...initLines(g, p, 'weight'));
      if (p.layer.bias && (INIT_SETS_BIASES.includes(g.type))) lines.push(...initLines(g, p, 'bias'));
    }
  }
  const overrides = plan.filter((p) => p.layer.init?.weight || p.layer.init?.bias);
  if (overrides.length && lines[0] !== 'layers = model.layers') lines.unshift('layers = model.layers');
  if (overrides.length) lines.push('# Per-layer choices, applied after the global one:');
  for (const p of overrides) {
    for (const role of ['weight', 'bias']) {
      const spec = p.layer.init[role];
      if (spec) lines.push(...initLines(spec, p, role));
    }
  }
  return lines;
}

// ---- loss and optimizer ----

function lossCode(experiment, classes) {
  const l = experiment.loss;
  if (l.type === 'mse') {
    return [
      `# Mean squared error against one-hot targets, ${l.reduction === 'mean' ? 'averaged over batch x classes' : 'summed over batch and classes'}.`,
      `mse = nn.MSELoss(reduction=${pyString(l.reduction)})`,
      '',
      'def loss_fn(output, labels):',
      `    return mse(output, nn.functional.one_hot(labels, ${classes}).to(output.dtype))`,
      '',
      'return loss_fn',
    ];
  }
  const args = [];
  if (l.class_weights) args.push(`weight=torch.tensor([${l.class_weights.map(pyFloat).join(', ')}], device=device)`);
  args.push(`label_smoothing=${pyFloat(l.label_smoothing)}`, `reduction=${pyString(l.reduction)}`);
  return [
    '# Softmax and negative log-likelihood in one numerically stable step, on the raw outputs.',
    `return nn.CrossEntropyLoss(${args.join(', ')})`,
  ];
}

const OPTIMIZERS = {
  sgd: ['SGD', ['lr', 'momentum', 'dampening', 'weight_decay', 'nesterov', 'maximize']],
  adagrad: ['Adagrad', ['lr', 'lr_decay', 'weight_decay', 'initial_accumulator_value', 'eps', 'maximize']],
  rmsprop: ['RMSprop', ['lr', 'alpha', 'eps', 'weight_decay', 'momentum', 'centered', 'maximize']],
  adam: ['Adam', ['lr', 'betas', 'eps', 'weight_decay', 'amsgrad', 'maximize']],
  adamw: ['AdamW', ['lr', 'betas', 'eps', 'weight_decay', 'amsgrad', 'maximize']],
};

function optimizerCall(o) {
  const [name, fields] = OPTIMIZERS[o.type];
  const args = fields.map((f) => {
    const v = o[f];
    if (f === 'betas') return `betas=(${pyFloat(v[0])}, ${pyFloat(v[1])})`;
    return `${f}=${typeof v === 'boolean' ? pyBool(v) : pyFloat(v)}`;
  });
  // foreach=False: the plain per-parameter loop, the update rule torch.optim's documentation prints.
  return `torch.optim.${name}(params, ${args.join(', ')}, foreach=False)`;
}

// ---- the 2-D teaching sets, generated as the core generates them ----

const SYNTH_POINT = {
  xor: [
    '            px = f32(f32(2.0 * rng.uniform()) - 1.0)',
    '            py = f32(f32(2.0 * rng.uniform()) - 1.0)',
    '            label = int((px > 0.0) != (py > 0.0))',
  ],
  circles: [
    '            label = i & 1',
    '            u = rng.uniform()',
    '            radius = f32(0.5 + f32(F32_0_4 * u)) if label else f32(F32_0_35 * u)',
    '            angle = f32(F32_TWO_PI * rng.uniform())',
    '            px = f32(radius * f32(math.cos(angle)))',
    '            py = f32(radius * f32(math.sin(angle)))',
  ],
  spirals: [
    '            label = i & 1',
    '            t = rng.uniform()',
    '            radius = f32(F32_0_9 * t)',
    '            angle = f32(f32(F32_TURNS * t) + (F32_PI if label else 0.0))',
    '            px = f32(radius * f32(math.cos(angle)))',
    '            py = f32(radius * f32(math.sin(angle)))',
  ],
  gaussians: [
    '            label = i & 1',
    '            centre = 0.5 if label else -0.5',
    '            px = f32(centre + f32(F32_0_2 * rng.normal()))',
    '            py = f32(centre + f32(F32_0_2 * rng.normal()))',
  ],
};

function synthCode(data, seed) {
  const trainSeed = BigInt(seed) & U64;
  const testSeed = (trainSeed + TEST_SEED_OFFSET) & U64;
  return String.raw`
# ---- the ${data.set} points, generated as the playground generates them ----
# The playground draws its 2-D teaching sets from PCG32 stream 7 of the seed (c/data.c,
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
    """count points in [-1, 1]^2 with labels, the playground's ${data.set} set for this seed."""
    rng = PCG32(seed, 7)
    noise = f32(noise)
    xs, labels = [], []
    for i in range(count):
${SYNTH_POINT[data.set].map((line) => line.slice(4)).join('\n')}
        xs.append((f32(px + f32(noise * rng.normal())), f32(py + f32(noise * rng.normal()))))
        labels.append(label)
    return torch.tensor(xs, dtype=torch.float32), torch.tensor(labels, dtype=torch.int64)


def load_data(args):
    # The test points come from another seed so they are not the training points again.
    train_x, train_y = make_points(${trainSeed}, ${data.count}, ${pyFloat(data.noise)})
    test_x, test_y = make_points(${testSeed}, ${data.test_count}, ${pyFloat(data.noise)})
    return train_x, train_y, test_x, test_y
`;
}

const MNIST_CODE = String.raw`
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
`;

// ---- the whole script ----

/**
 * The text of a Python script that trains `experiment` with PyTorch. options:
 *   scriptName:   the script's file name, for the usage lines (default "experiment.py")
 *   weightsFile:  the weights file exported beside it, for the usage lines (default: scriptName
 *                 with .safetensors)
 * Throws an ExperimentError for an invalid experiment, an Error for a stack that cannot be built.
 */
export function exportPytorch(experimentInput, options = {}) {
  const e = parseExperiment(experimentInput);
  // File names appear in the docstring: letters, digits, '.', '-' and '_' only.
  const fileName = (name) => String(name).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
  const scriptName = fileName(options.scriptName ?? 'experiment.py');
  const weightsFile = fileName(options.weightsFile ?? weightsFileFor(scriptName));
  const mnist = e.data.set === 'mnist';
  const plan = planLayers(e);
  const last = plan.at(-1).outShape;
  const classes = product(last);
  const expectedClasses = mnist ? 10 : 2;
  if (classes !== expectedClasses) {
    throw new Error(`export: the network ends with ${classes} outputs per sample, but the ${e.data.set} data set has ${expectedClasses} classes`);
  }
  const totalParams = plan.reduce((s, p) => s + p.params, 0);
  const hasDropout = plan.some((p) => p.layer.type === 'dropout' && p.layer.p > 0);

  const moduleLines = plan.map((p, i) => {
    const code = `            ${p.module},`;
    const image = IMAGE_LAYERS.has(p.layer.type);
    const note = `# ${i}: ${showShape(p.inShape, image)} -> ${showShape(p.outShape, image)}${p.params ? `, ${p.params} parameters` : ''}`;
    return `${code.padEnd(72)}  ${note}`;
  });
  const toImage = plan.filter((p) => p.reshape === 'image').map((p) => p.index);
  const toFlat = plan.filter((p) => p.reshape === 'flatten').map((p) => p.index);
  const forward = toImage.length || toFlat.length
    ? [
      '    def forward(self, x):',
      '        # The playground sees a flat vector of F values as F channels of 1x1 pixels, and a 1x1 image',
      '        # as a flat vector; torch needs those reshapes spelled out where the layers change kind.',
      '        for i, layer in enumerate(self.layers):',
      `            if i in (${toImage.join(', ')}${toImage.length === 1 ? ',' : ''}):`,
      '                x = x[:, :, None, None]',
      `            elif i in (${toFlat.join(', ')}${toFlat.length === 1 ? ',' : ''}):`,
      '                x = x.flatten(1)',
      '            x = layer(x)',
      '        return x.flatten(1)  # [batch, classes]',
    ]
    : [
      '    def forward(self, x):',
      '        return self.layers(x).flatten(1)  # [batch, classes]',
    ];

  const title = commentText(e.name ?? 'an experiment');
  const about = e.description ? [`# ${commentText(e.description, 300)}`] : [];
  const inputShape = mnist ? '(1, 28, 28)' : '(2,)';

  return String.raw`#!/usr/bin/env python3
# ${title}
${about.join('\n')}${about.length ? '\n' : ''}"""Exported from the neural-network playground: the same experiment, in PyTorch.

Everything the playground did is here in plain torch: the layers (torch.nn), the initialisation
(torch.nn.init) or the playground's own weights, the loss, the optimizer (torch.optim) with the
same hyper-parameters, the batch size, the epochs and the order in which the training samples
are visited. It needs torch and Python's standard library, nothing else.

Usage:
    python3 ${scriptName}${mnist ? ' --data DIR' : ''}                                  # torch draws the initial weights
    python3 ${scriptName}${mnist ? ' --data DIR' : ''} --weights ${weightsFile}        # start from the playground's
    options: --epochs N, --steps N (stop after N steps), --seed N, --log-every N, --quiet,
             --device cuda, --save FILE.safetensors (trained weights the playground can load)
${mnist ? String.raw`
DIR holds the four MNIST IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte,
t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte), raw or gzip'ed (.gz).
` : ''}
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
    versions run it too.${hasDropout ? `
  * This experiment has dropout with p > 0: expect the same behaviour, not the same numbers.` : ''}
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
EXPERIMENT = ${pyLiteral(e)}

SEED = ${e.seed}
EPOCHS = ${e.epochs}
BATCH_SIZE = ${e.batch_size}
SHUFFLE = ${pyBool(e.shuffle)}
INPUT_SHAPE = ${inputShape}  # one sample, as the first layer takes it
${mnist ? `TRAIN_SAMPLES = ${e.data.train_samples}
TEST_SAMPLES = ${e.data.test_samples}
PIXEL_SCALE = 1 / 255  # bytes to [0, 1] floats, as the playground scales them` : 'PIXEL_SCALE = 1.0  # the points are floats already'}


# ---- the playground's random generator ----
MASK32 = 0xFFFFFFFF
MASK64 = 0xFFFFFFFFFFFFFFFF


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
${mnist ? '' : String.raw`
    def uniform(self):
        """A float in [0, 1) with 24 random bits (exact in float32)."""
        return (self.next_u32() >> 8) * (1.0 / 16777216.0)

    def normal(self):
        """One standard normal value (Box-Muller, no cached pair), in float32 as the core has it."""
        u1 = 1.0 - self.uniform()  # in (0, 1], so log never sees 0
        u2 = self.uniform()
        return f32(f32(math.sqrt(f32(-2.0 * f32(math.log(u1))))) * f32(math.cos(f32(F32_BOX_MULLER * u2))))
`}
${mnist ? MNIST_CODE : synthCode(e.data, e.seed)}

# ---- the network ----
class Net(nn.Module):
    """${plan.length} layers, ${totalParams} parameters. Tensor names (layers.1.weight ...) are the playground's."""

    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(
${moduleLines.join('\n')}
        )

${forward.join('\n')}


@torch.no_grad()
def init_weights(model):
    """The experiment's initialisation, with torch.nn.init."""
${initBody(e, plan).map((l) => `    ${l}`).join('\n')}


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
${lossCode(e, classes).map((l) => (l ? `    ${l}` : '')).join('\n')}


def make_optimizer(params):
    return ${optimizerCall(e.optimizer)}


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
${mnist ? "    parser.add_argument('--data', default='data', metavar='DIR', help='folder with the MNIST IDX files (default: data)')\n" : ''}    parser.add_argument('--weights', metavar='FILE', help='start from these .safetensors weights (the playground exports them)')
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

    order_rng = PCG32(args.seed, 3)  # the playground's shuffle stream
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
`;
}

/** The weights file that goes beside a script: "cnn.py" -> "cnn.safetensors". */
export function weightsFileFor(scriptPath) {
  return /\.py$/i.test(scriptPath) ? scriptPath.replace(/\.py$/i, '.safetensors') : `${scriptPath}.safetensors`;
}

/**
 * The script and the weights a session holds now, for the page's Export button and the runner's
 * --export-pytorch: {script, weights: Uint8Array (.safetensors)}. A fresh session holds the seed's
 * initial weights, so the script started with --weights reproduces the playground's run.
 * options: {scriptName, weightsFile} as for exportPytorch.
 */
export function exportPytorchBundle(session, options = {}) {
  const scriptName = options.scriptName ?? 'experiment.py';
  const script = exportPytorch(session.experiment, { scriptName, weightsFile: options.weightsFile ?? weightsFileFor(scriptName) });
  // The script's layer shapes are worked out here; they must be the ones the core built.
  const plan = planLayers(parseExperiment(session.experiment));
  plan.forEach((p, i) => {
    const built = session.layers[i]?.outShape;
    if (!built || built.join() !== p.outShape.join()) {
      throw new Error(`export: layer ${i} gives ${showShape(p.outShape)} in the script but ${built ? showShape(built) : 'nothing'} in the playground`);
    }
  });
  const weights = session.saveWeights({ exported_to: 'pytorch', step: String(session.step) });
  return { script, weights };
}
