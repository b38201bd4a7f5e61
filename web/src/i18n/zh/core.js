// zh/core.js: the C core's sentences in Simplified Chinese. `sentences` is keyed by the printf
// format of each nn_fail() call in c/*.c (and of the sentences a format takes as %s), with the
// same conversions in the same order, so the values the core printed go back in unchanged
// (i18n/core-sentences.js). `words` are English words the core prints with %s; `layerPrefix` is
// how this language's templates begin the core's "layer %d (%s): ". tests/web/i18n-errors.test.js
// checks the table against the C sources.

/** printf format -> the Chinese with the same conversions in order. */
const sentences = Object.freeze({
  // surface.c (the optimizer lab)
  'vector: length must be in 1..%u, got %zu': '向量：长度必须在 1..%u 之间，当前为 %zu',
  'surface: unknown kind %d': '曲面：未知的种类 %d',
  'surface.condition: must be in [1, 1e6], got %g': '曲面.condition：必须在 [1, 1e6] 之间，当前为 %g',
  'surface.scale_x: must be in (0, 1e6], got %g': '曲面.scale_x：必须在 (0, 1e6] 之间，当前为 %g',
  'surface.noise: must be in [0, 1000], got %g': '曲面.noise：必须在 [0, 1000] 之间，当前为 %g',
  'surface.sparsity: must be in (0, 1], got %g': '曲面.sparsity：必须在 (0, 1] 之间，当前为 %g',
  'surface: out of memory': '曲面：内存不足',
  'surface: no surface or no built vector': '曲面：没有曲面，或向量尚未构建',
  'surface: the vector must hold 2 numbers, not %zu': '曲面：向量必须包含 2 个数，而不是 %zu 个',
  'surface grid: no surface or no output': '曲面网格：没有曲面或没有输出',
  'surface grid: %d x %d is outside 2..4096': '曲面网格：%d × %d 超出了 2..4096',
  'surface grid: the ranges must be finite and increasing': '曲面网格：范围必须是有限且递增的',
  // activations.c, dense.c, dropout.c, norm.c
  'layer %d (softmax): needs flat features, got %dx%dx%d (put a flatten layer before it)':
    '层 %d（softmax）：需要展平的特征，当前为 %dx%dx%d（请在它前面加一个 flatten 层）',
  'layer %d (leaky_relu): negative_slope must be a number from -1000 to 1000, got %g': '层 %d（leaky_relu）：negative_slope 必须是 -1000 到 1000 之间的数，当前为 %g',
  'layer %d (elu): alpha must be a number from 0 to 1000, got %g': '层 %d（elu）：alpha 必须是 0 到 1000 之间的数，当前为 %g',
  'layer %d (dense): units must be 1 to %d, got %d': '层 %d（dense）：units 必须在 1 到 %d 之间，当前为 %d',
  'layer %d (dense): needs flat features, got %dx%dx%d (put a flatten layer before it)':
    '层 %d（dense）：需要展平的特征，当前为 %dx%dx%d（请在它前面加一个 flatten 层）',
  'layer %d (dense): %d x %d = %.0f M weights is more than 268 M': '层 %d（dense）：%d × %d = %.0f M 个权重，超过了 268 M',
  'layer %d (dropout): p must be between 0 and 1, got %g': '层 %d（dropout）：p 必须在 0 和 1 之间，当前为 %g',
  'layer %d (batchnorm): eps must be a positive number, got %g (input %dx%dx%d, %s)':
    '层 %d（batchnorm）：eps 必须是正数，当前为 %g（输入 %dx%dx%d，%s）',
  'layer %d (batchnorm): momentum must be between 0 and 1, got %g': '层 %d（batchnorm）：momentum 必须在 0 和 1 之间，当前为 %g',

  // conv2d.c, pool.c
  'layer %d (conv2d): out_channels must be at least 1, got %d': '层 %d（conv2d）：out_channels 至少为 1，当前为 %d',
  'layer %d (conv2d): kernel must be at least 1, got %d': '层 %d（conv2d）：kernel 至少为 1，当前为 %d',
  'layer %d (conv2d): stride must be at least 1, got %d': '层 %d（conv2d）：stride 至少为 1，当前为 %d',
  'layer %d (conv2d): padding must be 0 or more, got %d': '层 %d（conv2d）：padding 不能小于 0，当前为 %d',
  'layer %d (conv2d): padding %d makes the padded input of %dx%d larger than 2^31':
    '层 %d（conv2d）：padding %d 使填充后的输入（%dx%d）超过 2^31',
  'layer %d (conv2d): kernel %d is larger than its padded input %lldx%lld (input %dx%dx%d, padding %d)':
    '层 %d（conv2d）：kernel %d 大于填充后的输入 %lldx%lld（输入 %dx%dx%d，padding %d）',
  'layer %d (conv2d): output %dx%lldx%lld has more than 2^31 values': '层 %d（conv2d）：输出 %dx%lldx%lld 超过 2^31 个值',
  'layer %d (conv2d): weight %dx%dx%dx%d has more than 2^31 values': '层 %d（conv2d）：权重 %dx%dx%dx%d 超过 2^31 个值',
  'layer %d (conv2d): its im2col workspace (%lld taps x %lld positions, twice) has more than 2^31 values':
    '层 %d（conv2d）：它的 im2col 工作区（%lld 个抽头 × %lld 个位置，两份）超过 2^31 个值',
  'layer %d (%s): kernel must be at least 1, got %d': '层 %d（%s）：kernel 至少为 1，当前为 %d',
  'layer %d (%s): stride must be at least 1, got %d': '层 %d（%s）：stride 至少为 1，当前为 %d',
  'layer %d (%s): padding must be 0 or more, got %d': '层 %d（%s）：padding 不能小于 0，当前为 %d',
  'layer %d (%s): padding %d is more than half the kernel %d (torch requires padding <= kernel/2)':
    '层 %d（%s）：padding %d 超过了 kernel %d 的一半（torch 要求 padding <= kernel/2）',
  'layer %d (%s): padding %d makes the padded input of %dx%d larger than 2^31':
    '层 %d（%s）：padding %d 使填充后的输入（%dx%d）超过 2^31',
  'layer %d (%s): kernel %d is larger than its padded input %lldx%lld (input %dx%dx%d, padding %d)':
    '层 %d（%s）：kernel %d 大于填充后的输入 %lldx%lld（输入 %dx%dx%d，padding %d）',
  'layer %d (%s): output %dx%lldx%lld has more than 2^31 values': '层 %d（%s）：输出 %dx%lldx%lld 超过 2^31 个值',

  // data.c
  'data set: no samples or no labels': '数据集：没有样本或没有标签',
  'data set: %zu samples of %d features is out of range': '数据集：%zu 个样本、每个 %d 个特征，超出了范围',
  'data set: scale must be finite': '数据集：缩放系数必须是有限值',
  'out of memory for a data set': '内存不足，无法存放数据集',
  'sample index %zu is outside the %zu samples': '样本编号 %zu 超出了 %zu 个样本的范围',
  '2-D data: count must be 1 to 1000000, got %zu': '二维数据：点数必须在 1 到 1000000 之间，当前为 %zu',
  '2-D data: noise must be from 0 to 1': '二维数据：噪声必须在 0 到 1 之间',
  '2-D data: unknown kind %d': '二维数据：未知的类型 %d',
  'random state: no network or no state': '随机状态：没有网络或没有状态',
  'random state: stream %d has an even increment (not saved by nn_rng_state)': '随机状态：第 %d 个随机流的增量是偶数（不是 nn_rng_state 保存的）',
  'epoch state: no network': '每轮状态：没有网络',
  'epoch state: epoch %lld is negative': '每轮状态：轮次 %lld 是负数',
  'epoch state: position %zu without an order': '每轮状态：有位置 %zu，却没有样本顺序',
  'epoch state: no order': '每轮状态：没有样本顺序',
  'epoch state: %zu samples is too many': '每轮状态：%zu 个样本太多了',
  'epoch state: position %zu is outside the %zu samples': '每轮状态：位置 %zu 超出了 %zu 个样本的范围',
  'out of memory checking an epoch order of %zu samples': '检查 %zu 个样本的顺序时内存不足',
  'epoch state: the order is not a permutation of the %zu samples (entry %zu is %u)':
    '每轮状态：样本顺序不是 %zu 个样本的一个排列（第 %zu 项是 %u）',
  'out of memory for the epoch order of %zu samples': '内存不足，无法存放 %zu 个样本的顺序',
  'the network is not built': '网络尚未构建',
  'no data set': '没有数据集',
  'the data has %d features per sample but the network takes %d': '数据每个样本有 %d 个特征，但网络需要 %d 个',
  'batch size %d: the network was built for 1 to %d': '批大小 %d：网络是按 1 到 %d 构建的',
  'predict: no input': '预测：没有输入',

  // idx.c
  'IDX file: %zu bytes is too short for a header': 'IDX 文件：%zu 字节太短，放不下文件头',
  "IDX file: bad magic number %02x%02x%02x%02x (not an IDX file, or still gzip'ed)":
    'IDX 文件：魔数 %02x%02x%02x%02x 不对（不是 IDX 文件，或者仍是 gzip 压缩的）',
  'IDX file: element type 0x%02x is not unsigned bytes (0x08)': 'IDX 文件：元素类型 0x%02x 不是无符号字节（0x08）',
  'IDX file: %d dimensions, expected 1 to 4': 'IDX 文件：有 %d 个维度，应为 1 到 4 个',
  'IDX file: truncated in its header (%zu bytes)': 'IDX 文件：在文件头处被截断（%zu 字节）',
  'IDX file: dimension %d is zero': 'IDX 文件：第 %d 个维度为 0',
  'IDX file: dimensions describe more than 4 GB of data': 'IDX 文件：各维度描述的数据超过 4 GB',
  'IDX file: truncated: header promises %llu bytes of data, file has %zu': 'IDX 文件：被截断：文件头声明有 %llu 字节数据，文件只有 %zu 字节',
  'IDX file: %llu unexpected bytes after the data': 'IDX 文件：数据之后多出 %llu 字节',

  // init.c
  'layer %d does not exist': '层 %d 不存在',
  'layer %d (%s) has no weight matrix, so no fan-in or fan-out': '层 %d（%s）没有权重矩阵，因此没有 fan-in 或 fan-out',
  'layer %d: unknown init %d': '层 %d：未知的初始化方法 %d',
  'layer %d: init %s needs finite numbers': '层 %d：初始化方法 %s 需要有限的数值',
  "layer %d (%s) %s: %s needs a weight matrix's fan-in and fan-out; use zeros, constant, uniform, normal or torch_default":
    '层 %d（%s）的%s：%s 需要权重矩阵的 fan-in 和 fan-out；请使用 zeros、constant、uniform、normal 或 torch_default',
  'layer %d %s: uniform needs a <= b, got a=%g b=%g': '层 %d 的%s：uniform 要求 a <= b，当前 a=%g b=%g',
  'layer %d %s: normal needs std >= 0, got %g': '层 %d 的%s：normal 要求 std >= 0，当前为 %g',
  'layer %d %s: unknown nonlinearity %d': '层 %d 的%s：未知的非线性函数 %d',

  // loss.c
  'no network': '没有网络',
  'loss: unknown kind %d': '损失函数：未知的类型 %d',
  'loss.reduction: must be mean or sum': 'loss.reduction：必须是 mean 或 sum',
  'loss.label_smoothing: must be from 0 to 1, got %g': 'loss.label_smoothing：必须在 0 到 1 之间，当前为 %g',
  'loss: label smoothing and class weights apply to cross-entropy only': '损失函数：标签平滑和类别权重只适用于交叉熵',
  'loss.weight[%d]: must be a finite number >= 0, got %g': 'loss.weight[%d]：必须是不小于 0 的有限数，当前为 %g',
  'out of memory for class weights': '内存不足，无法存放类别权重',
  'label %d of sample %d is outside the %d outputs of the network': '标签 %d（样本 %d）超出了网络 %d 个输出的范围',
  'no labels': '没有标签',
  'loss over %d labels after a forward of %d samples': '对 %d 个标签计算损失，但前向传播的是 %d 个样本',
  'loss became NaN/Inf at step %lld': '第 %lld 步的损失变成了 NaN/Inf',

  // net.c
  'input shape %dx%dx%d: each size must be 1 to %d and their product at most %u': '输入形状 %dx%dx%d：每一维必须在 1 到 %d 之间，乘积不超过 %u',
  'out of memory creating the network': '创建网络时内存不足',
  'layers cannot be added after the network is built': '网络构建之后不能再添加层',
  'threads: %d asked for, but only %d run (no shared memory here?)': '线程：请求了 %d 个，但只有 %d 个在运行（这里没有共享内存？）',
  'threads: could not start thread %d': '线程：无法启动第 %d 个线程',
  'threads: must be 1 to %d, got %d': '线程数必须在 1 到 %d 之间，当前为 %d',
  'too many layers: at most %d': '层数太多：最多 %d 层',
  'layer %d: unknown kind %d': '层 %d：未知的类型 %d',
  'layer %d (%s): output %dx%dx%d is empty or larger than %u values per sample': '层 %d（%s）：输出 %dx%dx%d 为空，或每个样本超过 %u 个值',
  'out of memory adding layer %d': '添加层 %d 时内存不足',
  'layer %d: pool kind must be maxpool or avgpool': '层 %d：池化类型必须是 maxpool 或 avgpool',
  'layer %d: kind %d is not an activation': '层 %d：类型 %d 不是激活函数',
  'layer %d (%s): its scratch memory at batch %d is beyond any budget': '层 %d（%s）：批大小为 %d 时所需的临时内存超出任何预算',
  'the network has no layers': '网络没有任何层',
  'batch size %d: must be 1 to %d': '批大小 %d：必须在 1 到 %d 之间',
  'the largest batch that fits is %d; or use fewer or smaller layers': '能放下的最大批大小是 %d；也可以减少层数或缩小各层',
  'even a batch of 1 needs %.1f MB: use fewer or smaller layers': '即使批大小为 1 也需要 %.1f MB：请减少层数或缩小各层',
  'this network needs %.1f MB at batch %d, over the memory budget of %.0f MB (%.1f M parameters, %.1f M activation values): %s':
    '这个网络需要 %.1f MB（批大小 %d），超出了 %.0f MB 的内存预算（%.1f M 个参数，%.1f M 个激活值）：%s',
  'the network is already built': '网络已经构建好了',
  'out of memory: could not allocate %.1f MB for the network (within the budget of %.0f MB, but the browser or the machine refused it): use a smaller batch or fewer or smaller layers':
    '内存不足：无法为网络分配 %.1f MB（在 %.0f MB 的预算之内，但浏览器或计算机拒绝了）：请使用更小的批大小，或减少层数、缩小各层',
  'no input': '没有输入',
  'batch of %d samples: the network was built for 1 to %d': '一批 %d 个样本：网络是按 1 到 %d 个样本构建的',
  'layer %d (batchnorm): needs more than 1 value per channel when training, got a batch of 1 (use a larger batch, or a batch size that does not leave 1 sample at the end of an epoch)':
    '层 %d（batchnorm）：训练时每个通道需要不止 1 个值，但这一批只有 1 个样本（请使用更大的批，或选一个不会在每轮末尾只剩 1 个样本的批大小）',
  'backward needs a forward and a loss first': '反向传播之前需要先做前向传播并计算损失',

  // optim.c
  'optimizer: unknown kind %d': '优化器：未知的类型 %d',
  'optimizer: unknown hyper-parameter %d': '优化器：未知的超参数 %d',
  'optimizer.%s: must be a finite number': 'optimizer.%s：必须是有限的数',
  'optimizer.%s: must be true or false': 'optimizer.%s：必须是 true 或 false',
  'optimizer.%s: must be in [0, 1), got %g': 'optimizer.%s：必须在 [0, 1) 之内，当前为 %g',
  'optimizer.%s: must be in [0, 1], got %g': 'optimizer.%s：必须在 [0, 1] 之内，当前为 %g',
  'optimizer.%s: must be >= 0, got %g': 'optimizer.%s：必须 >= 0，当前为 %g',
  'optimizer: Nesterov momentum requires a momentum above 0 and zero dampening': '优化器：Nesterov 动量要求 momentum 大于 0、dampening 为 0',
  'gradients became NaN/Inf at step %lld; the weights were kept': '第 %lld 步的梯度变成了 NaN/Inf；权重保持不变',
  'weights became NaN/Inf at step %lld (%s); the last finite weights were kept': '第 %lld 步的权重变成了 NaN/Inf（%s）；已保留最后一组有限的权重',
});

/** Words the core prints with %s that are English rather than names: "layer 2 (dense) weight: ...". */
const words = Object.freeze({
  weight: '权重',
  bias: '偏置',
});

export default Object.freeze({ sentences, words, layerPrefix: /^层 %d（(?:[a-z0-9_]+|%s)）：/ });
