// fit: trains a network on a sum of loss terms written on its jets. Each step samples a
// batch per term, runs the engine's forward jets, replays each term's tape for its
// value and cotangents, runs the engine's backward pass (accumulating over terms), and
// lets the phase's optimizer update the parameters in place. Phases run in order
// (Adam, then L-BFGS). Nothing is allocated per step once the shapes are known.
//
// Guarantees: every option (and a resume state) is checked before the first step; the
// network is held for the whole run (a second fit, or setParams, is refused); a step is
// kept only when its loss, gradient and update are finite (guard.ts); a dispose during
// the run stops it at the next step, before any memory is touched.
import { describe } from '../check.js';
import { JetfitError } from '../errors.js';
import { Mlp } from '../engine/mlp.js';
import { now, progressWriter, yieldToEventLoop } from './event-loop.js';
import { resolveFit, type FitOptions, type StepInfo } from './fit-options.js';
import { adamOverflowError, checkFactor, gradientOrUpdateError, lossError } from './guard.js';
import { Lbfgs, type LbfgsStop } from './lbfgs.js';
import { firstOrder, type FirstOrder, type OptimizerState } from './optimizers.js';
import { checkResume, type TrainingState } from './training-state.js';
import { Trainables } from './trainables.js';

export type { EarlyStoppingOptions, FitOptions, PhaseOptions, StepInfo } from './fit-options.js';
export type { TrainingState } from './training-state.js';

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
}

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

