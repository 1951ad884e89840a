// fit: trains a network on a sum of loss terms written on its jets. Each step samples a
// batch per term, runs the engine's forward jets, replays each term's tape for its
// value and cotangents, runs the engine's backward pass (accumulating over terms), and
// lets the phase's optimizer update the parameters in place. Phases run in order
// (Adam, then L-BFGS). Nothing is allocated per step once the shapes are known.
import { JetfitError } from '../errors.js';
import type { Mlp } from '../engine/mlp.js';
import type { Parameter } from '../fields/field.js';
import { Lbfgs } from './lbfgs.js';
import { firstOrder, optimizerOptions, checkOption, type FirstOrder, type OptimizerSpec, type OptimizerState } from './optimizers.js';
import { schedule, type ScheduleSpec } from './schedule.js';
import { Term, type LossFunction, type TermOptions } from './term.js';
import { Trainables } from './trainables.js';
import type { TermData } from '../data/dataset.js';

/** One phase of training: an optimizer for a number of steps or epochs. */
export interface PhaseOptions {
  optimizer?: OptimizerSpec;
  steps?: number;
  epochs?: number;
  schedule?: ScheduleSpec;
  /** clip the gradient to this global L2 norm */
  clipNorm?: number;
  /** batch sizes for this phase: one for every term, or by term name (others keep their own) */
  batchSize?: number | 'full' | Record<string, number | 'full'>;
}

/** What step and epoch callbacks receive. */
export interface StepInfo {
  step: number;
  epoch: number;
  phase: number;
  loss: number;
  terms: Readonly<Record<string, number>>;
  lr: number;
  seconds: number;
}

/** Early stopping on a monitored quantity, checked at every epoch. */
export interface EarlyStoppingOptions {
  /** 'loss' (default) or a term's name; the epoch's mean */
  monitor?: string;
  /** epochs without improvement before stopping */
  patience: number;
  /** smallest decrease that counts as improvement (default 0) */
  minDelta?: number;
  /** put back the best parameters when stopping (default true) */
  restoreBest?: boolean;
}

/** Options of fit. */
export interface FitOptions extends PhaseOptions {
  /** the loss terms by name (each with its own points, batch size and weight) */
  terms?: Record<string, TermOptions>;
  /** single-term shorthand: the loss ... */
  loss?: LossFunction;
  /** ... its data ... */
  data?: TermData;
  /** ... and its batch size */
  batchSize?: number | 'full';
  /** phases run in order; without it, one phase from optimizer/steps/epochs/schedule/clipNorm */
  phases?: PhaseOptions[];
  /** seed of the batch shuffling (default 0) */
  seed?: number;
  /** called after every step; return false to stop */
  onStep?: (info: StepInfo) => void | boolean;
  /** called after every epoch (of the first term) with the epoch's mean losses; return false to stop */
  onEpoch?: (info: StepInfo) => void | boolean;
  earlyStopping?: EarlyStoppingOptions;
  /** at the end, put back the parameters of the epoch with the lowest loss */
  restoreBest?: boolean;
  signal?: AbortSignal;
  /** a progress line: 'auto' (default: Node terminals, not CI), true or false */
  progress?: boolean | 'auto';
  /** continue from history.state of an earlier run with the same options */
  resume?: TrainingState;
}

/** Everything needed to continue a run (JSON-serializable). */
export interface TrainingState {
  version: 1;
  step: number;
  phase: number;
  phaseStep: number;
  optimizer: OptimizerState | null;
  samplers: ReturnType<Term['sampler']['state']>[];
  scalars: number[];
  params: number[];
}

