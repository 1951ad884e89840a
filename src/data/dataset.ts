// A term's data: its points ([N][n], row-major) and named columns (one value per point),
// checked once and held as float64; and a sampler that draws batches from it with
// seeded shuffling, gathering into buffers allocated once.
import { JetfitError } from '../base/errors.js';
import type { NumericArray } from '../base/dtype.js';
import { checkPoints, copyPoints, type Points } from '../base/points.js';
import { checkInteger, checkKeys, describe } from '../base/check.js';
import { Random } from '../base/random.js';

/** Points and named data columns of one loss term. */
export interface TermData {
  /** [N][n] points: flat row-major or one array per point */
  points: Points;
  /** named columns, one value per point (targets, source terms, ...) */
  columns?: Record<string, NumericArray>;
  /** named extra point sets, each as many points as `points`, paired by index (read in a loss with u.at(name)) */
  sets?: Record<string, Points>;
}

/** Checked, float64 copy of a term's data. */
export class Dataset {
  readonly size: number;
  readonly points: Float64Array;
  readonly columns = new Map<string, Float64Array>();
  /** the extra point sets, in order, flat [N][n] each */
  readonly sets = new Map<string, Float64Array>();

  /** @param float32 whether the points must also fit float32 (a float32 network) */
  constructor(
    data: TermData,
    readonly inputs: number,
    term: string,
    float32: boolean,
  ) {
    if (typeof data !== 'object' || data === null)
      throw new JetfitError(`term '${term}': expected { points, columns? }, got ${describe(data)}`);
    const N = checkPoints(data.points, inputs, `term '${term}': points`, float32);
    this.size = N;
    this.points = new Float64Array(N * inputs);
    copyPoints(data.points, inputs, inputs, this.points, 0);
    const sets: unknown = data.sets ?? {};
    if (typeof sets !== 'object' || sets === null || Array.isArray(sets)) {
      throw new JetfitError(`term '${term}': sets: expected an object of named point sets like { right: [...] }, got ${describe(sets)}`);
    }
    for (const [name, pts] of Object.entries(sets as Record<string, Points>)) {
      const what = `term '${term}': sets.${name}`;
      const M = checkPoints(pts, inputs, what, float32);
      if (M !== N) throw new JetfitError(`${what}: has ${M} points, expected ${N} (one for each of the term's points, paired by index)`);
      const flat = new Float64Array(N * inputs);
      copyPoints(pts, inputs, inputs, flat, 0);
      this.sets.set(name, flat);
    }
    const columns: unknown = data.columns ?? {};
    if (typeof columns !== 'object' || columns === null || Array.isArray(columns) || ArrayBuffer.isView(columns)) {
      throw new JetfitError(`term '${term}': columns: expected an object of named columns like { f: [...] }, got ${describe(columns)}`);
    }
    for (const [name, col] of Object.entries(columns as Record<string, NumericArray>)) {
      const what = `term '${term}': data column '${name}'`;
      if (col === null || typeof col !== 'object' || typeof (col as ArrayLike<number>).length !== 'number') {
        throw new JetfitError(`${what}: expected an array of ${N} numbers (one per point), got ${describe(col)}`);
      }
      if (col instanceof BigInt64Array || col instanceof BigUint64Array) {
        throw new JetfitError(
          `${what}: expected floating-point numbers (a Float32Array, Float64Array or number[]), got a ${col.constructor.name}`,
        );
      }
      if (col.length !== N) throw new JetfitError(`${what}: has ${col.length} values, expected ${N} (one per point)`);
      const c = new Float64Array(N);
      for (let i = 0; i < N; i++) {
        const v = col[i];
        if (typeof v !== 'number' || !Number.isFinite(v))
          throw new JetfitError(`${what}: entry ${i} is ${describe(v)}; every value must be a finite number`);
        c[i] = v;
      }
      this.columns.set(name, c);
    }
  }
}

/** Replaces a data set's points (same count, already checked): a term's resampling. */
export function replacePoints(data: Dataset, flat: Float64Array): void {
  data.points.set(flat);
}

/** Draws batches: the whole set in order (full batch) or seeded shuffled minibatches. */
export class Sampler {
  readonly batch: number;
  readonly x: Float64Array;
  readonly columns = new Map<string, Float64Array>();
  /** the batch's points of each extra set, flat [B][n], in the data's order of sets */
  readonly sets: Float64Array[];
  private readonly order: Uint32Array;
  private cursor = 0;
  private readonly rng: Random;
  /** completed passes over the data */
  epochs = 0;

  /** the batch size as asked for (a number or 'full'): the sampler's name in a saved state */
  readonly key: number | 'full';

