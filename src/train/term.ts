// One loss term: its data and sampler, its lowered expression, and the step that turns
// a batch into a loss value plus cotangents for the network and trainable scalars.
import { checkKeys, checkNumbers, describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import type { Mlp } from '../engine/mlp.js';
import type { Plan } from '../engine/plan.js';
import { Random } from '../base/random.js';
import { Dataset, replacePoints, Sampler, type SamplerState, type TermData } from '../data/dataset.js';
import { strictArguments } from '../fields/context.js';
import { mappedFields } from '../fields/output-map.js';
import { Field, Loss, type Parameter } from '../fields/field.js';
import { lower, type LoweredLoss } from '../fields/lower.js';
import { TapePass } from '../fields/pass.js';
import { drawPoints, Resampler, type PointSampler, type ResampleOptions, type ResampleState } from './resample.js';

/** What a loss function receives: the fields of its term's batch. */
export interface LossContext {
  /** the network's first output (u = outputs[0]) */
  readonly u: Field;
  /** every output of the network */
  readonly outputs: readonly Field[];
  /** the input coordinates x[0], ..., x[n-1] */
  readonly x: readonly Field[];
  /** the term's data columns by name */
  readonly data: Readonly<Record<string, Field>>;
}

/** A loss function: builds the term's scalar loss from its fields (called once). */
export type LossFunction = (context: LossContext) => Loss;

/** One term of the objective. */
export interface TermOptions extends Omit<TermData, 'points'> {
  /** [N][n] points, or a function drawing them: `(n, random) => points` (then give `count`) */
  points: TermData['points'] | PointSampler;
  /** how many points to draw from a sampler function */
  count?: number;
  /** residual-based adaptive resampling from the sampler function (RAD) */
  resample?: ResampleOptions;
  /** the term's loss */
  loss: LossFunction;
  /** points per step: a number, or 'full' (default) */
  batchSize?: number | 'full';
  /** weight in the total objective (default 1) */
  weight?: number;
}

const TERM_KEYS = ['points', 'columns', 'sets', 'loss', 'batchSize', 'weight', 'count', 'resample'];

/** A compiled term. */
export class Term {
  /** the sampler of the batch size in use (see useBatch) */
  sampler: Sampler;
  private readonly samplers = new Map<number | 'full', Sampler>();
  /** the term's own batch size */
  readonly defaultBatch: number | 'full';
  private readonly seed: number;
  readonly lowered: LoweredLoss;
  /** the loss expression as built by the term's loss function */
  readonly expression: Loss;
  readonly weight: number;
  /** the term's last loss value (unweighted) */
  value = NaN;

  constructor(
    readonly name: string,
    options: TermOptions,
    readonly net: Mlp,
    seed: number,
  ) {
    if (typeof options !== 'object' || options === null)
      throw new JetfitError(`term '${name}': expected { points, loss, ... }, got ${describe(options)}`);
    checkKeys(options, TERM_KEYS, `term '${name}'`);
    if (typeof options.loss !== 'function')
      throw new JetfitError(`term '${name}': loss must be a function of the term's fields, got ${describe(options.loss)}`);
    const w = options.weight ?? 1;
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0)
      throw new JetfitError(`term '${name}': weight must be a finite number ≥ 0, got ${describe(w)}`);
    this.weight = w;
    const source = typeof options.points === 'function' ? options.points : null;
    const rng = new Random(seed + 0x5eed);
    let points = options.points as TermData['points'];
    if (source) {
      const count = options.count;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) {
        throw new JetfitError(
          `term '${name}': count: a term whose points come from a function needs how many to draw, a whole number ≥ 1; got ${describe(count)}`,
        );
      }
      const flat = new Float64Array(count * net.inputs);
      drawPoints(source, rng, count, net, name, flat);
      points = flat;
    } else if (options.count !== undefined) {
      throw new JetfitError(
        `term '${name}': count applies to points drawn by a function (n, random) => points; this term's points are given`,
      );
    }
    if (options.resample !== undefined && !source) {
      throw new JetfitError(
        `term '${name}': resample draws candidates from the term's sampler function; give points as (n, random) => points with a count`,
      );
    }
    if (options.resample !== undefined && options.columns !== undefined && Object.keys(options.columns).length > 0) {
      throw new JetfitError(
        `term '${name}': resample: a term with data columns cannot be resampled (new points have no column values); compute them in the loss from x`,
      );
    }
    if (options.resample !== undefined && options.sets !== undefined && Object.keys(options.sets).length > 0) {
      throw new JetfitError(`term '${name}': resample: a term with point sets cannot be resampled (the sets are paired with its points)`);
    }
    const data = new Dataset({ points, columns: options.columns, sets: options.sets }, net.inputs, name, net.dtype === 'float32');
    this.seed = seed;
    this.defaultBatch = options.batchSize ?? 'full';
    if (typeof options.batchSize === 'number' && options.batchSize > data.size)
      throw new JetfitError(
        `term '${name}': batchSize ${options.batchSize} is larger than the term's ${data.size} points; use at most ${data.size}, or 'full' for all of them`,
      );
    this.sampler = new Sampler(data, this.defaultBatch, seed, name);
    this.samplers.set(this.defaultBatch, this.sampler);
    const { context, u, outputs, x } = mappedFields(net, name, [...data.sets.keys()]);
    const columns: Record<string, Field> = {};
    for (const c of data.columns.keys()) columns[c] = new Field(context, { kind: 'column', name: c });
    const dataProxy = new Proxy(columns, {
      get(target, key) {
        if (typeof key === 'string' && !Object.hasOwn(target, key)) {
          const have = Object.keys(target);
          throw new JetfitError(
            `term '${name}': data column '${key}' is missing; ` +
              (have.length
                ? `the term has ${have.map((h) => `'${h}'`).join(', ')}`
                : 'the term has no data columns (pass columns: { ... })'),
          );
        }
        return (target as Record<string | symbol, unknown>)[key];
      },
    });
    let loss: unknown;
    try {
      loss = options.loss(strictArguments({ u, outputs, x, data: dataProxy }, `term '${name}': the loss`));
    } catch (e) {
      // a field's own message (outputs[5], d(7), ...) does not know which term it is in
      if (e instanceof JetfitError && !e.message.startsWith('term ')) throw new JetfitError(`term '${name}': ${e.message}`);
      throw e;
    }
    if (!(loss instanceof Loss)) {
      throw new JetfitError(
        `term '${name}': the loss must return a scalar (mean(...), sum(...), mse(...) of fields), got ` +
          `${(loss as unknown) instanceof Field ? 'a field; reduce it with mean() or sum()' : loss === null ? 'null' : typeof loss}`,
      );
    }
    this.expression = loss;
    this.lowered = lower(loss, name, net.inputs);
    net.checkSecondOrder(this.lowered.spec, `term '${name}'`);
    this.lowered.tape.resize(this.sampler.batch);
    this.pass = new TapePass(net, this.lowered);
    this.resampler = options.resample === undefined ? null : new Resampler(options.resample, source!, rng, data.size, net, loss, name);
  }

  /** its passes through the network and the tape */
  private readonly pass: TapePass;
  /** residual-based resampling, if the term has it */
  private readonly resampler: Resampler | null;

  /** Whether the term resamples before the step that follows `done` completed steps. */
  resampleDue(done: number): boolean {
    return this.resampler !== null && done > 0 && done % this.resampler.every === 0;
  }

  /** Replaces the term's points by residual-based resampling (see resample.ts). */
  resample(): void {
    replacePoints(this.sampler.data, this.resampler!.resample());
    for (const s of this.samplers.values()) s.refresh();
  }

  /** @internal the resampled points and generator, for a saved state (null without resampling) */
  resampleState(): ResampleState | null {
    return this.resampler && { points: Array.from(this.sampler.data.points), rng: this.resampler.rngState() };
  }

  /** @internal checks a saved resampling state against the term before anything is restored */
  checkResampleState(v: unknown, what: string): void {
    if (!this.resampler) {
      if (v !== null) throw new JetfitError(`${what}: term '${this.name}' does not resample; expected null, got ${describe(v)}`);
      return;
    }
    if (typeof v !== 'object' || v === null)
      throw new JetfitError(`${what}: expected { points, rng } of the resampled term, got ${describe(v)}`);
    checkKeys(v, ['points', 'rng'], what);
    const st = v as Partial<ResampleState>;
    const d = this.sampler.data;
    checkNumbers(
      st.points,
      d.size * d.inputs,
      `${what}.points`,
      `${d.size} points × ${d.inputs} inputs, flat`,
      this.net.dtype === 'float32',
    );
    Random.checkState(st.rng, `${what}.rng`);
  }

  /** @internal restores a state checked by checkResampleState */
  restoreResample(v: ResampleState | null): void {
    if (!v || !this.resampler) return;
    replacePoints(this.sampler.data, Float64Array.from(v.points));
    this.resampler.restoreRng(v.rng);
    for (const s of this.samplers.values()) s.refresh();
  }

  /** trainable scalars the term uses */
  get parameters(): Parameter[] {
    return this.lowered.parameters.map((p) => p.param);
  }

  /** where each of the term's parameters' gradient goes in the shared scalar gradient array */
  slots: number[] = [];

  /**
   * Switches to another batch size (a phase's override, or undefined for the term's own);
   * each size keeps its own sampler, so switching back continues where it was.
   */
  useBatch(batchSize: number | 'full' | undefined): void {
    this.sampler = this.samplerFor(batchSize);
    this.lowered.tape.resize(this.sampler.batch);
  }

  /** The sampler of a batch size (a phase's override, or undefined for the term's own), made on first use. */
  samplerFor(batchSize: number | 'full' | undefined): Sampler {
    const key = batchSize ?? this.defaultBatch;
    let s = this.samplers.get(key);
    if (!s) {
      s = new Sampler(this.sampler.data, key, this.seed + this.samplers.size, this.name);
      this.samplers.set(key, s);
    }
    return s;
  }

  /** @internal the position of every sampler the term has made, in the order it made them */
  samplerStates(): SamplerState[] {
    return [...this.samplers.values()].map((s) => s.state());
  }

  /**
   * @internal checks saved sampler positions against the term's data, every field, before
   * anything is restored: the term's own batch size first (it is made first), each once.
   */
  checkSamplerStates(v: unknown, what: string): asserts v is SamplerState[] {
    if (!Array.isArray(v) || v.length === 0)
      throw new JetfitError(`${what}: expected the term's saved samplers (an array, its own batch size first), got ${describe(v)}`);
    const seen = new Set<number | 'full'>();
    for (let k = 0; k < v.length; k++) {
      // an index loop: a hole in the array is checked too
      const s: unknown = v[k];
      this.sampler.checkState(s, `${what}[${k}]`, this.name);
      const batch = (s as SamplerState).batch;
      if (k === 0 && batch !== this.defaultBatch) {
        throw new JetfitError(
          `${what}[0].batch: the term's own batch size comes first; expected ${String(this.defaultBatch)}, got ${String(batch)}`,
        );
      }
      if (seen.has(batch)) throw new JetfitError(`${what}[${k}].batch: batch size ${String(batch)} is saved twice`);
      seen.add(batch);
    }
  }

  /** @internal restores positions checked by checkSamplerStates (making the samplers in the saved order) */
  restoreSamplers(states: readonly SamplerState[]): void {
    for (const st of states) this.samplerFor(st.batch).restore(st);
  }

  /** Moves to the next batch. */
  advance(): void {
    this.sampler.next();
  }

  /**
   * The loss on the current batch; with `backward`, also its cotangents, pushed through the
   * network (accumulating when asked) and added to `scalarGrads` at the term's slots.
   */
  run(backward: boolean, accumulate: boolean, scalarGrads: Float64Array): number {
    const L = this.lowered;
    const plan = this.forwardTape(backward, false);
    const value = L.root.value[0]!;
    this.value = value;
    if (!backward || !Number.isFinite(value)) return value;
    L.tape.backward(L.root, this.weight);
    if (plan) {
      this.writeCotangents(plan);
      this.net.backwardWritten(plan, accumulate);
    }
    L.parameters.forEach((p, i) => {
      scalarGrads[this.slots[i]!]! += p.node.grad[0]!;
    });
    return value;
  }

  /** the number of point sets a pass covers: the term's own points, then each extra set */
  get setCount(): number {
    return 1 + this.sampler.sets.length;
  }

  /** @internal the tape's output gradients as the plan's cotangents (each set's slice of its component) */
  writeCotangents(plan: Plan): void {
    this.pass.writeCotangents(plan, this.sampler.batch, this.sampler.sets.length);
  }

  /**
   * @internal the network's jets on the current batch (kept for a backward pass when
   * `keep`; in forward mode when `forwardJets`, as Jacobian rows need), read into the
   * tape, and the tape run forward (fields/pass.ts). Returns the pass's plan (null when the
   * loss reads no output and nothing is kept).
   */
  forwardTape(keep: boolean, forwardJets: boolean): Plan | null {
    const s = this.sampler;
    return this.pass.forward(s.x, s.batch, s.sets, keep, forwardJets, s.columns);
  }
}