/** What fit returns. */
export interface History {
  /** total (weighted) loss per step */
  loss: number[];
  /** each term's (unweighted) loss per step */
  terms: Record<string, number[]>;
  /** learning rate per step */
  lr: number[];
  /** seconds since the start, per step */
  time: number[];
  /** per epoch of the first term: mean losses */
  epochs: StepInfo[];
  /** trained scalars by name */
  parameters: Record<string, number>;
  steps: number;
  seconds: number;
  stopReason: 'completed' | 'converged' | 'early-stopping' | 'aborted' | 'callback';
  /** pass as `resume` to continue */
  state: TrainingState;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

interface YieldGlobals {
  setImmediate?: (f: () => void) => unknown;
  document?: unknown;
  WorkerGlobalScope?: unknown;
}
let channel: MessageChannel | null = null;
const waiting: (() => void)[] = [];

/**
 * Lets the event loop run (timers, input, rendering) with as little delay as the runtime
 * allows: setImmediate (Node, Bun), a MessageChannel in pages and workers (setTimeout
 * would wait 4 ms once nested), setTimeout elsewhere.
 */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as unknown as YieldGlobals;
  if (typeof g.setImmediate === 'function') return new Promise((resolve) => { g.setImmediate!(resolve); });
  if ((g.document !== undefined || g.WorkerGlobalScope !== undefined) && typeof MessageChannel !== 'undefined') {
    if (!channel) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => waiting.shift()?.();
    }
    return new Promise((resolve) => { waiting.push(resolve); channel!.port2.postMessage(0); });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

interface ProcessLike { stdout?: { isTTY?: boolean; write(s: string): boolean }; env?: Record<string, string | undefined> }

function progressWriter(option: boolean | 'auto' | undefined): ((line: string, final: boolean) => void) | null {
  const proc = (globalThis as { process?: ProcessLike }).process;
  const tty = proc?.stdout?.isTTY === true && !proc.env?.CI;
  const on = option === true || ((option === undefined || option === 'auto') && tty);
  if (!on) return null;
  if (proc?.stdout && tty) return (line, final) => { proc.stdout!.write(`\r${line.padEnd(100)}${final ? '\n' : ''}`); };
  return (line, final) => { if (final) console.log(line); };
}

/**
 * Trains `net` on the loss terms. Resolves to the history; throws a JetfitError naming the
 * term if the loss becomes NaN or infinite (the network keeps the last finite parameters).
 */
export async function fit(net: Mlp, options: FitOptions): Promise<History> {
  if (typeof options !== 'object' || options === null) throw new JetfitError('fit(net, options): expected an options object');
  const seed = options.seed ?? 0;
  const termOptions: Record<string, TermOptions> = options.terms ? { ...options.terms } : {};
  if (options.loss) {
    if (!options.data) throw new JetfitError("fit: options.loss needs options.data ({ points, columns? })");
    termOptions.loss = { ...options.data, loss: options.loss, batchSize: options.batchSize };
  }
  const names = Object.keys(termOptions);
  if (names.length === 0) throw new JetfitError('fit: no loss terms; pass { loss, data } or { terms: { name: { points, loss } } }');
  const terms = names.map((name, i) => new Term(name, termOptions[name]!, net, seed + 7919 * (i + 1)));
  const scalars: Parameter[] = [];
  for (const t of terms) {
    t.slots = t.parameters.map((p) => { let k = scalars.indexOf(p); if (k < 0) { k = scalars.length; scalars.push(p); } return k; });
  }
  const phaseList: PhaseOptions[] = options.phases ?? [options];
  if (!Array.isArray(phaseList) || phaseList.length === 0) throw new JetfitError('fit: phases must be a non-empty array');
  const primary = terms[0]!.sampler;
  const phases = phaseList.map((p, i) => {
    const where = options.phases ? `phases[${i}]` : 'fit';
    const opt = optimizerOptions(p.optimizer, `${where}.optimizer`);
    // the single-term shorthand's batchSize is the term's own, not a phase override
    const override = options.phases ? p.batchSize : undefined;
    const batchOf = (t: Term): number | 'full' | undefined =>
      override === undefined ? undefined
        : typeof override === 'object' ? override[t.name] : override;
    let steps: number;
    if (p.steps !== undefined) {
      if (!Number.isInteger(p.steps) || p.steps < 0) throw new JetfitError(`${where}.steps: expected a whole number ≥ 0, got ${String(p.steps)}`);
      steps = p.steps;
    } else if (p.epochs !== undefined) {
      if (!Number.isInteger(p.epochs) || p.epochs < 0) throw new JetfitError(`${where}.epochs: expected a whole number ≥ 0, got ${String(p.epochs)}`);
      const b = batchOf(terms[0]!) ?? termOptions[names[0]!]!.batchSize ?? 'full';
      const size = primary.data.size;
      steps = p.epochs * Math.max(1, Math.floor(size / (b === 'full' ? size : Math.min(b, size))));
    } else throw new JetfitError(`${where}: say how long to train: steps or epochs`);
    if (override !== undefined && typeof override === 'object') {
      for (const k of Object.keys(override)) {
        if (!names.includes(k)) throw new JetfitError(`${where}.batchSize: no term named '${k}'; the terms are ${names.join(', ')}`);
      }
    }
    if (opt.type === 'lbfgs') {
      const mini = terms.find((t) => {
        const b = batchOf(t) ?? (termOptions[t.name]!.batchSize ?? 'full');
        return b !== 'full' && b < t.sampler.data.size;
      });
      if (mini) {
        const b = batchOf(mini) ?? termOptions[mini.name]!.batchSize;
        throw new JetfitError(`${where}: L-BFGS needs full batches, but term '${mini.name}' has batchSize ${String(b)} of ${mini.sampler.data.size} points; use batchSize: 'full' (for the phase or the term) or a first-order optimizer`);
      }
    }
    const clip = p.clipNorm === undefined ? 0 : checkOption(p.clipNorm, `${where}.clipNorm`, 0, 0, Infinity, true);
    return { opt, steps, lr: schedule(p.schedule, `${where}.schedule`), clip, where, batchOf };
  });

  const trainables = new Trainables(net, scalars);
  const n = trainables.size;
  const snapshot = new Float64Array(n);
  const best = options.restoreBest || options.earlyStopping?.restoreBest !== false ? new Float64Array(n) : null;
  const termValues: Record<string, number> = Object.fromEntries(names.map((k) => [k, NaN]));
  const history: History = {
    loss: [], terms: Object.fromEntries(names.map((k) => [k, []])), lr: [], time: [], epochs: [],
    parameters: {}, steps: 0, seconds: 0, stopReason: 'completed',
    state: null as unknown as TrainingState,
  };
  const progress = progressWriter(options.progress);
  const started = now();
  let lastYield = started, lastProgress = 0;
  let step = 0, startPhase = 0, startPhaseStep = 0;
  let resumeOptimizer: OptimizerState | null = null;
  if (options.resume) {
    const r = options.resume;
    if (r.version !== 1 || r.params.length !== n || r.samplers.length !== terms.length) {
      throw new JetfitError('resume: this training state does not match the network and terms of this call');
    }
    step = r.step; startPhase = r.phase; startPhaseStep = r.phaseStep;
    trainables.values.set(r.scalars);
    trainables.load(Float64Array.from(r.params));
    terms.forEach((t, i) => {
      t.useBatch(phases[startPhase]?.batchOf(t));
      t.sampler.restore(r.samplers[i]!);
    });
    resumeOptimizer = r.optimizer;
  }

  /** Loss and gradient of all terms on their current batches. */
  const evaluate = (): number => {
    trainables.grads.fill(0);
    let total = 0, first = true;
    for (const t of terms) {
      const v = t.run(true, !first, trainables.grads);
      if (t.lowered.outputs.length > 0) first = false;
      termValues[t.name] = v;
      total += t.weight * v;
    }
    if (first) net.gradientView().fill(0);
    return total;
  };
  const diverged = (at: number): JetfitError => {
    const bad = names.find((k) => !Number.isFinite(termValues[k])) ?? names[0]!;
    return new JetfitError(`fit: the loss became ${termValues[bad]} at step ${at} in term '${bad}'; training stopped and ` +
      `the network keeps the parameters of the last step with a finite loss. Lower the learning rate, clip gradients (clipNorm), or check the data of '${bad}'`);
  };

  let optimizerState: () => OptimizerState | null = () => null;
  let bestLoss = Infinity, sinceBest = 0, epochSum = 0, epochCount = 0;
  const epochTerms: Record<string, number> = Object.fromEntries(names.map((k) => [k, 0]));
  const stepsPerEpoch = primary.stepsPerEpoch;
  let stop: History['stopReason'] | null = null;
  let phaseIndex = startPhase, phaseStep = startPhaseStep;

  try {
    let haveSnapshot = false;
    while (phaseIndex < phases.length && !stop) {
      const ph = phases[phaseIndex]!;
      for (const t of terms) t.useBatch(ph.batchOf(t));
      let firstOrderOpt: FirstOrder | null = null, lbfgs: Lbfgs | null = null;
      if (ph.opt.type === 'lbfgs') { lbfgs = new Lbfgs(ph.opt, n, `${ph.where}.optimizer`); optimizerState = () => lbfgs!.state(); }
      else { firstOrderOpt = firstOrder(ph.opt, trainables, `${ph.where}.optimizer`); optimizerState = () => firstOrderOpt!.state(); }
      if (resumeOptimizer && phaseIndex === startPhase) {
        (lbfgs ?? firstOrderOpt)!.restore(resumeOptimizer);
        resumeOptimizer = null;
      }
      const baseLr = (lbfgs ?? firstOrderOpt)!.lr;
      while (phaseStep < ph.steps && !stop) {
        if (options.signal?.aborted) { stop = 'aborted'; break; }
        const lr = baseLr * ph.lr(phaseStep, ph.steps);
        let loss: number;
        if (lbfgs) {
          const r = lbfgs.step(trainables, evaluate);
          loss = r.loss;
          if (!Number.isFinite(loss)) throw diverged(step);
          if (r.stop) stop = 'converged';
        } else {
          for (const t of terms) t.advance();
          loss = evaluate();
          if (!Number.isFinite(loss)) {
            if (haveSnapshot) { trainables.load(snapshot); firstOrderOpt!.rollback(); }
            throw diverged(step);
          }
          if (ph.clip > 0) { const g = trainables.gradientNorm(); if (g > ph.clip) trainables.scaleGradient(ph.clip / g); }
          trainables.save(snapshot);
          firstOrderOpt!.snapshot();
          haveSnapshot = true;
          firstOrderOpt!.step(trainables, lr);
          trainables.commit();
        }
        // history and callbacks
        const seconds = (now() - started) / 1000;
        history.loss.push(loss); history.lr.push(lr); history.time.push(seconds);
        for (const k of names) history.terms[k]!.push(termValues[k]!);
        step++;
        phaseStep++;
        const info: StepInfo = { step, epoch: Math.floor(step / stepsPerEpoch), phase: phaseIndex, loss, terms: termValues, lr, seconds };
        if (options.onStep && options.onStep(info) === false) stop = 'callback';
        epochSum += loss; epochCount++;
        for (const k of names) epochTerms[k]! += termValues[k]!;
        if (step % stepsPerEpoch === 0) {
          const e: StepInfo = { ...info, loss: epochSum / epochCount, terms: Object.fromEntries(names.map((k) => [k, epochTerms[k]! / epochCount])) };
          history.epochs.push(e);
          epochSum = 0; epochCount = 0;
          for (const k of names) epochTerms[k] = 0;
          if (options.onEpoch && options.onEpoch(e) === false) stop = 'callback';
          const es = options.earlyStopping;
          const monitored = es?.monitor && es.monitor !== 'loss' ? e.terms[es.monitor] : e.loss;
          if (es?.monitor && es.monitor !== 'loss' && !(es.monitor in e.terms)) throw new JetfitError(`earlyStopping.monitor: no term named '${es.monitor}'; expected 'loss' or one of ${names.join(', ')}`);
          if (monitored !== undefined && monitored < bestLoss - (es?.minDelta ?? 0)) {
            bestLoss = monitored; sinceBest = 0;
            if (best) trainables.save(best);
          } else if (es && ++sinceBest >= es.patience) {
            stop = 'early-stopping';
          }
        }
        if (progress && (now() - lastProgress > 200 || stop)) {
          lastProgress = now();
          progress(`step ${step}  loss ${loss.toExponential(3)}  ${names.length > 1 ? names.map((k) => `${k} ${termValues[k]!.toExponential(2)}`).join('  ') : ''}  ${seconds.toFixed(1)} s`, false);
        }
        if (now() - lastYield > 40) { await yieldToEventLoop(); lastYield = now(); }
      }
      if (phaseStep >= ph.steps || stop === 'converged') {
        if (stop === 'converged' && phaseIndex < phases.length - 1) stop = null; // the next phase goes on
        phaseIndex++; phaseStep = 0; haveSnapshot = false;
      }
    }
    if (stop === 'early-stopping' && options.earlyStopping?.restoreBest !== false && best && Number.isFinite(bestLoss)) trainables.load(best);
    else if (options.restoreBest && best && Number.isFinite(bestLoss)) trainables.load(best);
  } finally {
    if (progress) progress(`step ${step}  loss ${(history.loss[history.loss.length - 1] ?? NaN).toExponential(3)}  ${((now() - started) / 1000).toFixed(1)} s`, true);
  }
  history.stopReason = stop ?? 'completed';
  history.steps = step;
  history.seconds = (now() - started) / 1000;
  scalars.forEach((p, i) => { history.parameters[p.name] = trainables.values[i]!; });
  const params = new Float64Array(n);
  trainables.save(params);
  const done = phaseIndex >= phases.length;
  history.state = {
    version: 1, step,
    phase: done ? phases.length : phaseIndex, phaseStep: done ? 0 : phaseStep,
    optimizer: done ? null : optimizerState(),
    samplers: terms.map((t) => t.sampler.state()),
    scalars: Array.from(trainables.values), params: Array.from(params),
  };
  return history;
}
