// The hand-off of a step's tasks between the main thread and the workers, on the control
// words of the exchange. The main thread writes everything a step reads (parameters,
// points, the task list), then publishes the tasks by resetting `Next` to the new
// generation's tag and bumping `Generation` (which wakes the workers). Every thread takes
// tasks with a compare-and-swap on `Next` that succeeds only while the tag is its own
// generation's, so a worker that wakes late never takes a task of a later step with the
// parameters of an earlier one. A task done sets its slot's flag (and wakes a waiting
// main thread): the main thread works through tasks itself, then reads the slots in their
// fixed order, each once its flag is set, summing early slots while late ones still run.
import { awaitNonZero } from '../runtime/shared-memory.js';
import { Command, Control, type Exchange, TASK_INTS, TASK_SLOT } from './exchange.js';

const TAG_SHIFT = 20;
const INDEX_MASK = (1 << TAG_SHIFT) - 1;
/** tasks per step the tag leaves room for */
export const MAX_TASKS = INDEX_MASK;

const tagOf = (generation: number): number => (generation & 0x7ff) << TAG_SHIFT;

/** Takes and runs tasks of `generation` until none is left; errors are written to the exchange. */
export function drain(ex: Exchange, generation: number, run: (task: number) => void, after?: () => void): void {
  const c = ex.control,
    tag = tagOf(generation);
  for (;;) {
    const w = Atomics.load(c, Control.Next);
    if ((w & ~INDEX_MASK) !== tag) return;
    const i = w & INDEX_MASK;
    const count = Atomics.load(c, Control.Count);
    if (i >= count) return;
    if (Atomics.compareExchange(c, Control.Next, w, w + 1) !== w) continue;
    try {
      run(i);
    } catch (e) {
      ex.error.write(e instanceof Error ? e.message : String(e));
    } finally {
      const slot = ex.tasks[i * TASK_INTS + TASK_SLOT]!;
      Atomics.store(ex.ready, slot, 1);
      Atomics.notify(ex.ready, slot);
    }
    after?.();
  }
}

/** Main thread: waits until the task writing `slot` has finished. */
export function awaitSlot(ex: Exchange, slot: number): void {
  awaitNonZero(ex.ready, slot);
}

/**
 * Main thread: publishes `count` tasks (everything they read already written, their slots'
 * flags cleared) and runs tasks until none is left to take; the workers may still be
 * running their last ones (awaitSlot). With no workers every task runs here, in order.
 */
export function dispatch(ex: Exchange, count: number, workers: number, run: (task: number) => void, after?: () => void): void {
  const c = ex.control;
  const generation = Atomics.load(c, Control.Generation) + 1;
  if (workers === 0) {
    Atomics.store(c, Control.Next, tagOf(generation));
    Atomics.store(c, Control.Count, count);
    Atomics.store(c, Control.Generation, generation);
    drain(ex, generation, run, after);
    return;
  }
  Atomics.store(c, Control.Count, count);
  Atomics.store(c, Control.Command, Command.Run);
  Atomics.store(c, Control.Next, tagOf(generation));
  Atomics.store(c, Control.Generation, generation);
  Atomics.notify(c, Control.Generation);
  drain(ex, generation, run, after);
}

/** Main thread: tells the workers in the loop to leave it. */
export function release(ex: Exchange): void {
  const c = ex.control;
  Atomics.store(c, Control.Command, Command.Exit);
  Atomics.add(c, Control.Generation, 1);
  Atomics.notify(c, Control.Generation);
}

/** Worker: the generation to wait past, read before the worker says it is ready. */
export function currentGeneration(ex: Exchange): number {
  return Atomics.load(ex.control, Control.Generation);
}

/** How long a worker watches for the next step before it sleeps: waking a sleeping thread costs tens of microseconds. */
const SPIN_MS = 0.5;

/** Worker: runs steps' tasks until told to leave. */
export function serve(ex: Exchange, from: number, prepare: () => void, run: (task: number) => void, after: () => void): void {
  const c = ex.control;
  let seen = from;
  for (;;) {
    const until = performance.now() + SPIN_MS;
    while (Atomics.load(c, Control.Generation) === seen && performance.now() < until);
    Atomics.wait(c, Control.Generation, seen);
    seen = Atomics.load(c, Control.Generation);
    if (Atomics.load(c, Control.Command) === Command.Exit) return;
    try {
      prepare();
    } catch (e) {
      ex.error.write(e instanceof Error ? e.message : String(e));
    }
    drain(ex, seen, run, after);
  }
}
