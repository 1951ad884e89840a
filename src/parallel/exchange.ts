// The memory a step's threads share: one buffer (a SharedArrayBuffer with threads, a plain
// ArrayBuffer on one thread: the same layout either way), laid out from the problem's
// sizes identically by the main thread and by every worker.
//
//   control   Int32 [16]           generation, next task, task count, command, error flag, parameters' version
//   error     bytes [1024]         the first failing thread's message (UTF-8)
//   params    bytes [P]            the network's flat padded parameters, as stored
//   sum       bytes [P]            the gradient summed over the slots so far
//   per term  float64              x [B][n], each paired set [B][n], each column [B],
//                                  trainable scalars [s], reductions' adjoints [r]
//   tasks     Int32 [T][6]         term, start, length, batch size, kind, slot
//   ready     Int32 [T]            each slot's flag: its task has finished
//   gradient  Int32 [T]            each slot's flag: it holds a network gradient
//   slots     per task             gradient bytes [P], then float64: value, reductions' shares [r], scalars' gradients [s]
import type { SavedLoss } from '../fields/saved-loss.js';
import { SharedMessage } from '../runtime/shared-memory.js';

/** What a thread needs to run one term's chunks. */
export interface ChunkTerm {
  readonly name: string;
  readonly loss: SavedLoss;
  readonly weight: number;
  /** its paired point sets and data columns, by name in order */
  readonly sets: readonly string[];
  readonly columns: readonly string[];
  /** the largest batch any phase uses (the data size) */
  readonly maxBatch: number;
  /** how many reductions its expression has */
  readonly reductions: number;
}

/** The sizes the layout is made from. */
export interface ExchangeShape {
  readonly inputs: number;
  readonly paramBytes: number;
  readonly terms: readonly ChunkTerm[];
  readonly maxTasks: number;
}

/** Words of the control block (ParamsVersion: bumped when the parameters in the exchange change). */
export const Control = {
  Generation: 0,
  Next: 1,
  Count: 2,
  Command: 3,
  Error: 4,
  ParamsVersion: 5,
  /** the next slot to add to the gradient sum, the slots to add this round, and the sum's lock */
  Cursor: 6,
  SumCount: 7,
  SumLock: 8,
  /** whether the sum holds a gradient yet (the first one is copied, the rest added) */
  SumStarted: 9,
} as const;

/** Commands a worker reads after waking. */
export const Command = { Run: 1, Exit: 2 } as const;

/** Task kinds: a whole batch (value; value and gradient); a chunk's reduction shares; shares and gradient. */
export const Kind = { Value: 0, Whole: 1, Shares: 2, Chunk: 3 } as const;

export const TASK_INTS = 6;
/** where a task's slot is among its ints */
export const TASK_SLOT = 5;
const ERROR_BYTES = 1024;

/** One term's region. */
export interface TermViews {
  readonly x: Float64Array;
  readonly sets: Float64Array[];
  readonly columns: Float64Array[];
  readonly scalars: Float64Array;
  readonly adjoints: Float64Array;
}

/** One task's results. */
export interface SlotViews {
  /** byte offset of the gradient */
  readonly grads: number;
  /** value, reductions' shares, scalars' gradients */
  readonly numbers: Float64Array;
}

const align = (n: number, a: number): number => Math.ceil(n / a) * a;

/** The views of one exchange buffer. */
export class Exchange {
  readonly control: Int32Array;
  /** the first error a thread met in a step */
  readonly error: SharedMessage;
  readonly params: number;
  /** byte offset of the gradient sum */
  readonly sum: number;
  readonly terms: TermViews[] = [];
  readonly tasks: Int32Array;
  readonly ready: Int32Array;
  readonly hasGradient: Int32Array;
  readonly slots: SlotViews[] = [];
  readonly bytes: Uint8Array;

  constructor(
    readonly shape: ExchangeShape,
    readonly buffer: ArrayBuffer | SharedArrayBuffer,
  ) {
    this.bytes = new Uint8Array(buffer);
    const at = layout(shape);
    this.control = new Int32Array(buffer, 0, 16);
    this.error = new SharedMessage(this.control, Control.Error, new Uint8Array(buffer, 64, ERROR_BYTES));
    this.params = at.params;
    this.sum = at.sum;
    const f64 = (offset: number, n: number): Float64Array => new Float64Array(buffer, offset, n);
    shape.terms.forEach((t, k) => {
      let o = at.terms[k]!;
      const B = t.maxBatch,
        n = shape.inputs;
      const take = (len: number): Float64Array => {
        const v = f64(o, len);
        o += len * 8;
        return v;
      };
      this.terms.push({
        x: take(B * n),
        sets: t.sets.map(() => take(B * n)),
        columns: t.columns.map(() => take(B)),
        scalars: take(t.loss.parameters),
        adjoints: take(t.reductions),
      });
    });
    this.tasks = new Int32Array(buffer, at.tasks, shape.maxTasks * TASK_INTS);
    this.ready = new Int32Array(buffer, at.ready, shape.maxTasks);
    this.hasGradient = new Int32Array(buffer, at.ready + 4 * shape.maxTasks, shape.maxTasks);
    for (let s = 0; s < shape.maxTasks; s++) {
      const o = at.slots + s * at.slot;
      this.slots.push({ grads: o, numbers: f64(o + at.slotGrads, at.slotNumbers) });
    }
  }

  /** A buffer for `shape`: shared when threads will read it. */
  static allocate(shape: ExchangeShape, shared: boolean): Exchange {
    const n = layout(shape).total;
    return new Exchange(shape, shared ? new SharedArrayBuffer(n) : new ArrayBuffer(n));
  }
}

/** Byte offsets of the regions. */
function layout(shape: ExchangeShape) {
  let o = 64 + ERROR_BYTES;
  const params = align(o, 64);
  const sum = align(params + shape.paramBytes, 64);
  o = align(sum + shape.paramBytes, 64);
  const terms: number[] = [];
  let maxNumbers = 1;
  for (const t of shape.terms) {
    terms.push(o);
    const B = t.maxBatch;
    o += 8 * (B * shape.inputs * (1 + t.sets.length) + B * t.columns.length + t.loss.parameters + t.reductions);
    maxNumbers = Math.max(maxNumbers, 1 + t.reductions + t.loss.parameters);
  }
  const tasks = align(o, 64);
  const ready = align(tasks + 4 * TASK_INTS * shape.maxTasks, 64);
  o = align(ready + 8 * shape.maxTasks, 64);
  const slotGrads = align(shape.paramBytes, 64);
  const slot = align(slotGrads + 8 * maxNumbers, 64);
  return { params, sum, terms, tasks, ready, slots: o, slot, slotGrads, slotNumbers: maxNumbers, total: o + slot * shape.maxTasks };
}
