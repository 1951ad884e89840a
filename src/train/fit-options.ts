// fit's options: their types, and their resolution into terms and phases. Every key and
// value is checked here, before the first step, so that a bad option (of any phase, of
// early stopping, of a term) is refused while the network is still untouched.
import { checkBoolean, checkInteger, checkKeys, checkOption, checkSeed, describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { Mlp } from '../engine/mlp.js';
import type { Parameter } from '../fields/field.js';
import type { TermData } from '../data/dataset.js';
import type { PhaseSettings } from '../optimizers/definition.js';
import { definitionOf, resolveOptimizer, type AnyDefinition, type OptimizerSpec, type ResolvedOptimizer } from '../optimizers/registry.js';
import { schedule, type ScheduleSpec } from './schedule.js';
import { Term, type LossFunction, type TermOptions } from './term.js';
import type { MetricOptions } from './metrics.js';
import type { TrainingState } from './training-state.js';

/** One phase of training: an optimizer for a number of steps or epochs. */
export interface PhaseOptions {
  optimizer?: OptimizerSpec;
  steps?: number;
  epochs?: number;
  /** learning-rate schedule (first-order optimizers; quasi-Newton methods choose their step by line search) */
  schedule?: ScheduleSpec;
  /** clip the gradient to this global L2 norm (first-order optimizers) */
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
  /** epochs without improvement before stopping, a whole number ≥ 1 */
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
  /** phases run in order; without it, one phase from optimizer/steps/epochs/schedule/clipNorm/batchSize */
  phases?: PhaseOptions[];
  /** seed of the batch shuffling, a whole number in [0, 2³² − 1] (default 0) */
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
  /** error metrics against a known solution or data: { name: { points, solution } }, into history.metrics */
  metrics?: Record<string, MetricOptions>;
  /** measure the metrics every this many steps (default 100) and after the last */
  metricsEvery?: number;
  /**
   * threads to train on (default: init's, every core where the runtime can share memory);
   * the result is the same, bit for bit, for any number of threads
   */
  threads?: number;
}

/** A checked phase. */
export interface Phase extends PhaseSettings {
  readonly opt: ResolvedOptimizer;
  /** its optimizer's definition */
  readonly definition: AnyDefinition;
  /** the batch size this phase gives a term, or undefined for the term's own */
  batchOf(t: Term): number | 'full' | undefined;
}

/** fit's options, checked and resolved. */
export interface ResolvedFit {
  readonly terms: Term[];
  readonly names: string[];
  readonly scalars: Parameter[];
  readonly phases: Phase[];
  readonly earlyStopping: Required<EarlyStoppingOptions> | null;
  readonly restoreBest: boolean;
  /** threads asked for, or undefined for init's */
  readonly threads: number | undefined;
}

const PHASE_KEYS = ['optimizer', 'steps', 'epochs', 'schedule', 'clipNorm', 'batchSize'];
const FIT_KEYS = [
  'terms',
  'loss',
  'data',
  'phases',
  'seed',
  'onStep',
  'onEpoch',
  'earlyStopping',
  'restoreBest',
  'signal',
  'progress',
  'resume',
  'metrics',
  'metricsEvery',
  'threads',
  ...PHASE_KEYS,
];
const PER_PHASE = ['optimizer', 'steps', 'epochs', 'schedule', 'clipNorm'];

/** Checks every option of fit and builds the terms and phases; changes nothing. */
export function resolveFit(net: Mlp, options: FitOptions): ResolvedFit {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new JetfitError(`fit(net, options): expected an options object, got ${describe(options)}`);
  }
  checkKeys(options, FIT_KEYS, 'fit(net, options)');
  if (options.phases !== undefined) {
    for (const k of PER_PHASE) {
      if ((options as Record<string, unknown>)[k] !== undefined)
        throw new JetfitError(`fit: ${k} goes inside each phase when phases are given (phases: [{ ${k}, ... }])`);
    }
  }
  const seed = options.seed === undefined ? 0 : checkSeed(options.seed, 'fit.seed');
  for (const k of ['onStep', 'onEpoch'] as const) {
    if (options[k] !== undefined && typeof options[k] !== 'function')
      throw new JetfitError(`fit.${k}: expected a function, got ${describe(options[k])}`);
  }
  if (options.progress !== undefined && options.progress !== 'auto') checkBoolean(options.progress, "fit.progress (or 'auto')");
  const restoreBest = checkBoolean(options.restoreBest, 'fit.restoreBest');
  if (
    options.signal !== undefined &&
    (typeof options.signal !== 'object' || options.signal === null || typeof options.signal.aborted !== 'boolean')
  ) {
    throw new JetfitError(`fit.signal: expected an AbortSignal, got ${describe(options.signal)}`);
  }
  if (options.terms !== undefined && (typeof options.terms !== 'object' || options.terms === null || Array.isArray(options.terms))) {
    throw new JetfitError(`fit.terms: expected an object of named terms like { pde: { points, loss } }, got ${describe(options.terms)}`);
  }

  const termOptions: Record<string, TermOptions> = options.terms ? { ...options.terms } : {};
  const shorthand = options.loss !== undefined || options.data !== undefined;
  if (shorthand) {
    if (!options.data) throw new JetfitError('fit: options.loss needs options.data ({ points, columns? })');
    if (typeof options.data !== 'object') throw new JetfitError(`fit.data: expected { points, columns? }, got ${describe(options.data)}`);
    const single: TermOptions = { ...options.data, loss: options.loss as LossFunction };
    if (options.batchSize !== undefined) single.batchSize = options.batchSize as number | 'full';
    termOptions.loss = single;
  }
  const names = Object.keys(termOptions);
  if (names.length === 0) throw new JetfitError('fit: no loss terms; pass { loss, data } or { terms: { name: { points, loss } } }');
  const terms = names.map((name, i) => new Term(name, termOptions[name]!, net, seed + 7919 * (i + 1)));
  const scalars: Parameter[] = [];
  for (const t of terms) {
    t.slots = t.parameters.map((p) => {
      let k = scalars.indexOf(p);
      if (k < 0) {
        k = scalars.length;
        scalars.push(p);
      }
      return k;
    });
  }
  // history.parameters records the scalars by name: two of one name would be trained but one recorded
  const named = new Map<string, string>();
  for (const t of terms) {
    for (const p of t.parameters) {
      const other = named.get(p.name);
      if (other !== undefined && scalars.filter((q) => q.name === p.name).length > 1)
        throw new JetfitError(
          `fit: two different trainable scalars are named '${p.name}' (in terms '${other}' and '${t.name}'); ` +
            'history.parameters records scalars by name: give each its own name, or use the same parameter object in both terms',
        );
      named.set(p.name, t.name);
    }
  }

  const phaseList: unknown = options.phases ?? [options];
  if (!Array.isArray(phaseList) || phaseList.length === 0)
    throw new JetfitError(`fit.phases: expected a non-empty array of phases, got ${describe(phaseList)}`);
  const phases = phaseList.map((p: unknown, i) =>
    resolvePhase(p, options.phases ? `phases[${i}]` : 'fit', !options.phases && shorthand, terms, names),
  );

  let earlyStopping: Required<EarlyStoppingOptions> | null = null;
  if (options.earlyStopping !== undefined) {
    const es = options.earlyStopping;
    if (typeof es !== 'object' || es === null)
      throw new JetfitError(`earlyStopping: expected { patience, monitor?, minDelta?, restoreBest? }, got ${describe(es)}`);
    checkKeys(es, ['monitor', 'patience', 'minDelta', 'restoreBest'], 'earlyStopping');
    const monitor = es.monitor ?? 'loss';
    if (monitor !== 'loss' && !names.includes(monitor)) {
      throw new JetfitError(
        `earlyStopping.monitor: no term named ${typeof monitor === 'string' ? `'${monitor}'` : describe(monitor)}; expected 'loss' or one of ${names.join(', ')}`,
      );
    }
    earlyStopping = {
      monitor,
      patience: checkInteger(es.patience, 'earlyStopping.patience', 1),
      minDelta: checkOption(es.minDelta, 'earlyStopping.minDelta', 0, 0),
      restoreBest: es.restoreBest === undefined ? true : checkBoolean(es.restoreBest, 'earlyStopping.restoreBest'),
    };
  }
  const threads = options.threads;
  if (threads !== undefined && (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > 256)) {
    throw new JetfitError(`fit.threads: expected a whole number from 1 to 256, got ${describe(threads)}`);
  }
  return { terms, names, scalars, phases, earlyStopping, restoreBest, threads };
}

