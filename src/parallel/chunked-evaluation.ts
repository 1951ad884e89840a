// A step's loss and gradient over chunks, on as many threads as fit was given (docs/threads.md).
// Terms are cut into chunks by the problem's size alone (chunks.ts); each task (a term's
// whole batch, or a chunk) writes its own slot; the slots are then summed in one fixed
// order: term by term, chunk by chunk. Which thread ran which task never enters the
// result, so 1, 2 or 3 threads give the same bits. A chunked term whose loss is not a
// weighted sum of reductions (a ratio, a square root, ...) takes two rounds: its
// reductions' shares first, then, with the adjoints of the whole batch's reductions,
// each chunk's gradient (its forward pass run again).
import { JetfitError } from '../base/errors.js';
import type { Mlp } from '../engine/mlp.js';
import type { Sampler } from '../data/dataset.js';
import type { Loss, Parameter } from '../fields/field.js';
import type { LoweredLoss } from '../fields/lower.js';
import { linearReductions } from '../fields/pointwise.js';
import { saveLoss } from '../fields/saved-loss.js';
import type { ThreadPool } from '../runtime/thread-pool.js';
import { ChunkRunner } from './chunk-runner.js';
import { chunkCount, chunkStart, PARALLEL_WORK, workPerPoint } from './chunks.js';
import { Control, Exchange, type ChunkTerm, Kind, TASK_INTS } from './exchange.js';
import { canBlock } from '../runtime/shared-memory.js';
import { awaitSlot, dispatch, MAX_TASKS, release } from './work-queue.js';

/** A loss term as the evaluation sees it: its expression, lowered and saved, and its batches. */
export interface ChunkSource {
  readonly name: string;
  readonly expression: Loss;
  readonly lowered: LoweredLoss;
  readonly weight: number;
  /** the sampler of its current batch size */
  readonly sampler: Sampler;
}

/** Whether the terms' current batches are large enough to be cut (else fit runs each term whole, on one thread). */
export function cutsIntoChunks(net: Mlp, terms: readonly ChunkSource[]): boolean {
  let total = 0;
  for (const t of terms) {
    const B = t.sampler.batch;
    const work = workPerPoint(net, t.lowered.spec, t.sampler.sets.length);
    if (chunkCount(B, work) > 1) return true;
    total += B * work.work;
  }
  return total >= PARALLEL_WORK;
}

/** One term as the evaluation sees it. */
interface Entry {
  readonly term: ChunkSource;
  readonly chunk: ChunkTerm;
  /** its trainable scalars in the exchange's order */
  readonly scalars: readonly Parameter[];
  readonly linear: boolean;
  readonly work: { work: number; blocks: number };
  /** adjoints of its reductions for a weighted sum (they do not depend on the values) */
  readonly fixed: Float64Array;
  /** its slots in this evaluation, in chunk order, whether they were chunks, and a chunk's work */
  slots: number[];
  chunked: boolean;
  size: number;
}

/** Loss and gradient of fit's terms, cut into chunks and run on threads. */
export class ChunkedEvaluation {
  private readonly entries: Entry[];
  private readonly ex: Exchange;
  private readonly runner: ChunkRunner;
  private workers = 0;
  private readonly shares: Float64Array;
  /** the terms, largest chunks first */
  private readonly order: number[];

  constructor(
    private readonly net: Mlp,
    terms: readonly ChunkSource[],
    private readonly pool: ThreadPool | null,
    private readonly slotOf: (p: Parameter) => number,
  ) {
    let maxTasks = 0,
      maxReductions = 0;
    this.entries = terms.map((term) => {
      const { saved, parameters } = saveLoss(term.expression);
      const L = term.lowered;
      const data = term.sampler.data;
      const chunk: ChunkTerm = {
        name: term.name,
        loss: saved,
        weight: term.weight,
        sets: [...data.sets.keys()],
        columns: [...data.columns.keys()],
        maxBatch: data.size,
        reductions: L.tape.reductions.length,
      };
      const work = workPerPoint(net, L.spec, chunk.sets.length);
      maxTasks += chunkCount(data.size, work);
      maxReductions = Math.max(maxReductions, chunk.reductions);
      const linear = linearReductions(term.expression) !== null;
      const fixed = new Float64Array(chunk.reductions);
      if (linear) {
        L.tape.forwardScalars(L.root, fixed);
        L.tape.adjoints(L.root, term.weight, fixed);
      }
      return { term, chunk, scalars: parameters, linear, work, fixed, slots: [], chunked: false, size: 0 };
    });
    maxTasks = Math.min(maxTasks, MAX_TASKS);
    const shape = { inputs: net.inputs, paramBytes: net.parameterView().byteLength, terms: this.entries.map((e) => e.chunk), maxTasks };
    this.ex = Exchange.allocate(shape, pool !== null);
    this.runner = new ChunkRunner(net, this.ex);
    this.shares = new Float64Array(maxReductions);
    this.order = this.entries.map((_, k) => k);
  }

