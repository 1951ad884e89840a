// A term's data: its points ([N][n], row-major) and named columns (one value per point),
// checked once and held as float64; and a sampler that draws batches from it with
// seeded shuffling, gathering into buffers allocated once.
import { JetfitError } from '../errors.js';
import type { NumericArray } from '../engine/dtype.js';
import { batchSize, copyPoints, type Points } from '../engine/points.js';
import { Random } from './random.js';

/** Points and named data columns of one loss term. */
export interface TermData {
  /** [N][n] points: flat row-major or one array per point */
  points: Points;
  /** named columns, one value per point (targets, source terms, ...) */
  columns?: Record<string, NumericArray>;
}

/** Checked, float64 copy of a term's data. */
export class Dataset {
  readonly size: number;
  readonly points: Float64Array;
  readonly columns = new Map<string, Float64Array>();

  constructor(data: TermData, readonly inputs: number, term: string) {
    if (typeof data !== 'object' || data === null) throw new JetfitError(`term '${term}': expected { points, columns? }, got ${String(data)}`);
    const N = batchSize(data.points, inputs, `term '${term}': points`);
    this.size = N;
    this.points = new Float64Array(N * inputs);
    copyPoints(data.points, inputs, inputs, this.points, 0, `term '${term}': points`);
    for (const [name, col] of Object.entries(data.columns ?? {})) {
      const what = `term '${term}': data column '${name}'`;
      if (col === null || typeof col !== 'object' || typeof (col as ArrayLike<number>).length !== 'number') {
        throw new JetfitError(`${what}: expected an array of ${N} numbers (one per point), got ${col === null ? 'null' : typeof col}`);
      }
      if (col instanceof BigInt64Array || col instanceof BigUint64Array) {
        throw new JetfitError(`${what}: expected floating-point numbers (a Float32Array, Float64Array or number[]), got a ${col.constructor.name}`);
      }
      if (col.length !== N) throw new JetfitError(`${what}: has ${col.length} values, expected ${N} (one per point)`);
      const c = new Float64Array(N);
      for (let i = 0; i < N; i++) {
        const v = col[i];
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new JetfitError(`${what}: entry ${i} is ${String(v)}; every value must be a finite number`);
        c[i] = v;
      }
      this.columns.set(name, c);
    }
  }
}

/** Draws batches: the whole set in order (full batch) or seeded shuffled minibatches. */
export class Sampler {
  readonly batch: number;
  readonly x: Float64Array;
  readonly columns = new Map<string, Float64Array>();
  private readonly order: Uint32Array;
  private cursor = 0;
  private readonly rng: Random;
  /** completed passes over the data */
  epochs = 0;

  constructor(readonly data: Dataset, batchSize: number | 'full' | undefined, seed: number, term: string) {
    const N = data.size;
    let B: number;
    if (batchSize === undefined || batchSize === 'full') B = N;
    else if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new JetfitError(`term '${term}': batchSize must be a positive integer or 'full', got ${JSON.stringify(batchSize)}`);
    } else B = Math.min(batchSize, N);
    this.batch = B;
    this.x = new Float64Array(B * data.inputs);
    for (const name of data.columns.keys()) this.columns.set(name, new Float64Array(B));
    this.order = new Uint32Array(N);
    for (let i = 0; i < N; i++) this.order[i] = i;
    this.rng = new Random(seed);
    if (!this.full) this.shuffle();
    else this.gather(0);
  }

  /** true when every batch is the whole data set, in order */
  get full(): boolean { return this.batch === this.data.size; }

  private shuffle(): void {
    const o = this.order;
    for (let i = o.length - 1; i > 0; i--) {
      const j = this.rng.int(i + 1);
      const t = o[i]!; o[i] = o[j]!; o[j] = t;
    }
  }

  private gather(start: number): void {
    const n = this.data.inputs, src = this.data.points;
    for (let b = 0; b < this.batch; b++) {
      const p = this.order[start + b]!;
      for (let i = 0; i < n; i++) this.x[b * n + i] = src[p * n + i]!;
    }
    for (const [name, dst] of this.columns) {
      const col = this.data.columns.get(name)!;
      for (let b = 0; b < this.batch; b++) dst[b] = col[this.order[start + b]!]!;
    }
  }

  /** Moves to the next batch (x and columns are rewritten in place). */
  next(): void {
    if (this.full) { this.epochs++; return; }
    if (this.cursor + this.batch > this.data.size) {
      this.epochs++;
      this.cursor = 0;
      this.shuffle();
    }
    this.gather(this.cursor);
    this.cursor += this.batch;
  }

  /** steps per pass over the data */
  get stepsPerEpoch(): number { return Math.max(1, Math.floor(this.data.size / this.batch)); }

  /** @internal the position, for saving a training state */
  state(): { cursor: number; epochs: number; order: number[]; rng: number[] } {
    return { cursor: this.cursor, epochs: this.epochs, order: Array.from(this.order), rng: this.rng.state() };
  }

  /** @internal */
  restore(s: { cursor: number; epochs: number; order: number[]; rng: number[] }): void {
    this.cursor = s.cursor; this.epochs = s.epochs;
    this.order.set(s.order);
    this.rng.restore(s.rng);
  }
}
