// fit: trains a network on a sum of loss terms written on its jets. Each step samples a
// batch per term, runs the engine's forward jets, replays each term's tape for its value
// and cotangents, runs the engine's backward pass (accumulating over terms), and lets the
// phase's optimizer (optimizers/registry.ts) update the parameters in place. Phases run
// in order (Adam, then L-BFGS). Nothing is allocated per step once the shapes are known.
//
// Guarantees: every option (and a resume state) is checked before the first step
// (fit-options.ts, each optimizer's preflight, training-state.ts); the network is held
// for the whole run (a second fit, or setParams, is refused); a step is kept only when its
// loss, gradient and update are finite (optimizers/guard.ts); a dispose during the run
// stops it at the next step, before any memory is touched.
import { describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import { Mlp } from '../engine/mlp.js';
import type { Parameter } from '../fields/field.js';
import type { Optimizer, OptimizerState } from '../optimizers/definition.js';
import { checkOutcome, type PhaseEnd } from '../optimizers/guard.js';
import { ChunkedEvaluation, cutsIntoChunks } from '../parallel/chunked-evaluation.js';
import { type Core, getCore } from '../runtime/core.js';
import { now, progressWriter, yieldToEventLoop } from './event-loop.js';
import { type FitOptions, type Phase, type ResolvedFit, resolveFit } from './fit-options.js';
import { Metrics } from './metrics.js';
import { TermsObjective } from './objective.js';
import { type History, Recorder, type StopReason } from './recorder.js';
import { checkResume, type TrainingState } from './training-state.js';
import { Trainables } from './trainables.js';

export type { EarlyStoppingOptions, FitOptions, PhaseOptions, StepInfo } from './fit-options.js';
export type { History, PhaseRecord, StopReason } from './recorder.js';
export type { TrainingState } from './training-state.js';

/**
 * Trains `net` on the loss terms. Resolves to the history; throws a JetfitError naming the
 * cause (the term whose loss or gradient turned non-finite, the schedule, the update) if a
 * step cannot be kept, and the network keeps the last good parameters.
 */
export async function fit(net: Mlp, options: FitOptions): Promise<History> {
  if (!(net instanceof Mlp)) throw new JetfitError(`fit(net, options): expected an Mlp as net, got ${describe(net)}`);
  net.acquire('fit');
  try {
    return await train(net, options);
  } finally {
    net.releaseOwner();
  }
}

// Resolve and check everything (nothing changes yet), then run the phases.
async function train(net: Mlp, options: FitOptions): Promise<History> {
  const resolved = resolveFit(net, options);
  const trainables = new Trainables(net, resolved.scalars);
  const objective = new TermsObjective(net, resolved.terms, trainables);
  const metrics = new Metrics(net, options.metrics, options.metricsEvery);
  for (const ph of resolved.phases) ph.definition.preflight(ph.opt, objective, `${ph.where}.optimizer`);
  if (options.resume !== undefined) checkResume(options.resume, trainables, resolved.terms, resolved.phases);
  // ---- from here on the network may change ----
  const run = new Run(net, options, resolved, objective, metrics);
  try {
    await run.phases();
    return run.finish();
  } finally {
    run.close();
  }
}

/** One call of fit from its first step to its last: where it is, and what it holds. */
class Run {
  private readonly trainables: Trainables;
  private readonly recorder: Recorder;
  private readonly history: History;
  private readonly progress: ReturnType<typeof progressWriter>;
  private readonly started = now();
  private lastYield = this.started;
  private lastProgress = 0;
  private step = 0;
  private phaseIndex = 0;
  private phaseStep = 0;
  private resumeOptimizer: OptimizerState | null = null;
  /** the parameters before a resume state was taken up, put back if the optimizer refuses the state */
  private beforeResume: Float64Array | null = null;
  private readonly core: Core;
  private chunked: ChunkedEvaluation | null = null;
  private readonly resampling: boolean;
  private readonly measured: Record<string, number> = {};
  private stop: StopReason | null = null;
  private done = false;
  private stepper: Optimizer | null = null;

  constructor(
    private readonly net: Mlp,
    private readonly options: FitOptions,
    private readonly resolved: ResolvedFit,
    private readonly objective: TermsObjective,
    private readonly metrics: Metrics,
  ) {
    const { terms, names, earlyStopping, restoreBest } = resolved;
    this.trainables = objective.parameters;
    const stepsPerEpoch = terms[0]!.samplerFor(undefined).stepsPerEpoch;
    const keepBest = restoreBest || !!earlyStopping?.restoreBest;
    this.recorder = new Recorder(names, options, earlyStopping, keepBest, stepsPerEpoch, this.trainables);
    this.history = this.recorder.history;
    this.progress = progressWriter(options.progress);
    if (options.resume !== undefined) this.resume(options.resume);
    this.core = getCore('fit');
    this.resampling = terms.some((t) => t.resampleState() !== null);
  }

  /** Takes up a checked state: the position, the parameters, the terms' points and samplers. */
  private resume(r: TrainingState): void {
    ({ step: this.step, phase: this.phaseIndex, phaseStep: this.phaseStep } = r);
    const values = new Float64Array(this.trainables.size);
    this.beforeResume = new Float64Array(this.trainables.size);
    this.trainables.save(this.beforeResume);
    this.trainables.unpackVector([...r.params, ...r.scalars], values);
    this.trainables.load(values);
    this.resolved.terms.forEach((t, i) => {
      t.restoreResample(r.resampled?.[i] ?? null);
      t.restoreSamplers(r.samplers[i]!);
    });
    this.resumeOptimizer = r.optimizer;
  }

  /** Threads: the batches cut into chunks, for every phase whose batches are large enough. */
  private async prepareChunks(): Promise<void> {
    const { net, core, resolved } = this;
    const useChunks = cutsIntoChunks(net, resolved.terms);
    if (useChunks && !this.chunked) {
      const threads = resolved.threads ?? core.info.threads;
      if (threads > 1 && core.pool) await core.pool.ensure(threads - 1);
      const slots = new Map<Parameter, number>(resolved.scalars.map((p, i) => [p, i]));
      this.chunked = new ChunkedEvaluation(net, resolved.terms, core.pool, (p) => slots.get(p)!);
      this.history.threads = await this.chunked.start(threads);
      this.alive();
    }
    this.objective.chunks = useChunks ? this.chunked : null;
  }

  private readonly alive = (): void => {
    if (this.net.disposed) {
      throw new JetfitError(
        `fit: the network was disposed while fit was training it (after step ${this.step}); training stopped. ` +
          'Dispose a network only after its fit has finished (await it), or stop the fit first (onStep returning false, or an AbortSignal)',
      );
    }
  };

  /** Runs the phases in order from where the run is; the last good parameters kept on any error. */
  async phases(): Promise<void> {
    const phases = this.resolved.phases;
    try {
      while (!this.done && !this.stop) {
        if (!(await this.runPhase(phases[this.phaseIndex]!))) break;
        if (this.phaseIndex === phases.length - 1) {
          this.done = true;
          break;
        }
        // the next phase starts with a fresh optimizer (a state saved now holds none)
        this.phaseIndex++;
        this.phaseStep = 0;
        this.stepper!.dispose();
        this.stepper = null;
      }
      const { recorder, resolved } = this;
      const best = recorder.best;
      const wanted = this.stop === 'early-stopping' ? resolved.earlyStopping!.restoreBest : resolved.restoreBest;
      if (best && Number.isFinite(recorder.bestLoss) && wanted) this.trainables.load(best);
    } finally {
      const last = (this.history.loss[this.history.loss.length - 1] ?? NaN).toExponential(3);
      if (this.progress) this.progress(`step ${this.step}  loss ${last}  ${((now() - this.started) / 1000).toFixed(1)} s`, true);
    }
  }

  /** One phase's steps; returns whether it ran to its end (its steps, or its optimizer's own end). */
  private async runPhase(ph: Phase): Promise<boolean> {
    for (const t of this.resolved.terms) t.useBatch(ph.batchOf(t));
    await this.prepareChunks();
    const stepper = ph.definition.create(ph.opt, this.objective, ph);
    this.stepper = stepper;
    if (this.resumeOptimizer) {
      try {
        stepper.restore(this.resumeOptimizer);
      } catch (e) {
        // a state refused on restore (its loss recomputed) leaves the network as it was before fit
        this.trainables.load(this.beforeResume!);
        throw e;
      }
      this.resumeOptimizer = null;
    }
    let phaseEnd: PhaseEnd = null;
    const phaseStart = this.phaseStep;
    while (this.phaseStep < ph.steps && !this.stop && !phaseEnd) {
      if (this.options.signal?.aborted) {
        this.stop = 'aborted';
        break;
      }
      phaseEnd = await this.takeStep(stepper);
    }
    const finished = this.phaseStep >= ph.steps || phaseEnd !== null;
    this.history.phases.push({
      optimizer: ph.opt.type,
      steps: this.phaseStep - phaseStart,
      stopReason: finished ? (phaseEnd ?? 'completed') : (this.stop ?? 'completed'),
    });
    return finished;
  }

  /** One step: resampling when due, the optimizer's step, the record, metrics, progress, the event loop's turn. */
  private async takeStep(stepper: Optimizer): Promise<PhaseEnd> {
    const terms = this.resolved.terms;
    if (this.resampling && terms.some((t) => t.resampleDue(this.step))) {
      for (const t of terms) if (t.resampleDue(this.step)) t.resample();
      stepper.dataChanged();
    }
    const { loss, lr, end } = checkOutcome(stepper.step(this.phaseStep, this.step), this.objective, this.step);
    const seconds = (now() - this.started) / 1000;
    this.step++;
    this.phaseStep++;
    const termValues = this.objective.termValues;
    this.stop = this.recorder.record(this.step, this.phaseIndex, loss, lr, termValues, seconds, this.alive);
    if (this.metrics.due(this.step, false)) Object.assign(this.measured, this.metrics.measure(this.step, this.history.metrics));
    if (this.progress && (now() - this.lastProgress > 200 || this.stop)) {
      this.lastProgress = now();
      const names = this.resolved.names;
      const each = names.length > 1 ? names.map((k) => `${k} ${termValues[k]!.toExponential(2)}`).join('  ') : '';
      const errs = Object.entries(this.measured)
        .map(([k, v]) => `${k} ${v.toExponential(2)}`)
        .join('  ');
      this.progress(`step ${this.step}  loss ${loss.toExponential(3)}  ${each}  ${errs}  ${seconds.toFixed(1)} s`, false);
    }
    if (now() - this.lastYield > 40) {
      await yieldToEventLoop();
      this.lastYield = now();
      this.alive();
    }
    return end;
  }

  /** The history, completed: the end, the trained scalars, the state to resume from. */
  finish(): History {
    const { history, trainables, resolved, step } = this;
    if (this.metrics.due(step, true) && step > 0) this.metrics.measure(step, history.metrics);
    history.stopReason = this.stop ?? (this.done ? history.phases[history.phases.length - 1]!.stopReason : 'completed');
    history.steps = step;
    history.seconds = (now() - this.started) / 1000;
    resolved.scalars.forEach((p, i) => {
      history.parameters[p.name] = trainables.values[i]!;
    });
    const params = new Float64Array(trainables.size);
    trainables.save(params);
    history.state = {
      version: 2,
      step,
      phase: this.phaseIndex,
      phaseStep: this.phaseStep,
      optimizer: this.stepper?.state() ?? null,
      samplers: resolved.terms.map((t) => t.samplerStates()),
      scalars: Array.from(trainables.values),
      params: trainables.packVector(params).slice(0, this.net.parameterCount),
      ...(this.resampling ? { resampled: resolved.terms.map((t) => t.resampleState()) } : {}),
    };
    return history;
  }

  /** Returns the optimizer's and the threads' resources. */
  close(): void {
    this.stepper?.dispose();
    this.chunked?.stop();
    if (this.core.pool?.lingers) this.core.pool.stop();
  }
}