  /**
   * Sends the workers (threads − 1 of the pool) the network and the terms; they then wait
   * for tasks. Returns the threads the steps will run on (1 when a worker could not take them).
   */
  async start(threads: number): Promise<number> {
    const pool = this.pool;
    if (!pool || threads < 2) return 1;
    const n = Math.min(threads - 1, pool.size);
    const json = this.net.toJSON();
    // from now on the workers may be in this fit's loop: evaluate stays on its own thread
    pool.busy++;
    this.holding = true;
    try {
      await Promise.all(
        Array.from({ length: n }, (_, k) => pool.send(k, { type: 'fit', net: json, shape: this.ex.shape, buffer: this.ex.buffer })),
      );
    } catch {
      // a worker could not take the fit (it ended, or failed): this run goes on one thread,
      // with the same result; the next fit starts the pool afresh
      release(this.ex);
      pool.stop();
      this.holdNoMore();
      return 1;
    }
    this.workers = n;
    return n + 1;
  }

  /** Lets the workers go (they free their copies of the network). */
  stop(): void {
    if (this.workers > 0) release(this.ex);
    this.workers = 0;
    this.holdNoMore();
  }

  /** whether this fit counts in the pool's busy count */
  private holding = false;
  private holdNoMore(): void {
    if (this.holding && this.pool) this.pool.busy--;
    this.holding = false;
  }

  /**
   * The terms' weighted loss on their current batches, each term's value into `values`;
   * with `gradient`, the network's gradient (overwritten) and the scalars' gradients
   * (added into `scalarGrads`).
   */
  run(gradient: boolean, values: Record<string, number>, scalarGrads: Float64Array): number {
    const ex = this.ex;
    if (this.workers > 0) {
      // (the main thread's tasks read its own network: only the workers need the copy)
      this.runner.params.set(this.net.parameterView());
      Atomics.add(ex.control, Control.ParamsVersion, 1);
    }
    let count = 0,
      twoRounds = false;
    // slots in the fixed order (term by term, chunk by chunk); tasks published largest first
    this.entries.forEach((e, k) => {
      this.writeBatch(e, k);
      const B = e.term.sampler.batch;
      const chunks = Math.min(chunkCount(B, e.work), MAX_TASKS);
      e.chunked = chunks > 1;
      e.slots.length = 0;
      for (let c = 0; c < chunks; c++) e.slots.push(count++);
      e.size = (B / chunks) * e.work.work;
      if (e.chunked) ex.terms[k]!.adjoints.set(e.fixed);
      twoRounds ||= gradient && e.chunked && !e.linear;
    });
    this.order.sort(this.largestFirst);
    let i = 0;
    for (const k of this.order) {
      const e = this.entries[k]!;
      const B = e.term.sampler.batch;
      const kind = !e.chunked ? (gradient ? Kind.Whole : Kind.Value) : gradient && e.linear ? Kind.Chunk : Kind.Shares;
      const n = e.slots.length;
      for (let c = 0; c < n; c++) {
        const start = chunkStart(B, n, c);
        this.task(i++, k, start, chunkStart(B, n, c + 1) - start, B, kind, e.slots[c]!);
      }
    }
    const sum = this.runner.gradients;
    sum.begin(twoRounds ? 0 : count);
    this.dispatch(count);
    if (twoRounds) {
      // every slot of the first round done before the second is published
      for (let s = 0; s < count; s++) awaitSlot(ex, s);
      this.check();
      let again = 0;
      this.entries.forEach((e, k) => {
        if (!e.chunked || e.linear) return;
        const L = e.term.lowered;
        L.tape.forwardScalars(L.root, this.sharesOf(e));
        L.tape.adjoints(L.root, e.term.weight, ex.terms[k]!.adjoints);
        const B = e.term.sampler.batch;
        const n = e.slots.length;
        for (let c = 0; c < n; c++) {
          const start = chunkStart(B, n, c);
          this.task(again++, k, start, chunkStart(B, n, c + 1) - start, B, Kind.Chunk, e.slots[c]!);
        }
      });
      sum.begin(count);
      this.dispatch(again);
    }
    const summed = sum.finish(canBlock());
    this.check();
    if (gradient) {
      const g = this.net.gradientView();
      if (summed) g.set(sum.sum);
      else g.fill(0);
    }
    return this.collect(gradient, values, scalarGrads);
  }