async function train(net: Mlp, options: FitOptions): Promise<History> {
  const { terms, names, scalars, phases, earlyStopping, restoreBest } = resolveFit(net, options);
  const trainables = new Trainables(net, scalars);
  if (options.resume !== undefined) checkResume(options.resume, trainables, terms, phases);
  // ---- from here on the network may change ----
  const size = trainables.size;
  const snapshot = new Float64Array(size);
  const best = restoreBest || earlyStopping?.restoreBest ? new Float64Array(size) : null;
  const termValues: Record<string, number> = Object.fromEntries(names.map((k) => [k, NaN]));
  const history: History = {
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
  };
  const progress = progressWriter(options.progress);
  const started = now();
  let lastYield = started,
    lastProgress = 0;
  let step = 0,
    phaseIndex = 0,
    phaseStep = 0;
  let resumeOptimizer: OptimizerState | null = null;
  if (options.resume !== undefined) {
    const r = options.resume;
    step = r.step;
    phaseIndex = r.phase;
    phaseStep = r.phaseStep;
    const values = new Float64Array(size);
    trainables.unpackVector([...r.params, ...r.scalars], values);
    trainables.load(values);
    terms.forEach((t, i) => {
      t.restoreSamplers(r.samplers[i]!);
    });
    resumeOptimizer = r.optimizer;
  }

  /** Loss and gradient of all terms on their current batches. */
  const evaluate = (): number => {
    trainables.grads.fill(0);
    let total = 0,
      first = true;
    for (const t of terms) {
      const v = t.run(true, !first, trainables.grads);
      if (t.lowered.outputs.length > 0) first = false;
      termValues[t.name] = v;
      total += t.weight * v;
    }
    if (first) net.gradientView().fill(0);
    return total;
  };
  const alive = (): void => {
    if (net.disposed) {
      throw new JetfitError(
        `fit: the network was disposed while fit was training it (after step ${step}); training stopped. ` +
          'Dispose a network only after its fit has finished (await it), or stop the fit first (onStep returning false, or an AbortSignal)',
      );
    }
  };

  let optimizerState: () => OptimizerState | null = () => null;
  let bestLoss = Infinity,
    sinceBest = 0,
    epochSum = 0,
    epochCount = 0;
  const epochTerms: Record<string, number> = Object.fromEntries(names.map((k) => [k, 0]));
  const stepsPerEpoch = terms[0]!.samplerFor(undefined).stepsPerEpoch;
  let stop: StopReason | null = null;
  let done = false;

  try {
    let haveSnapshot = false;
    while (!done && !stop) {
      const ph = phases[phaseIndex]!;
      for (const t of terms) t.useBatch(ph.batchOf(t));
      let firstOrderOpt: FirstOrder | null = null,
        lbfgs: Lbfgs | null = null;
      if (ph.opt.type === 'lbfgs') {
        lbfgs = new Lbfgs(ph.opt, size);
        optimizerState = () => lbfgs!.state(trainables);
      } else {
        firstOrderOpt = firstOrder(ph.opt, trainables);
        optimizerState = () => firstOrderOpt!.state();
      }
      if (resumeOptimizer) {
        if (lbfgs) lbfgs.restore(resumeOptimizer, trainables);
        else firstOrderOpt!.restore(resumeOptimizer);
        resumeOptimizer = null;
      }
      const baseLr = ph.opt.lr;
      const adam32 = net.dtype === 'float32' && (ph.opt.type === 'adam' || ph.opt.type === 'adamw');
      let phaseEnd: LbfgsStop = null;
      const phaseStart = phaseStep;
      while (phaseStep < ph.steps && !stop && !phaseEnd) {
        if (options.signal?.aborted) {
          stop = 'aborted';
          break;
        }
        let loss: number, lr: number;
        if (lbfgs) {
          lr = baseLr;
          trainables.save(snapshot);
          const r = lbfgs.step(trainables, evaluate);
          loss = r.loss;
          if (r.stop === 'non-finite-loss') {
            trainables.load(snapshot);
            throw lossError(names, termValues, step);
          }
          if (r.stop === 'non-finite-gradient' || !trainables.finite()) {
            trainables.load(snapshot);
            throw gradientOrUpdateError(net, terms, trainables, step, 'an L-BFGS step');
          }
          phaseEnd = r.stop;
        } else {
          lr = baseLr * checkFactor(ph.lr(phaseStep, ph.steps), step, ph.where);
          for (const t of terms) t.advance();
          loss = evaluate();
          if (!Number.isFinite(loss)) {
            if (haveSnapshot) {
              trainables.load(snapshot);
              firstOrderOpt!.rollback();
            }
            throw lossError(names, termValues, step);
          }
          if (ph.clip > 0) {
            const g = trainables.gradientNorm();
            if (g > ph.clip) trainables.scaleGradient(ph.clip / g);
          }
          if (adam32) {
            const e = adamOverflowError(trainables, step);
            if (e) throw e;
          }
          trainables.save(snapshot);
          firstOrderOpt!.snapshot();
          haveSnapshot = true;
          firstOrderOpt!.step(trainables, lr);
          if (!trainables.finite()) {
            trainables.load(snapshot);
            firstOrderOpt!.rollback();
            throw gradientOrUpdateError(net, terms, trainables, step, `'${ph.opt.type}' with learning rate ${lr}`);
          }
          trainables.commit();
        }
        // history and callbacks
        const seconds = (now() - started) / 1000;
        history.loss.push(loss);
        history.lr.push(lr);
        history.time.push(seconds);
        for (const k of names) history.terms[k]!.push(termValues[k]!);
        step++;
        phaseStep++;
        const info: StepInfo = { step, epoch: Math.floor(step / stepsPerEpoch), phase: phaseIndex, loss, terms: termValues, lr, seconds };
        if (options.onStep && options.onStep(info) === false) stop = 'callback';
        alive();
        epochSum += loss;
        epochCount++;
        for (const k of names) epochTerms[k]! += termValues[k]!;
        if (step % stepsPerEpoch === 0) {
          const e: StepInfo = {
            ...info,
            loss: epochSum / epochCount,
            terms: Object.fromEntries(names.map((k) => [k, epochTerms[k]! / epochCount])),
          };
          history.epochs.push(e);
          epochSum = 0;
          epochCount = 0;
          for (const k of names) epochTerms[k] = 0;
          if (options.onEpoch && options.onEpoch(e) === false) stop = 'callback';
          alive();
          const monitored = earlyStopping && earlyStopping.monitor !== 'loss' ? e.terms[earlyStopping.monitor]! : e.loss;
          if (monitored < bestLoss - (earlyStopping?.minDelta ?? 0)) {
            bestLoss = monitored;
            sinceBest = 0;
            if (best) trainables.save(best);
          } else if (earlyStopping && ++sinceBest >= earlyStopping.patience) {
            stop = 'early-stopping';
          }
        }
        if (progress && (now() - lastProgress > 200 || stop)) {
          lastProgress = now();
          progress(
            `step ${step}  loss ${loss.toExponential(3)}  ${names.length > 1 ? names.map((k) => `${k} ${termValues[k]!.toExponential(2)}`).join('  ') : ''}  ${seconds.toFixed(1)} s`,
            false,
          );
        }
        if (now() - lastYield > 40) {
          await yieldToEventLoop();
          lastYield = now();
          alive();
        }
      }
      const finished = phaseStep >= ph.steps || phaseEnd !== null;
      history.phases.push({
        optimizer: ph.opt.type,
        steps: phaseStep - phaseStart,
        stopReason: finished ? (phaseEnd ?? 'completed') : (stop ?? 'completed'),
      });
      if (!finished) break;
      if (phaseIndex === phases.length - 1) {
        done = true;
        break;
      }
      // the next phase starts with a fresh optimizer (a state saved now holds none)
      phaseIndex++;
      phaseStep = 0;
      haveSnapshot = false;
      optimizerState = () => null;
    }
    if (best && Number.isFinite(bestLoss) && (stop === 'early-stopping' ? earlyStopping!.restoreBest : restoreBest)) trainables.load(best);
  } finally {
    if (progress)
      progress(
        `step ${step}  loss ${(history.loss[history.loss.length - 1] ?? NaN).toExponential(3)}  ${((now() - started) / 1000).toFixed(1)} s`,
        true,
      );
  }
  history.stopReason = stop ?? (done ? history.phases[history.phases.length - 1]!.stopReason : 'completed');
  history.steps = step;
  history.seconds = (now() - started) / 1000;
  scalars.forEach((p, i) => {
    history.parameters[p.name] = trainables.values[i]!;
  });
  const params = new Float64Array(size);
  trainables.save(params);
  history.state = {
    version: 2,
    step,
    phase: phaseIndex,
    phaseStep,
    optimizer: optimizerState(),
    samplers: terms.map((t) => t.samplerStates()),
    scalars: Array.from(trainables.values),
    params: trainables.packVector(params).slice(0, net.parameterCount),
  };
  return history;
}
