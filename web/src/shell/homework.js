// homework.js: the homework of a link (experiment/url.js's assignment): its budget as the step
// training stops at, its goal against the run, Submit (a result link the runner verifies), the
// replay of a claim read from a result link, and instructor mode, where the assignment is built.
// A Lit reactive controller; the host is the page (its experiment, training, live run, history).

import { CONTROLS, MAX_HASH_LENGTH, controlPaths, decodeHash, encodeHash } from '../experiment/url.js';
import { digestMatches, goalStatus, makeResult, metricValue, settingsOverBudget, stepBudget } from '../experiment/homework.js';
import { DEFAULT_PRESET } from '../experiment/presets.js';
import { formatInteger, localizeLinkErrors, t } from '../i18n/index.js';
import { memo } from './memo.js';

export class Homework {
  /** The assignment of the link (what a student must do), or null. */
  assignment = null;
  /** 'instructor' while the assignment is being built, else ''. */
  mode = '';
  /** The claim of a result link being read ({steps, test_accuracy, ...}), or null. */
  claim = null;
  claimDigestOk = false;
  /** The replay of the claim: {busy} while it runs, then {steps, test_accuracy, test_loss, matches}. */
  replay = null;
  /** The last Submit's link. */
  resultLink = '';
  submitting = false;
  /** Whether this page has been in instructor mode (its toggle then stays). */
  authoring = false;
  #replayTarget = 0;

  constructor(host) {
    this.host = host;
    host.addController(this);
  }

  #changed() {
    this.host.requestUpdate();
  }

  /** What a link says: its frame's mode, its homework, its claim. */
  fromLink(decoded) {
    this.mode = decoded.mode ?? '';
    this.assignment = decoded.assignment;
    this.claim = decoded.result;
    this.claimDigestOk = decoded.result ? digestMatches(decoded.experiment, decoded.assignment, decoded.result) : false;
    this.replay = null;
    this.resultLink = '';
    this.#changed();
  }

  /** The experiment changed: a claim read from a result link was about the experiment as it was. */
  edited() {
    this.claim = null;
    this.replay = null;
  }

  /** The assignment in force for a student (none while the instructor edits it). */
  applied() {
    return this.mode === 'instructor' ? null : this.assignment;
  }

  /** The step training must stop at: a homework's budget, or the step a claim is replayed to. */
  stopAt() {
    let limit = stepBudget(this.applied(), this.host.training.info?.stepsPerEpoch ?? 0);
    if (this.#replayTarget) limit = Math.min(limit, this.#replayTarget);
    return limit;
  }

  /** The goal against the run now (the whole test set's numbers when Submit asked for them at this step). */
  goalNow() {
    const { training, live } = this.host;
    const a = this.applied();
    const last = live.last;
    const full = live.fullEval && live.fullEval.step === live.lastStep ? live.fullEval : null;
    const numbers = full ?? { test_accuracy: last.testAccuracy, test_loss: last.testLoss };
    const measured = full ? { count: full.count, full: true } : { count: last.testCount, full: last.testFull };
    const run = { steps: live.lastStep, stepsPerEpoch: training.info?.stepsPerEpoch ?? 0, params: training.info?.params ?? training.description?.params ?? 0 };
    const status = a ? goalStatus(a, { value: metricValue(a, numbers), ...run }) : null;
    // What the settings will train, against the budgets, before the run gets there.
    const over = a ? settingsOverBudget(a, { epochs: this.host.experiment?.epochs ?? 0, stepsPerEpoch: run.stepsPerEpoch, params: run.params }) : [];
    return { status, measured, run, over };
  }

  /** Why Submit cannot be pressed now, or ''. */
  submitBlocked() {
    const { training, live, history } = this.host;
    if (history.live?.weightsLoaded) return t('goal.blockedWeights');
    if (!training.info || training.status === 'loading' || training.status === 'invalid') return t('goal.blockedNotReady');
    if (live.lastStep < 1) return t('goal.blockedNoSteps');
    return '';
  }

  async submit() {
    if (this.submitBlocked() || this.submitting) return;
    const { training, live, experiment } = this.host;
    this.submitting = true;
    this.#changed();
    try {
      if (training.status === 'training') await training.client.pause();
      const r = await training.client.evaluate();
      live.fullEval = r;
      const result = makeResult(experiment, this.applied(), { steps: r.step, test_accuracy: r.test_accuracy, test_loss: r.test_loss });
      this.resultLink = `${this.host.url.base()}#${encodeHash(experiment, { assignment: this.applied() ?? undefined, result })}`;
      this.host.announce(t('announce.submitted'));
    } catch (err) {
      training.message = err;
    } finally {
      this.submitting = false;
      this.#changed();
    }
  }

  /** Replays the claim of the result link the page was opened with: from the seed to its step. */
  async replayClaim() {
    if (!this.claim || this.replay?.busy) return;
    const { training } = this.host;
    this.replay = { busy: true };
    this.#replayTarget = this.claim.steps;
    this.#changed();
    if (await training.reset() !== 'ready') {
      this.#replayTarget = 0;
      this.replay = null;
      this.#changed();
      return;
    }
    training.train({ stopAt: this.stopAt() });
  }

  /** A run stopped: a replay's stop is its end (its budget says nothing to the reader). */
  onStopped(msg) {
    if (!this.#replayTarget) return;
    if (msg.reason === 'budget') this.host.training.message = '';
    if (msg.reason === 'done' || msg.reason === 'budget' || msg.reason === 'failed') this.#finishReplay();
  }

  async #finishReplay() {
    const { training, live } = this.host;
    const claim = this.claim;
    this.#replayTarget = 0;
    try {
      const r = await training.client.evaluate();
      live.fullEval = r;
      const matches = Boolean(claim) && r.step === claim.steps && r.test_accuracy === claim.test_accuracy && r.test_loss === claim.test_loss;
      this.replay = { steps: r.step, test_accuracy: r.test_accuracy, test_loss: r.test_loss, matches };
    } catch (err) {
      this.replay = null;
      training.message = err;
    }
    this.#changed();
  }

  setMode(instructor) {
    this.mode = instructor ? 'instructor' : '';
    if (instructor) this.authoring = true;
    this.#changed();
  }

  /** The assignment the instructor built (an empty one is none). */
  setAssignment(assignment) {
    const empty = !assignment.metric && assignment.max_epochs === undefined && assignment.max_steps === undefined
      && assignment.max_params === undefined && !assignment.lock.length && !assignment.hide.length
      && !Object.values(assignment.text ?? {}).some(Boolean);
    this.assignment = empty ? null : assignment;
    this.#changed();
  }

  /** The controls that apply to the experiment now (Adam has no momentum to lock). */
  controlsFor = memo((e) => (e ? CONTROLS.filter((c) => controlPaths(c).some((path) => path.reduce((o, k) => o?.[k], e) !== undefined)) : []));

  /** The homework link of the assignment being built, and why it cannot be made. */
  link() {
    const a = this.assignment;
    const experiment = this.host.experiment;
    if (!experiment) return { link: '', error: '' };
    const hash = encodeHash(experiment, { assignment: a ?? undefined });
    if (hash.length > MAX_HASH_LENGTH) return { link: '', error: t('assign.tooLong', { n: formatInteger(hash.length), max: formatInteger(MAX_HASH_LENGTH) }) };
    const check = decodeHash(hash, DEFAULT_PRESET.experiment);
    if (!check.ok) return { link: '', error: localizeLinkErrors(check.errors) };
    return { link: `${this.host.url.base()}#${hash}`, error: '' };
  }
}