  /** writes task i (its slot's flag cleared) */
  private task(i: number, term: number, start: number, length: number, B: number, kind: number, slot: number): void {
    const t = this.ex.tasks,
      o = i * TASK_INTS;
    t[o] = term;
    t[o + 1] = start;
    t[o + 2] = length;
    t[o + 3] = B;
    t[o + 4] = kind;
    t[o + 5] = slot;
    this.ex.ready[slot] = 0;
  }

  private dispatch(count: number): void {
    dispatch(this.ex, count, this.workers, this.runTask, this.between);
  }
  private readonly runTask = (i: number): void => this.runner.run(i);
  private readonly largestFirst = (a: number, b: number): number => this.entries[b]!.size - this.entries[a]!.size || a - b;
  private readonly between = (): void => this.runner.gradients.advance();

  /** Each term's value, and the scalars' gradients (Σ over terms, then chunks), from the slots' numbers. */
  private collect(gradient: boolean, values: Record<string, number>, scalarGrads: Float64Array): number {
    let total = 0;
    for (const e of this.entries) {
      const at = 1 + e.chunk.reductions;
      if (gradient && e.scalars.length > 0) {
        for (const s of e.slots) {
          const n = this.ex.slots[s]!.numbers;
          e.scalars.forEach((p, j) => {
            scalarGrads[this.slotOf(p)]! += n[at + j]!;
          });
        }
      }
      const L = e.term.lowered;
      const v = e.chunked ? L.tape.forwardScalars(L.root, this.sharesOf(e)) : this.ex.slots[e.slots[0]!]!.numbers[0]!;
      values[e.term.name] = v;
      total += e.term.weight * v;
    }
    return total;
  }

  /** The whole batch's reductions of a chunked term: Σ of its chunks' shares, in order. */
  private sharesOf(e: Entry): Float64Array {
    const R = e.chunk.reductions,
      sh = this.shares;
    for (let k = 0; k < R; k++) sh[k] = this.ex.slots[e.slots[0]!]!.numbers[1 + k]!;
    for (let c = 1; c < e.slots.length; c++) {
      const n = this.ex.slots[e.slots[c]!]!.numbers;
      for (let k = 0; k < R; k++) sh[k]! += n[1 + k]!;
    }
    return sh;
  }

  /** throws the first error a thread met in this step */
  private check(): void {
    const failure = this.ex.error.read();
    if (failure === null) return;
    this.ex.error.clear();
    throw new JetfitError(`fit: ${failure}`);
  }

  /** the term's batch (points, paired sets, columns) and trainable scalars into the exchange */
  private writeBatch(e: Entry, k: number): void {
    const r = this.ex.terms[k]!;
    const s = e.term.sampler;
    const xn = s.batch * this.net.inputs;
    r.x.set(s.x.subarray(0, xn));
    s.sets.forEach((set, k) => {
      r.sets[k]!.set(set.subarray(0, xn));
    });
    e.chunk.columns.forEach((c, k) => {
      r.columns[k]!.set(s.columns.get(c)!.subarray(0, s.batch));
    });
    e.scalars.forEach((p, k) => {
      r.scalars[k] = p.value;
    });
  }
}
