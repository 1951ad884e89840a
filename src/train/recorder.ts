// What fit records and reports after each step: the history, the per-epoch means, the
// callbacks, early stopping and the best parameters, and the progress line.
import type { EarlyStoppingOptions, FitOptions, StepInfo } from './fit-options.js';
import type { MetricRecord } from './metrics.js';
import type { TrainingState } from './training-state.js';
import type { Trainables } from './trainables.js';

/** Why a run (or a phase) ended. */
export type StopReason = 'completed' | 'converged' | 'line-search-failed' | 'early-stopping' | 'aborted' | 'callback';

/** How one phase of this call ended. */
export interface PhaseRecord {
  /** the phase's optimizer */
  optimizer: string;
  /** steps run in it by this call */
  steps: number;
  /** 'completed' (all its steps), 'converged' (an L-BFGS tolerance met), 'line-search-failed', or why the run stopped */
  stopReason: StopReason;
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
  /** how each phase this call ran ended */
  phases: PhaseRecord[];
  /** trained scalars by name */
  parameters: Record<string, number>;
  steps: number;
  seconds: number;
  /** why the run ended: the last phase's end, or what stopped it */
  stopReason: StopReason;
  /** pass as `resume` to continue */
  state: TrainingState;
  /** each metric's errors, by name (fit's `metrics`) */
  metrics: Record<string, MetricRecord>;
  /** threads the steps ran on (1 when the batches were too small to cut, or threads are off) */
  threads: number;
}

/** Records steps into a History, runs the callbacks and early stopping, keeps the best parameters. */
export class Recorder {
  readonly history: History;
  /** the best monitored epoch loss so far */
  bestLoss = Infinity;
  /** a copy of the parameters at the best epoch (when they are to be restored) */
  readonly best: Float64Array | null;
  private sinceBest = 0;
  private epochSum = 0;
  private epochCount = 0;
  private readonly epochTerms: Record<string, number>;

  constructor(
    private readonly names: readonly string[],
    private readonly options: Pick<FitOptions, 'onStep' | 'onEpoch'>,
    private readonly earlyStopping: Required<EarlyStoppingOptions> | null,
    keepBest: boolean,
    private readonly stepsPerEpoch: number,
    private readonly trainables: Trainables,
  ) {
    this.history = {
      loss: [],
      terms: Object.fromEntries(names.map((k) => [k, []])),
      lr: [],
      time: [],
      epochs: [],
      phases: [],
      parameters: {},
      steps: 0,
      seconds: 0,
      stopReason: 'completed',
      state: null as unknown as TrainingState,
      metrics: {},
      threads: 1,
    };
    this.best = keepBest ? new Float64Array(trainables.size) : null;
    this.epochTerms = Object.fromEntries(names.map((k) => [k, 0]));
  }

  /**
   * Records step `step` (counted from 1) and runs onStep, the epoch's bookkeeping, onEpoch
   * and early stopping; `alive` is called after each callback (a callback may dispose the
   * network). Returns why training should stop, or null.
   */
  record(
    step: number,
    phase: number,
    loss: number,
    lr: number,
    termValues: Readonly<Record<string, number>>,
    seconds: number,
    alive: () => void,
  ): StopReason | null {
    const h = this.history,
      names = this.names;
    let stop: StopReason | null = null;
    h.loss.push(loss);
    h.lr.push(lr);
    h.time.push(seconds);
    for (const k of names) h.terms[k]!.push(termValues[k]!);
    const info: StepInfo = { step, epoch: Math.floor(step / this.stepsPerEpoch), phase, loss, terms: termValues, lr, seconds };
    if (this.options.onStep && this.options.onStep(info) === false) stop = 'callback';
    alive();
    this.epochSum += loss;
    this.epochCount++;
    for (const k of names) this.epochTerms[k]! += termValues[k]!;
    if (step % this.stepsPerEpoch !== 0) return stop;
    const e: StepInfo = {
      ...info,
      loss: this.epochSum / this.epochCount,
      terms: Object.fromEntries(names.map((k) => [k, this.epochTerms[k]! / this.epochCount])),
    };
    h.epochs.push(e);
    this.epochSum = 0;
    this.epochCount = 0;
    for (const k of names) this.epochTerms[k] = 0;
    if (this.options.onEpoch && this.options.onEpoch(e) === false) stop = 'callback';
    alive();
    const es = this.earlyStopping;
    const monitored = es && es.monitor !== 'loss' ? e.terms[es.monitor]! : e.loss;
    if (monitored < this.bestLoss - (es?.minDelta ?? 0)) {
      this.bestLoss = monitored;
      this.sinceBest = 0;
      if (this.best) this.trainables.save(this.best);
    } else if (es && ++this.sinceBest >= es.patience) {
      stop = 'early-stopping';
    }
    return stop;
  }
}