function resolvePhase(p: unknown, where: string, ownBatch: boolean, terms: Term[], names: string[]): Phase {
  if (typeof p !== 'object' || p === null || Array.isArray(p))
    throw new JetfitError(`${where}: expected a phase { optimizer, steps }, got ${describe(p)}`);
  const o = p as PhaseOptions;
  if (where !== 'fit') checkKeys(o, PHASE_KEYS, where);
  const opt = resolveOptimizer(o.optimizer, `${where}.optimizer`);
  // The single-term shorthand's batchSize is the term's own, not a phase override.
  const override = ownBatch ? undefined : o.batchSize;
  if (override !== undefined && typeof override === 'object' && override !== null) {
    for (const k of Object.keys(override)) {
      if (!names.includes(k)) throw new JetfitError(`${where}.batchSize: no term named '${k}'; the terms are ${names.join(', ')}`);
      checkBatch(override[k], `${where}.batchSize.${k}`);
      const size = terms[names.indexOf(k)]!.sampler.data.size;
      if (typeof override[k] === 'number' && override[k] > size)
        throw new JetfitError(
          `${where}.batchSize.${k}: ${override[k]} is larger than term '${k}''s ${size} points; use at most ${size}, or 'full'`,
        );
    }
  } else if (override !== undefined) checkBatch(override, `${where}.batchSize`);
  const batchOf = (t: Term): number | 'full' | undefined =>
    override === undefined
      ? undefined
      : typeof override === 'object'
        ? Object.hasOwn(override, t.name)
          ? override[t.name]
          : undefined
        : override;
  const sizeOf = (t: Term): number | 'full' => batchOf(t) ?? t.defaultBatch;
  let steps: number;
  if (o.steps !== undefined) steps = checkInteger(o.steps, `${where}.steps`, 0);
  else if (o.epochs !== undefined) {
    const epochs = checkInteger(o.epochs, `${where}.epochs`, 0);
    const b = sizeOf(terms[0]!),
      size = terms[0]!.sampler.data.size;
    steps = epochs * Math.max(1, Math.floor(size / (b === 'full' ? size : Math.min(b, size))));
  } else throw new JetfitError(`${where}: say how long to train: steps or epochs`);
  const definition = definitionOf(opt.type);
  const name = definition.label;
  if (definition.ownSteps !== null) {
    for (const k of ['schedule', 'clipNorm'] as const) {
      if (o[k] !== undefined)
        throw new JetfitError(
          `${where}: ${name} chooses its own steps (${definition.ownSteps}); ${k} does not apply to it (remove it from this phase, or use a first-order optimizer)`,
        );
    }
  }
  if (definition.fullBatch) {
    const mini = terms.find((t) => {
      const b = sizeOf(t);
      return b !== 'full' && b < t.sampler.data.size;
    });
    if (mini) {
      throw new JetfitError(
        `${where}: ${name} needs full batches, but term '${mini.name}' has batchSize ${String(sizeOf(mini))} of ${mini.sampler.data.size} points; use batchSize: 'full' (for the phase or the term) or a first-order optimizer`,
      );
    }
  }
  const clip = o.clipNorm === undefined ? 0 : checkOption(o.clipNorm, `${where}.clipNorm`, 0, 0, Infinity, true);
  return { opt, definition, steps, lrFactor: schedule(o.schedule, `${where}.schedule`), clip, where, batchOf };
}

function checkBatch(b: unknown, what: string): void {
  if (b !== 'full' && (typeof b !== 'number' || !Number.isInteger(b) || b < 1)) {
    throw new JetfitError(`${what}: expected a positive whole number or 'full', got ${describe(b)}`);
  }
}
