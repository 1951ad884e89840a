// Runs tasks of a step on one thread (the main thread or a worker): a term's whole batch,
// or one chunk of it, from the points, columns and trainable scalars in the exchange,
// through this thread's network and its own lowering of the term's expression; writes
// the value or the reductions' shares, the network's gradient and the scalars' gradients
// into the task's slot. Each thread lowers the same saved expression, so every thread
// replays the same tape, op for op: a chunk's result does not depend on who ran it.
import type { Real } from '../base/dtype.js';
import type { Mlp } from '../engine/mlp.js';
import { networkFields } from '../fields/context.js';
import { Parameter } from '../fields/field.js';
import { lower, type LoweredLoss } from '../fields/lower.js';
import { TapePass } from '../fields/pass.js';
import { loadLoss } from '../fields/saved-loss.js';
import { PIECE_POINTS } from './chunks.js';
import { GradientSum } from './gradient-sum.js';
import { Control, type ChunkTerm, type Exchange, Kind, TASK_INTS, type TermViews } from './exchange.js';

/** A chunk's inputs as views of the exchange. */
interface ChunkViews {
  x: Float64Array;
  sets: Float64Array[];
  columns: Map<string, Float64Array>;
}

/** One term's lowerings, one per chunk size, made on first use. */
class TermRunner {
  readonly parameters: Parameter[];
  private readonly loss;
  private readonly sizes = new Map<number, { L: LoweredLoss; pass: TapePass; saved: number[] }>();
  private readonly views = new Map<number, Map<number, ChunkViews>>();

  constructor(
    readonly term: ChunkTerm,
    private readonly net: Mlp,
    private readonly region: TermViews,
  ) {
    const { context } = networkFields(net.inputs, net.outputs, term.name, term.sets);
    this.parameters = Array.from({ length: term.loss.parameters }, (_, k) => new Parameter(0, `scalar ${k}`));
    this.loss = loadLoss(term.loss, context, this.parameters);
  }

  /** the lowering for chunks of `size` points; `saved`: each lowered parameter's index in the exchange */
  at(size: number): { L: LoweredLoss; pass: TapePass; saved: number[] } {
    let s = this.sizes.get(size);
    if (!s) {
      const L = lower(this.loss, this.term.name, this.net.inputs);
      L.tape.resize(size);
      s = { L, pass: new TapePass(this.net, L), saved: L.parameters.map((p) => this.parameters.indexOf(p.param)) };
      this.sizes.set(size, s);
    }
    return s;
  }

  /** points [start, start + length) of the term's batch */
  chunk(start: number, length: number): ChunkViews {
    let byStart = this.views.get(length);
    if (!byStart) {
      byStart = new Map();
      this.views.set(length, byStart);
    }
    let v = byStart.get(start);
    if (!v) {
      const n = this.net.inputs,
        r = this.region;
      const cut = (a: Float64Array, w: number): Float64Array => a.subarray(start * w, (start + length) * w);
      v = {
        x: cut(r.x, n),
        sets: r.sets.map((s) => cut(s, n)),
        columns: new Map(this.term.columns.map((c, k) => [c, cut(r.columns[k]!, 1)])),
      };
      byStart.set(start, v);
    }
    return v;
  }
}

/** The tasks of one thread. */
export class ChunkRunner {
  private readonly terms: TermRunner[];
  /** the slots' gradients and their sum, as this thread sees them */
  readonly gradients: GradientSum;
  /** the parameters in the exchange (the main thread writes them, workers read them) */
  readonly params: Real;
  private paramsVersion = -1;

  /** `net` is this thread's network: the trained one on the main thread, a copy in a worker. */
  constructor(
    private readonly net: Mlp,
    private readonly ex: Exchange,
  ) {
    this.terms = ex.shape.terms.map((t, k) => new TermRunner(t, net, ex.terms[k]!));
    const Flat = net.dtype === 'float32' ? Float32Array : Float64Array;
    const length = ex.shape.paramBytes / Flat.BYTES_PER_ELEMENT;
    this.params = new Flat(ex.buffer as ArrayBuffer, ex.params, length);
    this.gradients = new GradientSum(ex, net.dtype === 'float32');
  }

  /** A worker's copy of the network takes the exchange's parameters when they have changed. */
  loadParams(): void {
    const v = Atomics.load(this.ex.control, Control.ParamsVersion);
    if (v === this.paramsVersion) return;
    this.net.parameterView().set(this.params);
    this.net.parametersChanged();
    this.paramsVersion = v;
  }

  /**
   * Runs task `i` of the exchange's list. A whole batch is one pass (its tape whole); a
   * chunk goes through in pieces of PIECE_POINTS points, their reductions' shares and
   * gradients summed in order (the network's in its own buffer, by accumulating passes).
   */
  run(i: number): void {
    const t = this.ex.tasks,
      o = i * TASK_INTS;
    const term = t[o]!,
      start = t[o + 1]!,
      length = t[o + 2]!,
      batch = t[o + 3]!,
      kind = t[o + 4]!,
      slot = t[o + 5]!;
    const r = this.terms[term]!;
    const region = this.ex.terms[term]!;
    const numbers = this.ex.slots[slot]!.numbers;
    r.parameters.forEach((p, k) => {
      p.value = region.scalars[k]!;
    });
    const whole = kind === Kind.Value || kind === Kind.Whole;
    const gradient = kind === Kind.Whole || kind === Kind.Chunk;
    const at = 1 + r.term.reductions;
    numbers.fill(0);
    let touched = false;
    for (let from = start; from < start + length; from += PIECE_POINTS) {
      const n = whole ? length : Math.min(PIECE_POINTS, start + length - from);
      const { L, pass, saved } = r.at(n);
      L.tape.chunkOf(whole ? null : batch, from === 0);
      const v = r.chunk(from, n);
      const plan = pass.forward(v.x, n, v.sets, gradient, false, v.columns, !whole);
      if (whole) numbers[0] = L.root.value[0]!;
      else
        L.tape.reductions.forEach((node, k) => {
          numbers[1 + k]! += node.value[0]!;
        });
      if (gradient) {
        if (whole) L.tape.backward(L.root, r.term.weight);
        else L.tape.backwardPoints(region.adjoints);
        if (plan) {
          pass.writeCotangents(plan, n, v.sets.length);
          this.net.backwardWritten(plan, touched);
          touched = true;
        }
        L.parameters.forEach((p, j) => {
          numbers[at + saved[j]!]! += p.node.grad[0]!;
        });
      }
      if (whole) break;
    }
    if (touched) this.gradients.slots[slot]!.set(this.net.gradientView());
    this.ex.hasGradient[slot] = touched ? 1 : 0;
  }
}