  constructor(
    readonly data: Dataset,
    batchSize: number | 'full' | undefined,
    seed: number,
    term: string,
  ) {
    this.key = batchSize ?? 'full';
    const N = data.size;
    let B: number;
    if (batchSize === undefined || batchSize === 'full') B = N;
    else if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new JetfitError(`term '${term}': batchSize must be a positive integer or 'full', got ${describe(batchSize)}`);
    } else B = Math.min(batchSize, N);
    this.batch = B;
    this.x = new Float64Array(B * data.inputs);
    for (const name of data.columns.keys()) this.columns.set(name, new Float64Array(B));
    this.sets = [...data.sets.keys()].map(() => new Float64Array(B * data.inputs));
    this.order = new Uint32Array(N);
    for (let i = 0; i < N; i++) this.order[i] = i;
    this.rng = new Random(seed);
    if (!this.full) this.shuffle();
    else this.gather(0);
  }

  /** true when every batch is the whole data set, in order */
  get full(): boolean {
    return this.batch === this.data.size;
  }

  private shuffle(): void {
    const o = this.order;
    for (let i = o.length - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      const t = o[i]!;
      o[i] = o[j]!;
      o[j] = t;
    }
  }

  private gather(start: number): void {
    const n = this.data.inputs,
      src = this.data.points;
    for (let b = 0; b < this.batch; b++) {
      const p = this.order[start + b]!;
      for (let i = 0; i < n; i++) this.x[b * n + i] = src[p * n + i]!;
    }
    [...this.data.sets.values()].forEach((set, k) => {
      const dst = this.sets[k]!;
      for (let b = 0; b < this.batch; b++) {
        const p = this.order[start + b]!;
        for (let i = 0; i < n; i++) dst[b * n + i] = set[p * n + i]!;
      }
    });
    for (const [name, dst] of this.columns) {
      const col = this.data.columns.get(name)!;
      for (let b = 0; b < this.batch; b++) dst[b] = col[this.order[start + b]!]!;
    }
  }

  /** Moves to the next batch (x and columns are rewritten in place). */
  next(): void {
    if (this.full) {
      this.epochs++;
      return;
    }
    if (this.cursor + this.batch > this.data.size) {
      this.epochs++;
      this.cursor = 0;
      this.shuffle();
    }
    this.gather(this.cursor);
    this.cursor += this.batch;
  }

  /** After the data's points changed: a full batch gathers them again (a minibatch does at its next step). */
  refresh(): void {
    if (this.full) this.gather(0);
  }

  /** steps per pass over the data */
  get stepsPerEpoch(): number {
    return Math.max(1, Math.floor(this.data.size / this.batch));
  }

  /** @internal the position, for saving a training state */
  state(): SamplerState {
    return { batch: this.key, cursor: this.cursor, epochs: this.epochs, order: Array.from(this.order), rng: this.rng.state() };
  }

  /**
   * @internal checks a saved position against this sampler's data (every field, before
   * anything is restored): `what` names it in messages, `term` the term.
   */
  checkState(s: unknown, what: string, term: string): asserts s is SamplerState {
    if (typeof s !== 'object' || s === null)
      throw new JetfitError(`${what}: expected a saved sampler { batch, cursor, epochs, order, rng }, got ${describe(s)}`);
    checkKeys(s, ['batch', 'cursor', 'epochs', 'order', 'rng'], what);
    const batch = (s as Partial<SamplerState>).batch;
    if (batch !== 'full' && (typeof batch !== 'number' || !Number.isInteger(batch) || batch < 1)) {
      throw new JetfitError(`${what}.batch: expected a positive whole number or 'full', got ${describe(batch)}`);
    }
    const { cursor, epochs, order, rng } = s as Partial<SamplerState>;
    const N = this.data.size;
    if (!Array.isArray(order) || order.length !== N) {
      throw new JetfitError(
        `${what}.order: expected a permutation of the ${N} points of term '${term}', got ${describe(order)}; ` +
          'was the state saved with other points?',
      );
    }
    const seen = new Uint8Array(N);
    for (let i = 0; i < N; i++) {
      const k = order[i];
      if (typeof k !== 'number' || !Number.isInteger(k) || k < 0 || k >= N || seen[k]) {
        throw new JetfitError(`${what}.order: expected a permutation of the ${N} points of term '${term}'; entry ${i} is ${describe(k)}`);
      }
      seen[k] = 1;
    }
    checkInteger(cursor, `${what}.cursor`, 0, N);
    checkInteger(epochs, `${what}.epochs`, 0);
    Random.checkState(rng, `${what}.rng`);
  }

  /** @internal restores a position checked by checkState */
  restore(s: SamplerState): void {
    this.cursor = s.cursor;
    this.epochs = s.epochs;
    this.order.set(s.order);
    this.rng.restore(s.rng);
    if (this.full) this.gather(0);
  }
}

/** A sampler's position in a saved training state. */
export interface SamplerState {
  /** the batch size it draws (as asked for) */
  batch: number | 'full';
  cursor: number;
  epochs: number;
  order: number[];
  rng: (number | null)[];
}
