// zh/start.js: the message a page that cannot start shows, in Simplified Chinese (en/start.js).
export default {
  title: '实验场无法启动',
  failed: '在{stage}时失败。浏览器给出的错误：',
  stages: {
    module: '载入代码',
    element: '建立页面',
    render: '绘制页面',
    start: '启动',
    worker: '启动训练线程',
    wasm: '载入训练核心（WebAssembly）',
  },
  needs: '它需要支持 JavaScript 模块、模块 Web Worker 和 128 位 SIMD 的 WebAssembly 的浏览器：Chrome 或 Edge 91、Firefox 114、Safari 16.4 或更新版本。',
  missing: '此浏览器缺少：{features}。',
  report: '请把下面的详细信息（其中包含你的浏览器）报告给提供此链接的人，或实验场的维护者。',
  unknown: '未知错误',
};
