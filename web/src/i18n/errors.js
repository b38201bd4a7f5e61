// errors.js: every error sentence the JavaScript side builds, in English, by id. The runner, the
// worker and the page share it: code that refuses something builds a message {id, params} with
// say(), keeps english(message) as the error's `message` (what the runner prints and the tests
// compare) and carries the message itself beside it (`msg`), so the page can show it in the
// reader's language (i18n/index.js localize()). The Chinese table is errors-zh.js; both tables
// have the same ids and {placeholders} (tests/web/i18n.test.js).
//
// A parameter is shown as it is (a number, a field name, a value from the input), unless it is
// itself a message {id, params} or a sentence {text} to translate (a C core message inside ours).

/** The English templates; {name} is filled from the message's params. */
export const ERRORS = Object.freeze({
  // ---- how a value is shown in a message (schema.js shown()) ----
  'err.show.nothing': 'nothing',
  'err.show.list': 'a list',
  'err.show.object': 'an object',

  // ---- the experiment schema (schema.js, validate.js) ----
  'err.field': '{path}: {message}',
  'err.experiment': 'experiment: {message}',
  'err.int': 'must be an integer from {lo} to {hi}, got {got}',
  'err.num': 'must be a number from {lo} to {hi}, got {got}',
  'err.numLowOpen': 'must be a number greater than {lo} and at most {hi}, got {got}',
  'err.numHighOpen': 'must be a number at least {lo} and less than {hi}, got {got}',
  'err.numOpen': 'must be a number greater than {lo} and less than {hi}, got {got}',
  'err.bool': 'must be true or false, got {got}',
  'err.oneOf': 'must be one of {options}, got {got}',
  'err.text': 'must be a text of at most {max} characters, got {got}',
  'err.unknownField': 'unknown field in {what} (allowed: {allowed})',
  'err.requiredIn': 'is required in {what}',
  'err.object': 'must be {what} (a JSON object), got {got}',
  'err.typedObject': 'must be {what} (a JSON object with a "type"), got {got}',
  'err.typeRequired': 'is required: every {what} needs a "type", one of {types}',
  'err.unknownType': 'unknown {what} type {got} (known: {types})',
  'err.biasInitType': 'a bias has no fan-in and fan-out, so its {what} must be one of {types} (as in torch.nn.init), got {got}',
  'err.noun.initialiser': 'initialiser',
  'err.noun.layer': 'layer',
  'err.noun.loss': 'loss',
  'err.noun.optimizer': 'optimizer',
  'err.noun.anInitialiser': 'an initialiser',
  'err.noun.aLayer': 'a layer',
  'err.noun.aLoss': 'a loss',
  'err.noun.aOptimizer': 'a optimizer',
  'err.what.anInit': 'an initialiser',
  'err.what.init': 'a {type} initialiser',
  'err.what.layerInit': 'a per-layer init ({"weight": ..., "bias": ...})',
  'err.what.aLayer': 'a {type} layer',
  'err.what.anLayer': 'an {type} layer',
  'err.what.dataSet': 'the {set} data set',
  'err.what.aLoss': 'a {type} loss',
  'err.what.anLoss': 'an {type} loss',
  'err.what.anOptimizer': 'an {type} optimizer',
  'err.what.experiment': 'an experiment',
  'err.uniformAB': 'a uniform initialiser needs a <= b, got a = {a}, b = {b}',
  'err.dataObject': 'must be a data set (a JSON object with a "set"), got {got}',
  'err.dataRequired': 'is required: the data set needs a "set", one of {sets}',
  'err.unknownData': 'unknown data set {got} (known: {sets})',
  'err.classWeightsList': 'must be a list of class weights or null, got {got}',
  'err.classWeightsEmpty': 'must not be empty (use null for equal weights)',
  'err.classWeightsMax': 'must have at most {max} entries',
  'err.betasTooMany': 'is one item too many: betas is a list of two numbers [beta1, beta2]',
  'err.betas': 'must be a list of two numbers [beta1, beta2], got {got}',
  'err.nesterov': 'nesterov needs a momentum above 0 and a dampening of 0 (as torch.optim.SGD)',
  'err.version': 'must be {version} (this playground reads version {version} experiments), got {got}',
  'err.layersList': 'must be a list of layers, got {got}',
  'err.layersEmpty': 'must hold at least one layer',
  'err.layersMax': 'must hold at most {max} layers, got {n}',
  'err.biasInit': 'the layer has no bias ("bias": false), so it cannot have a bias init',
  'err.poolPadding': 'must be at most half the kernel ({half}), got {got}',
  'err.classWeightsCount': "must have one weight for each of {set}'s {classes} classes, got {n}",
  'err.jsonObject': 'experiment: must be a JSON object, got {got}',
  'err.jsonText': 'experiment: must be JSON text, got {got}',
  'err.jsonLong': 'experiment: the text is {n} characters long; an experiment is at most {max}',
  'err.jsonInvalid': 'experiment: not valid JSON ({reason})',

  // ---- links (url.js) ----
  'err.hash.where': '{where}: {message}',
  'err.hash.whereKey': '{where} {key}',
  'err.hash.number': 'must be a number, got {got}',
  'err.hash.finite': 'must be a finite number, got {got}',
  'err.hash.whole': 'must be a whole number, got {got}',
  'err.hash.tooLarge': 'is too large, got {got}',
  'err.hash.bool': 'must be 1 or 0, got {got}',
  'err.hash.numbersMax': 'must be a list of at most {max} numbers',
  'err.hash.namesCount': 'lists {n} names; there are only {max}',
  'err.hash.namesFrom': 'must list names from {options}, got {got}',
  'err.hash.namesTwice': 'names {got} twice',
  'err.hash.long': 'is {n} characters long; at most {max}',
  'err.hash.control': 'holds the control character {code}',
  'err.hash.hex': 'must be {digits} hex digits (0-9, a-f), got {got}',
  'err.hash.init': 'must be an initialiser such as xavier_normal or normal(std=0.01), got {got}',
  'err.hash.unknownInit': 'unknown initialiser {got} (known: {known})',
  'err.hash.initNoArg': '{type} has no argument {got} (it takes {args})',
  'err.hash.initNoArgs': '{type} has no argument {got}',
  'err.hash.initNeedsValue': '{type}({key}) needs a value: {key}=...',
  'err.hash.initTwice': '{type} gives {key} twice',
  'err.hash.layer': 'layer {n} ({token})',
  'err.hash.unknownLayer': 'unknown layer type {got} (known: {known})',
  'err.hash.layerNoSetting': 'a {type} layer has no setting {got} (it takes {args})',
  'err.hash.layerNoSettings': 'a {type} layer has no setting {got}',
  'err.hash.needsValue': '{key} needs a value: {key}=...',
  'err.hash.keyTwice': '{key} is given twice',
  'err.hash.noLayers': 'must list at least one layer',
  'err.hash.layersMax': 'lists {n} layers; a network here has at most {max}',
  'err.hash.lesson': 'must be a lesson id (lowercase letters, digits and -), got {got}',
  'err.hash.goalTarget': 'the goal {metric} needs a target (target=...)',
  'err.hash.targetGoal': 'a target needs a goal metric (goal=test_accuracy or goal=test_loss)',
  'err.hash.accuracyTarget': 'test accuracy is a fraction from 0 to 1, got {got}',
  'err.hash.lossTarget': 'a test loss target must be from 0 to 1000000, got {got}',
  'err.hash.range': 'must be from 1 to {max}, got {got}',
  'err.hash.lockHide': '{controls} cannot be both locked and hidden',
  'err.hash.resultMissing': 'a result link needs {keys}; missing {missing}',
  'err.hash.fraction': 'is a fraction from 0 to 1, got {got}',
  'err.hash.nonNegative': 'must be 0 or more, got {got}',
  'err.hash.linkLong': "the link's settings are {n} characters long; at most {max} are read",
  'err.hash.linkMany': 'the link holds {n} settings; at most {max} are read',
  'err.hash.escape': '{got} is not a valid part of a link (a broken %-escape)',
  'err.hash.unknown': 'unknown setting {got}',
  'err.hash.noValue': 'needs a value (key=value)',
  'err.hash.twice': 'is given twice',
  'err.hash.version': 'this link was made for settings version {got}; this playground reads version {version}',
  'err.hash.noLayersFor': 'the link changes the data set to {set} but gives no layers',

  // ---- a run (session.js) ----
  'err.run.unknownLayer': 'unknown layer type {type}',
  'err.run.outputs': 'the network ends with {outputs} outputs per sample, but the {name} data set has {classes} classes: the last layer must give {classes}',
  'err.run.classWeights': 'must have one weight for each of the {outputs} classes, got {n}',
  'err.run.numeric': '{message}: lower the learning rate, or check the initialisation (too large a scale makes the activations explode)',
  'err.run.lossNaN': 'loss became NaN/Inf at step {step}',
  'err.run.predict': 'predict needs {features} values per sample, got {n} for {samples} samples',
  'err.run.noTensor': 'no tensor named {name}',
  'err.weights': 'weights file: {message}',
  'err.weights.missing': "tensor {name} is missing (the model has {names})",
  'err.weights.dtype': 'tensor {name} is {dtype}; only F32 is read',
  'err.weights.shape': "tensor {name} has shape [{got}] but the model's is [{want}]",
  'err.weights.value': 'tensor {name} holds {value} at index {index}',
  'err.weights.extra': 'tensor {name} does not belong to this model',
  'err.checkpoint': 'checkpoint: {message}',
  'err.checkpoint.not': 'not a checkpoint',
  'err.checkpoint.format': 'format {got} is not {format}',
  'err.checkpoint.other': 'it belongs to another experiment',
  'err.checkpoint.floats': '{name} must be {n} float32 values',
  'err.checkpoint.value': '{name}[{index}] is {value}',
  'err.checkpoint.count': '{key} must be a whole number >= 0',
  'err.checkpoint.order': 'the epoch order must list the {n} training samples',
  'err.rngWords': 'random state: expected {n} 64-bit words',
  'err.orderType': 'epoch state: the order must be a Uint32Array',

  // ---- safetensors files (safetensors.js) ----
  'err.st.bytes': 'not a byte array',
  'err.st.short': 'the file is {n} bytes long, too short to hold a header',
  'err.st.headerClaims': 'the header claims {n} bytes but the file holds {have} after the length',
  'err.st.headerEmpty': 'the header is empty',
  'err.st.headerJson': 'the header is not valid UTF-8 JSON ({reason})',
  'err.st.headerObject': 'the header is not a JSON object',
  'err.st.headerTwice': 'the header names {name} twice',
  'err.st.metadata': '__metadata__ is not an object',
  'err.st.metadataValue': '__metadata__.{key} is not a string',
  'err.st.entry': 'tensor {name}: its entry is not an object',
  'err.st.field': 'tensor {name}: unknown field {field}',
  'err.st.dtype': 'tensor {name}: unknown dtype {dtype}',
  'err.st.shape': 'tensor {name}: shape must be a list of sizes',
  'err.st.offsets': 'tensor {name}: data_offsets must be two byte offsets [begin, end]',
  'err.st.outside': 'tensor {name}: data_offsets [{begin}, {end}] lie outside the {n} bytes of data',
  'err.st.size': 'tensor {name}: shape [{shape}] of {dtype} needs {need} bytes but its offsets span {span}',
  'err.st.overlap': 'tensor {name} overlaps the tensor before it',
  'err.st.gap': 'a gap of {n} bytes lies before tensor {name}',
  'err.st.trailing': '{n} bytes after the last tensor belong to no tensor',

  // ---- data (datasets.js, idx.js, cache.js) ----
  'err.data.file': '{name}: {message}',
  'err.data.http': '{name}: HTTP {status} fetching {url}',
  'err.data.fetch': '{name}: could not download {url} ({reason})',
  'err.data.gzip': '{name}: not a valid gzip file ({reason})',
  'err.data.sha': "{name}: the file is corrupted or not MNIST (its SHA-256 is {actual}..., the real file's is {expected}...)",
  'err.data.images': '{name}: expected images of 28x28 pixels, got dimensions {dims}',
  'err.data.labels': '{name}: expected a list of labels, got dimensions {dims}',
  'err.data.counts': '{labels} holds {labelCount} labels but {images} holds {imageCount} images',
  'err.data.label': '{name}: label {label} at index {index} is not a digit 0-9',
  'err.data.unknown': 'unknown data set {set}',

  // ---- the core and the worker (core.js, client.js, worker.js, checkpoints.js) ----
  'err.core.http': 'could not load nn.wasm: HTTP {status} for {url}',
  'err.core.fetch': 'could not load nn.wasm from {url} ({reason})',
  'err.core.imports': 'nn.wasm needs imports this loader does not provide: {names}',
  'err.core.exports': 'nn.wasm lacks exports: {names}',
  'err.core.exit': 'the training core called exit({code})',
  'err.core.crashed': 'the training core crashed in {name}: {reason}',
  'err.core.malloc': 'out of memory allocating {n} bytes',
  'err.worker.crashed': 'the training worker crashed: {reason}',
  'err.worker.unknown': 'unknown error',
  'err.worker.inWorker': 'an error in the worker',
  'err.worker.stopped': 'the training worker was stopped',
  'err.worker.silent': 'no answer for {s} s',
  'err.worker.noSession': 'no experiment is configured yet',
  'err.worker.superseded': 'superseded by a newer experiment',
});

/** A message: {id, params}. */
export function say(id, params) {
  return params ? { id, params } : { id };
}

/** The message an error carries: its own `msg`, else its English sentence to translate ({text}). */
export function msgOf(err) {
  if (err?.msg) return err.msg;
  return { text: err?.message ?? String(err) };
}

/** {name} placeholders of `template` filled with show(params[name]); an unknown name stays. */
export function fill(template, params, show = String) {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name) => (Object.hasOwn(params, name) ? show(params[name]) : m));
}

/** A message in English: what the error's `message` says. */
export function english(m) {
  if (m === null || m === undefined) return '';
  if (typeof m !== 'object') return String(m);
  if (typeof m.id === 'string') return fill(ERRORS[m.id] ?? m.id, m.params, english);
  if (typeof m.text === 'string') return m.text;
  return String(m.message ?? m);
}

/** An Error of `Kind` whose message is the English of `msg`, carrying `msg`. */
export function errorOf(msg, Kind = Error) {
  const err = new Kind(english(msg));
  err.msg = msg;
  return err;
}
