// pytorch-script.js: writes the experiment-specific lines of an exported PyTorch script (the
// torch.nn model, torch.nn.init calls, the loss, the optimizer, the constants, the 2-D set) into
// pytorch_script.py, which holds everything else (PCG32, the IDX reader, safetensors I/O,
// evaluation, main). Takes the template's text as an argument: pytorch.js passes it in the page's
// bundle (Vite's ?raw), pytorch-node.js reads it from disk. Knows nothing of the page or of Node.
//
// The script needs only torch and Python's standard library. It reproduces a playground run when
// it starts from the exported weights (--weights): the batch order is the core's own (a Python
// copy of the PCG32 stream and Fisher-Yates shuffle of c/rng.c and c/train.c), so the two print
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
 * The torch module of each layer, given the shapes the core planned for it (planExperiment's or a
 * Session's layers: [{inShape, outShape, params}], (channels, height, width), flat features as
 * (F, 1, 1)), and whether torch needs the tensor reshaped first. torch keeps a tensor [batch, F]
 * after Flatten or Linear and [batch, C, H, W] after 2-D layers; the core sees both as (C, H, W),
 * so a 2-D layer after a flat vector needs [batch, F, 1, 1] and a Linear after a 1x1 image needs
 * flattening.
 */
function planLayers(experiment, coreLayers) {
  if (!Array.isArray(coreLayers) || coreLayers.length !== experiment.layers.length) {
    throw new Error(`export: options.layers must be the core's plan of all ${experiment.layers.length} layers (a Session's layers, or planExperiment(...).layers), got ${Array.isArray(coreLayers) ? coreLayers.length : 'none'}`);
  }
  let image = experiment.data.set === 'mnist'; // torch's tensor is [batch, C, H, W] (true) or [batch, F] (false)
  return experiment.layers.map((layer, i) => {
    const { inShape, outShape, params } = coreLayers[i];
    const [c] = inShape;
    let module;
    let reshape = null; // 'flatten' | 'image'
    switch (layer.type) {
      case 'dense':
        if (image) reshape = 'flatten';
        module = `nn.Linear(${c}, ${layer.units}${layer.bias ? '' : ', bias=False'})`;
        image = false;
        break;
      case 'conv2d':
        if (!image) reshape = 'image';
        module = `nn.Conv2d(${c}, ${layer.filters}, kernel_size=${layer.kernel}, stride=${layer.stride}, padding=${layer.padding}${layer.bias ? '' : ', bias=False'})`;
        image = true;
        break;
      case 'maxpool':
      case 'avgpool':
        if (!image) reshape = 'image';
        // AvgPool2d counts the zero padding in each window's mean (count_include_pad=True), as the core does.
        module = `nn.${layer.type === 'maxpool' ? 'MaxPool2d' : 'AvgPool2d'}(kernel_size=${layer.kernel}, stride=${layer.stride}, padding=${layer.padding})`;
        image = true;
        break;
      case 'flatten':
        module = 'nn.Flatten()';
        image = false;
        break;
      case 'dropout':
        module = `nn.Dropout(p=${pyFloat(layer.p)})`;
        break;
      case 'batchnorm':
        // Per feature of a flat vector (BatchNorm1d) or per channel of an image (BatchNorm2d).
        module = `nn.${image ? 'BatchNorm2d' : 'BatchNorm1d'}(${c}, eps=${pyFloat(layer.eps)}, momentum=${pyFloat(layer.momentum)})`;
        break;
      case 'tanh': module = 'nn.Tanh()'; break;
      case 'sigmoid': module = 'nn.Sigmoid()'; break;
      case 'relu': module = 'nn.ReLU()'; break;
      case 'leaky_relu': module = `nn.LeakyReLU(negative_slope=${pyFloat(layer.negative_slope)})`; break;
      case 'elu': module = `nn.ELU(alpha=${pyFloat(layer.alpha)})`; break;
      case 'swish': module = 'nn.SiLU()'; break; // Swish with beta 1: x * sigmoid(x)
      case 'softmax': module = 'nn.Softmax(dim=1)'; break;
      case 'identity': module = 'nn.Identity()'; break;
      default: throw new Error(`export: layers[${i}]: unknown layer type ${JSON.stringify(layer.type)}`);
    }
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
    '        px = f32(f32(2.0 * rng.uniform()) - 1.0)',
    '        py = f32(f32(2.0 * rng.uniform()) - 1.0)',
    '        label = int((px > 0.0) != (py > 0.0))',
  ],
  circles: [
    '        label = i & 1',
    '        u = rng.uniform()',
    '        radius = f32(0.5 + f32(F32_0_4 * u)) if label else f32(F32_0_35 * u)',
    '        angle = f32(F32_TWO_PI * rng.uniform())',
    '        px = f32(radius * f32(math.cos(angle)))',
    '        py = f32(radius * f32(math.sin(angle)))',
  ],
  spirals: [
    '        label = i & 1',
    '        t = rng.uniform()',
    '        radius = f32(F32_0_9 * t)',
    '        angle = f32(f32(F32_TURNS * t) + (F32_PI if label else 0.0))',
    '        px = f32(radius * f32(math.cos(angle)))',
    '        py = f32(radius * f32(math.sin(angle)))',
  ],
  gaussians: [
    '        label = i & 1',
    '        centre = 0.5 if label else -0.5',
    '        px = f32(centre + f32(F32_0_2 * rng.normal()))',
    '        py = f32(centre + f32(F32_0_2 * rng.normal()))',
  ],
};

/** The slots of the 2-D set's part of the script: which set, its points, its two seeds. */
function synthSlots(data, seed) {
  const trainSeed = BigInt(seed) & U64;
  const testSeed = (trainSeed + TEST_SEED_OFFSET) & U64;
  return {
    synth_title: [`# ---- the ${data.set} points, generated as the playground generates them ----`],
    synth_doc: [`    """count points in [-1, 1]^2 with labels, the playground's ${data.set} set for this seed."""`],
    synth_point: SYNTH_POINT[data.set],
    synth_sets: [
      `    train_x, train_y = make_points(${trainSeed}, ${data.count}, ${pyFloat(data.noise)})`,
      `    test_x, test_y = make_points(${testSeed}, ${data.test_count}, ${pyFloat(data.noise)})`,
    ],
  };
}

// ---- the template ----

/**
 * pytorch_script.py with its slots filled: each '#> slot NAME' ... '#> end' block becomes
 * slots[NAME] (an array of lines), each '#> if FLAG' ... '#> end' block stays only when
 * flags[FLAG], and every other '#>' line goes. A slot or flag the template names but the caller
 * does not give, or one given but not in the template, is an error: the two stay in step.
 */
export function fillTemplate(template, slots, flags) {
  const out = [];
  const open = []; // {kind: 'slot' | 'if', shown}
  const used = new Set();
  const shown = () => open.every((b) => b.shown && b.kind !== 'slot');
  for (const [n, line] of template.split('\n').entries()) {
    if (!line.startsWith('#>')) {
      if (shown()) out.push(line);
      continue;
    }
    const [, directive, name] = /^#> (slot|if|end)\b ?(\S*)/.exec(line) ?? [];
    const where = `pytorch_script.py:${n + 1}`;
    if (directive === 'slot') {
      if (!(name in slots)) throw new Error(`${where}: no lines for slot ${name}`);
      used.add(name);
      if (shown()) out.push(...slots[name]);
      open.push({ kind: 'slot', shown: true });
    } else if (directive === 'if') {
      if (!(name in flags)) throw new Error(`${where}: no value for flag ${name}`);
      used.add(name);
      open.push({ kind: 'if', shown: Boolean(flags[name]) });
    } else if (directive === 'end') {
      if (!open.pop()) throw new Error(`${where}: '#> end' without a block`);
    }
  }
  if (open.length) throw new Error(`pytorch_script.py: ${open.length} block(s) not closed`);
  const unused = [...Object.keys(slots), ...Object.keys(flags)].filter((k) => !used.has(k));
  if (unused.length) throw new Error(`pytorch_script.py has no slot or flag ${unused.join(', ')}`);
  return out.join('\n');
}

// ---- the whole script ----

/**
 * The text of a Python script that trains `experiment` with PyTorch: `template` (the text of
 * pytorch_script.py) with the experiment's lines filled in. options:
 *   layers:       the core's plan of the layers, [{inShape, outShape, params}] (required: a
 *                 Session's `layers`, or planExperiment(...).layers)
 *   scriptName:   the script's file name, for the usage lines (default "experiment.py")
 *   weightsFile:  the weights file exported beside it, for the usage lines (default: scriptName
 *                 with .safetensors)
 * Throws an ExperimentError for an invalid experiment, an Error for a stack the core did not plan.
 */
export function renderPytorch(template, experimentInput, options = {}) {
  const e = parseExperiment(experimentInput);
  // File names appear in the docstring: letters, digits, '.', '-' and '_' only.
  const fileName = (name) => String(name).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
  const scriptName = fileName(options.scriptName ?? 'experiment.py');
  const weightsFile = fileName(options.weightsFile ?? weightsFileFor(scriptName));
  const mnist = e.data.set === 'mnist';
  const plan = planLayers(e, options.layers);
  const classes = product(plan.at(-1).outShape);
  const expectedClasses = mnist ? 10 : 2;
  if (classes !== expectedClasses) {
    throw new Error(`export: the network ends with ${classes} outputs per sample, but the ${e.data.set} data set has ${expectedClasses} classes`);
  }
  const totalParams = plan.reduce((sum, p) => sum + p.params, 0);

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
  const dataOption = mnist ? ' --data DIR' : '';
  const slots = {
    title: [`# ${commentText(e.name ?? 'an experiment')}`, ...(e.description ? [`# ${commentText(e.description, 300)}`] : [])],
    usage: [
      `    python3 ${scriptName}${dataOption}                                  # torch draws the initial weights`,
      `    python3 ${scriptName}${dataOption} --weights ${weightsFile}        # start from the playground's`,
    ],
    constants: [
      `EXPERIMENT = ${pyLiteral(e)}`,
      '',
      `SEED = ${e.seed}`,
      `EPOCHS = ${e.epochs}`,
      `BATCH_SIZE = ${e.batch_size}`,
      `SHUFFLE = ${pyBool(e.shuffle)}`,
      `INPUT_SHAPE = ${mnist ? '(1, 28, 28)' : '(2,)'}  # one sample, as the first layer takes it`,
      ...(mnist
        ? [`TRAIN_SAMPLES = ${e.data.train_samples}`, `TEST_SAMPLES = ${e.data.test_samples}`, 'PIXEL_SCALE = 1 / 255  # bytes to [0, 1] floats, as the playground scales them']
        : ['PIXEL_SCALE = 1.0  # the points are floats already']),
    ],
    ...(mnist ? Object.fromEntries(['synth_title', 'synth_doc', 'synth_point', 'synth_sets'].map((k) => [k, []])) : synthSlots(e.data, e.seed)),
    net_doc: [`    """${plan.length} layers, ${totalParams} parameters. Tensor names (layers.1.weight ...) are the playground's."""`],
    modules: moduleLines,
    forward,
    init: initBody(e, plan).map((l) => `    ${l}`),
    loss: lossCode(e, classes).map((l) => (l ? `    ${l}` : '')),
    optimizer: [`    return ${optimizerCall(e.optimizer)}`],
  };
  const flags = { mnist, synth: !mnist, dropout: plan.some((p) => p.layer.type === 'dropout' && p.layer.p > 0) };
  return fillTemplate(template, slots, flags);
}

/** The weights file that goes beside a script: "cnn.py" -> "cnn.safetensors". */
export function weightsFileFor(scriptPath) {
  return /\.py$/i.test(scriptPath) ? scriptPath.replace(/\.py$/i, '.safetensors') : `${scriptPath}.safetensors`;
}

/**
 * The script and the weights a session holds now, for the page's Export button and the runner's
 * --export-pytorch: {script, weights: Uint8Array (.safetensors)}. A fresh session holds the seed's
 * initial weights, so the script started with --weights reproduces the playground's run. The
 * layers' shapes are the ones the core built. options: {scriptName, weightsFile} as for
 * renderPytorch.
 */
export function renderPytorchBundle(template, session, options = {}) {
  const scriptName = options.scriptName ?? 'experiment.py';
  const script = renderPytorch(template, session.experiment, {
    layers: session.layers,
    scriptName,
    weightsFile: options.weightsFile ?? weightsFileFor(scriptName),
  });
  const weights = session.saveWeights({ exported_to: 'pytorch', step: String(session.step) });
  return { script, weights };
}
