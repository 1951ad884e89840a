// The network's gradient summed over a step's slots in their fixed order, by whichever
// thread gets there: a thread that has finished a task takes the sum's lock (if free),
// adds every slot that is ready from the cursor on, in order, and lets go. So the sum
// is spread over the threads and overlaps the tasks still running, and its order, and
// so its bits, never depend on which thread added what.
import type { Real } from '../base/dtype.js';
import { Control, type Exchange } from './exchange.js';

/** Views of the sum and of every slot's gradient, made once per thread. */
export class GradientSum {
  readonly sum: Real;
  readonly slots: Real[];

  constructor(
    private readonly ex: Exchange,
    float32: boolean,
  ) {
    const Flat = float32 ? Float32Array : Float64Array;
    const n = ex.shape.paramBytes / Flat.BYTES_PER_ELEMENT;
    const buffer = ex.buffer as ArrayBuffer;
    this.sum = new Flat(buffer, ex.sum, n);
    this.slots = ex.slots.map((s) => new Flat(buffer, s.grads, n));
  }

  /** Main thread: the next round's `count` slots are to be summed (0: none this round). */
  begin(count: number): void {
    const c = this.ex.control;
    Atomics.store(c, Control.Cursor, 0);
    Atomics.store(c, Control.SumStarted, 0);
    Atomics.store(c, Control.SumCount, count);
  }

  /** Adds the ready slots from the cursor on, if no other thread is adding. */
  advance(): void {
    const { ex } = this,
      c = ex.control;
    for (;;) {
      const count = Atomics.load(c, Control.SumCount);
      const at = Atomics.load(c, Control.Cursor);
      if (at >= count || Atomics.load(ex.ready, at) === 0) return;
      if (Atomics.compareExchange(c, Control.SumLock, 0, 1) !== 0) return;
      let k = Atomics.load(c, Control.Cursor);
      while (k < count && Atomics.load(ex.ready, k) === 1) {
        if (ex.hasGradient[k] === 1) {
          if (Atomics.load(c, Control.SumStarted) === 0) this.sum.set(this.slots[k]!);
          else addInto(this.sum, this.slots[k]!);
          Atomics.store(c, Control.SumStarted, 1);
        }
        k++;
        Atomics.store(c, Control.Cursor, k);
      }
      Atomics.store(c, Control.SumLock, 0);
      Atomics.notify(c, Control.Cursor);
      // a slot may have become ready after the check above and before the lock was let go
    }
  }

  /** Main thread: adds (and waits for) every slot of the round; true when any held a gradient. */
  finish(wait: boolean): boolean {
    const c = this.ex.control;
    for (;;) {
      this.advance();
      const at = Atomics.load(c, Control.Cursor);
      if (at >= Atomics.load(c, Control.SumCount)) break;
      if (!wait) continue;
      if (Atomics.load(c, Control.SumLock) === 1) Atomics.wait(c, Control.Cursor, at, 20);
      else Atomics.wait(this.ex.ready, at, 0, 20);
    }
    return Atomics.load(c, Control.SumStarted) === 1;
  }
}

/** dst += src, element by element (float32 arrays round each sum to float32) */
function addInto(dst: Real, src: Real): void {
  for (let i = 0; i < dst.length; i++) dst[i]! += src[i]!;
}
