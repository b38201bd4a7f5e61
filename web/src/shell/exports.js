// exports.js: what the export bar does: the experiment as a PyTorch script with its weights (a
// zip), the weights alone (.safetensors), and weights loaded from a file into the run. `busy` and
// `message` are what the bar shows. A Lit reactive controller; the host is the page.

import { strToU8, zipSync } from 'fflate';
import { downloadFile, experimentFileName, safeFileName } from '../export/download.js';
import { say, t } from '../i18n/index.js';

/** The largest weights file taken (the biggest model the core builds is far smaller). */
const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

export class Exports {
  busy = false;
  message = '';

  constructor(host) {
    this.host = host;
    host.addController(this);
  }

  #fileBase() {
    // A preset by its id; any other experiment by what it is, so that two exports differ.
    return this.host.presetId() ? safeFileName(this.host.presetId()) : experimentFileName(this.host.experiment);
  }

  async pytorch() {
    await this.#run(async () => {
      const name = this.#fileBase();
      const { script, weights } = await this.host.training.client.exportPytorch(`${name}.py`);
      const zip = zipSync({ [`${name}.py`]: strToU8(script), [`${name}.safetensors`]: weights });
      downloadFile(`${name}-pytorch.zip`, zip, 'application/zip');
      return say('export.pytorchDone', { name: `${name}-pytorch.zip` });
    });
  }

  async weights() {
    await this.#run(async () => {
      const { weights, step } = await this.host.training.client.saveWeights();
      const name = `${this.#fileBase()}-step${step}.safetensors`;
      downloadFile(name, weights, 'application/octet-stream');
      return say('export.weightsDone', { name });
    });
  }

  /** Loads a .safetensors file into the run (its record then says so: Submit refuses it). */
  async upload(file) {
    const { host } = this;
    await this.#run(async () => {
      if (file.size > MAX_UPLOAD_BYTES) throw Object.assign(new Error(t('export.tooLarge')), { msg: say('export.tooLarge') });
      const bytes = new Uint8Array(await file.arrayBuffer());
      await host.training.client.loadWeights(bytes);
      if (host.history.live) host.history.live.weightsLoaded = true;
      host.live.fullEval = null;
      host.history.save();
      return say('export.uploadDone', { name: file.name });
    });
  }

  async #run(fn) {
    this.busy = true;
    this.message = '';
    this.host.requestUpdate();
    try {
      this.message = await fn();
    } catch (err) {
      this.message = say('export.failed', { message: err });
    } finally {
      this.busy = false;
      this.host.requestUpdate();
    }
  }
}
