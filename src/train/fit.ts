// fit: trains a network on a sum of loss terms written on its jets. Each step samples a
// batch per term, runs the engine's forward jets, replays each term's tape for its value
// and cotangents, runs the engine's backward pass (accumulating over terms), and lets the
// phase's optimizer update the parameters in place (steppers.ts). Phases run in order
// (Adam, then L-BFGS). Nothing is allocated per step once the shapes are known.
//
// Guarantees: every option (and a resume state) is checked before the first step
// (fit-options.ts, training-state.ts); the network is held for the whole run (a second
// fit, or setParams, is refused); a step is kept only when its loss, gradient and update
// are finite (guard.ts); a dispose during the run stops it at the next step, before any
// memory is touched.
import { describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import { Mlp } from '../engine/mlp.js';
import type { Parameter } from '../fields/field.js';
import { getCore } from '../runtime/core.js';
import { ChunkedEvaluation, cutsIntoChunks } from './chunked-evaluation.js';
import { checkDenseSize } from './dense-quasi-newton.js';
import { checkLm } from './levenberg-marquardt.js';
import { now, progressWriter, yieldToEventLoop } from './event-loop.js';
import { resolveFit, type FitOptions } from './fit-options.js';
import { Metrics } from './metrics.js';
import { isDense } from './optimizer-options.js';
import type { OptimizerState } from './optimizers.js';
import { Recorder, type History, type StopReason } from './recorder.js';
import { stepperFor, type PhaseEnd, type StepContext, type Stepper } from './steppers.js';
import { checkResume } from './training-state.js';
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

// The run, start to end: resolve and check everything, resume, then phases of steps, each
// step recorded (recorder.ts) with the event loop given its turn every 40 ms. Long
// because it is the one place where the order of these is decided.
async function train(net: Mlp, options: FitOptions): Promise<History> {
  const { terms, names, scalars, phases, earlyStopping, restoreBest, threads: asked } = resolveFit(net, options);
  const trainables = new Trainables(net, scalars);
  const metrics = new Metrics(net, options.metrics, options.metricsEvery);
  for (const ph of phases) {
    if (isDense(ph.opt)) checkDenseSize(ph.opt, trainables.compactSize, `${ph.where}.optimizer`);
    if (ph.opt.type === 'lm') checkLm(ph.opt, terms, trainables, `${ph.where}.optimizer`);
  }
  if (options.resume !== undefined) checkResume(options.resume, trainables, terms, phases);
  // ---- from here on the network may change ----
  const termValues: Record<string, number> = Object.fromEntries(names.map((k) => [k, NaN]));
  const stepsPerEpoch = terms[0]!.samplerFor(undefined).stepsPerEpoch;
  const recorder = new Recorder(names, options, earlyStopping, restoreBest || !!earlyStopping?.restoreBest, stepsPerEpoch, trainables);
  const history = recorder.history;
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
    ({ step, phase: phaseIndex, phaseStep } = r);
    const values = new Float64Array(trainables.size);
    trainables.unpackVector([...r.params, ...r.scalars], values);
    trainables.load(values);
    terms.forEach((t, i) => {
      t.restoreResample(r.resampled?.[i] ?? null);
      t.restoreSamplers(r.samplers[i]!);
    });
    resumeOptimizer = r.optimizer;
  }
  // ---- threads: the batches cut into chunks, for every phase whose batches are large enough ----
  const core = getCore('fit');
  const threads = asked ?? core.info.threads;
  const scalarSlots = new Map<Parameter, number>(scalars.map((p, i) => [p, i]));
  const slotOf = (p: Parameter): number => scalarSlots.get(p)!;
  let chunked: ChunkedEvaluation | null = null;
  let useChunks = false;
  const prepareChunks = async (): Promise<void> => {
    useChunks = cutsIntoChunks(net, terms);
    if (!useChunks || chunked) return;
    if (threads > 1 && core.pool) await core.pool.ensure(threads - 1);
    chunked = new ChunkedEvaluation(net, terms, core.pool, slotOf);
    history.threads = await chunked.start(threads);
    alive();
  };
  const context: StepContext = {
    net,
    terms,
    names,
    termValues,
    trainables,
    snapshot: new Float64Array(trainables.size),
    evaluate: () => {
      trainables.grads.fill(0);
      if (useChunks) return chunked!.run(true, termValues, trainables.grads);
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
    },
    value: () => {
      if (useChunks) return chunked!.run(false, termValues, trainables.grads);
      let total = 0;
      for (const t of terms) {
        const v = t.run(false, false, trainables.grads);
        termValues[t.name] = v;
        total += t.weight * v;
      }
      return total;
    },
  };
  const alive = (): void => {
    if (net.disposed) {
      throw new JetfitError(
        `fit: the network was disposed while fit was training it (after step ${step}); training stopped. ` +
          'Dispose a network only after its fit has finished (await it), or stop the fit first (onStep returning false, or an AbortSignal)',
      );
    }
  };

  const resampling = terms.some((t) => t.resampleState() !== null);
  const measured: Record<string, number> = {};
  let stop: StopReason | null = null;
  let done = false;
  let stepper: Stepper | null = null;
  try {
    try {
      while (!done && !stop) {
        const ph = phases[phaseIndex]!;
        for (const t of terms) t.useBatch(ph.batchOf(t));
        await prepareChunks();
        stepper = stepperFor(ph, context);
        if (resumeOptimizer) {
          stepper.restore(resumeOptimizer);
          resumeOptimizer = null;
        }
        let phaseEnd: PhaseEnd = null;
        const phaseStart = phaseStep;
        while (phaseStep < ph.steps && !stop && !phaseEnd) {
          if (options.signal?.aborted) {
            stop = 'aborted';
            break;
          }
          if (resampling && terms.some((t) => t.resampleDue(step))) {
            for (const t of terms) if (t.resampleDue(step)) t.resample();
            stepper.dataChanged();
          }
          const { loss, lr, end } = stepper.step(phaseStep, step);
          phaseEnd = end;
          const seconds = (now() - started) / 1000;
          step++;
          phaseStep++;
          stop = recorder.record(step, phaseIndex, loss, lr, termValues, seconds, alive);
          if (metrics.due(step, false)) Object.assign(measured, metrics.measure(step, history.metrics));
          if (progress && (now() - lastProgress > 200 || stop)) {
            lastProgress = now();
            const each = names.length > 1 ? names.map((k) => `${k} ${termValues[k]!.toExponential(2)}`).join('  ') : '';
            const errs = Object.entries(measured)
              .map(([k, v]) => `${k} ${v.toExponential(2)}`)
              .join('  ');
            progress(`step ${step}  loss ${loss.toExponential(3)}  ${each}  ${errs}  ${seconds.toFixed(1)} s`, false);
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
        stepper.dispose();
        stepper = null;
      }
      const best = recorder.best;
      if (best && Number.isFinite(recorder.bestLoss) && (stop === 'early-stopping' ? earlyStopping!.restoreBest : restoreBest)) {
        trainables.load(best);
      }
    } finally {
      const last = (history.loss[history.loss.length - 1] ?? NaN).toExponential(3);
      if (progress) progress(`step ${step}  loss ${last}  ${((now() - started) / 1000).toFixed(1)} s`, true);
    }
    if (metrics.due(step, true) && step > 0) metrics.measure(step, history.metrics);
    history.stopReason = stop ?? (done ? history.phases[history.phases.length - 1]!.stopReason : 'completed');
    history.steps = step;
    history.seconds = (now() - started) / 1000;
    scalars.forEach((p, i) => {
      history.parameters[p.name] = trainables.values[i]!;
    });
    const params = new Float64Array(trainables.size);
    trainables.save(params);
    history.state = {
      version: 2,
      step,
      phase: phaseIndex,
      phaseStep,
      optimizer: stepper?.state() ?? null,
      samplers: terms.map((t) => t.samplerStates()),
      scalars: Array.from(trainables.values),
      params: trainables.packVector(params).slice(0, net.parameterCount),
      ...(resampling ? { resampled: terms.map((t) => t.resampleState()) } : {}),
    };
    return history;
  } finally {
    (stepper as Stepper | null)?.dispose();
    (chunked as ChunkedEvaluation | null)?.stop();
    if (core.pool?.lingers) core.pool.stop();
  }
}
