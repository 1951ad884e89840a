// evaluate on threads: a large batch is split into one range of points per thread; each
// worker runs the forward pass of its range through its copy of the network (sent once per
// network, then only its parameters) and writes its jets into a shared buffer, while this
// thread runs the first range. A point's jets do not depend on the other points of its
// batch (each is its own rows of every GEMM), so the result is the same, bit for bit, as on
// one thread. The call stays synchronous: messages reach a worker while this thread waits,
// and the answers come back through the shared buffer (flags woken by Atomics.notify).
//
// Shared buffer: Int32 flags [T] (1 done, 2 failed) and the message flag (bytes 0–1023),
// the first failure's message (bytes 1024–2047), the parameters (as stored), the points [B][n] float64, then
// each jet [B][per point] in the network's dtype.
import { JetfitError } from '../base/errors.js';
import type { Real } from '../base/dtype.js';
import { checkBytes } from '../base/limits.js';
import { copyPoints, type Points } from '../base/points.js';
import type { Core } from '../runtime/core.js';
import { awaitNonZero, SharedMessage } from '../runtime/shared-memory.js';
import type { JetRequest } from './jet-spec.js';
import type { Jets } from './jet-layout.js';

/** Units (parameters × jet blocks × points) below which evaluate runs on the calling thread. */
export const EVALUATE_PARALLEL_WORK = 4e6;
/** The fewest points a thread takes. */
const MIN_POINTS = 64;
const HEAD = 4096;
const ERROR_AT = 1024;
/** at most this many threads (their flags, and the message's, fit before the message area) */
const MAX_THREADS = 255;

/** The first failure's message of an evaluate buffer. */
const failure = (buffer: SharedArrayBuffer): SharedMessage =>
  new SharedMessage(new Int32Array(buffer, 0, MAX_THREADS + 1), MAX_THREADS, new Uint8Array(buffer, ERROR_AT, 1024));
const KEYS = ['y', 'jacobian', 'laplacian', 'hessianDiag', 'hessian'] as const;

/** What a worker is sent for its range. */
export interface EvaluateMessage {
  readonly type: 'evaluate';
  readonly id: number;
  /** the network as toJSON gives it, the first time this worker sees it */
  readonly json: unknown;
  readonly buffer: SharedArrayBuffer;
  readonly thread: number;
  readonly B: number;
  readonly n: number;
  readonly start: number;
  readonly end: number;
  readonly request: JetRequest | undefined;
  readonly paramBytes: number;
  /** each jet's values per point, in KEYS order (0: not asked) */
  readonly perPoint: number[];
  readonly float32: boolean;
}

/** Byte offsets of the regions of the shared buffer. */
export function regions(m: Pick<EvaluateMessage, 'B' | 'n' | 'paramBytes' | 'perPoint' | 'float32'>) {
  const S = m.float32 ? 4 : 8;
  const params = HEAD;
  const x = params + Math.ceil(m.paramBytes / 8) * 8;
  let o = x + m.B * m.n * 8;
  const jets = m.perPoint.map((k) => {
    const at = o;
    o += Math.ceil((m.B * k * S) / 8) * 8;
    return at;
  });
  return { params, x, jets, total: o };
}

/** Jet values per point of each KEYS entry for this request. */
function perPoint(request: JetRequest | undefined, m: number, n: number): number[] {
  const h = request?.hessian;
  return [
    m,
    request?.jacobian ? m * n : 0,
    request?.laplacian || h === 'laplacian' ? m : 0,
    h === 'diag' ? m * n : 0,
    h === 'full' ? m * n * n : 0,
  ];
}

/** The threads a batch of B points with `work` units per point is split over (1: none). */
export function evaluateThreads(core: Core, B: number, work: number): number {
  const pool = core.pool;
  if (!pool || pool.busy > 0 || core.info.threads < 2 || B * work < EVALUATE_PARALLEL_WORK) return 1;
  return Math.max(1, Math.min(core.info.threads, pool.size + 1, MAX_THREADS, Math.floor(B / MIN_POINTS)));
}

/** What evaluate on threads needs of a network. */
export interface Evaluated {
  readonly inputs: number;
  readonly outputs: number;
  parameterView(): Real;
  toJSON(): unknown;
}

const ids = new WeakMap<Evaluated, number>();
let nextId = 1;
/** The network's id among the copies workers hold. */
function idOf(net: Evaluated): number {
  let id = ids.get(net);
  if (id === undefined) {
    id = nextId++;
    ids.set(net, id);
  }
  return id;
}

/** Tells the workers holding a copy of `net` to free it (its owner was disposed). */
export function forgetCopies(core: Core, net: Evaluated): void {
  const id = ids.get(net);
  const pool = core.pool;
  if (id === undefined || !pool) return;
  for (let k = 0; k < pool.size; k++) if (pool.held(k).delete(id)) pool.post(k, { type: 'forget', id });
}

/**
 * Runs `whole` on this thread's range and the workers' ranges on theirs, T threads in all;
 * `x` is B checked points. Returns the assembled jets.
 */
export function evaluateOnThreads(
  core: Core,
  net: Evaluated,
  x: Points,
  B: number,
  request: JetRequest | undefined,
  T: number,
  whole: (x: Float64Array, B: number) => Jets,
): Jets {
  const n = net.inputs,
    m = net.outputs,
    id = idOf(net),
    params = net.parameterView();
  const pool = core.pool!;
  const float32 = params instanceof Float32Array;
  const shape = { B, n, paramBytes: params.byteLength, perPoint: perPoint(request, m, n), float32 };
  const at = regions(shape);
  checkBytes(at.total, 'evaluate(x)', `${B} points and their jets in a buffer shared by ${T} threads`);
  const buffer = new SharedArrayBuffer(at.total);
  const flags = new Int32Array(buffer, 0, T);
  new Uint8Array(buffer, at.params, params.byteLength).set(new Uint8Array(params.buffer, params.byteOffset, params.byteLength));
  const xs = new Float64Array(buffer, at.x, B * n);
  copyPoints(x, n, n, xs, 0);
  const bound = (t: number): number => Math.floor((t * B) / T);
  for (let t = 1; t < T; t++) {
    const held = pool.held(t - 1);
    const message: EvaluateMessage = {
      type: 'evaluate',
      id,
      json: held.has(id) ? null : net.toJSON(),
      buffer,
      thread: t,
      start: bound(t),
      end: bound(t + 1),
      request,
      ...shape,
    };
    if (pool.post(t - 1, message)) held.add(id);
    else flags[t] = 2;
  }
  let own: Jets;
  try {
    own = whole(xs.subarray(0, bound(1) * n), bound(1));
  } catch (e) {
    // the message of a range would speak of its own points: say what was asked and how it was split
    for (let t = 1; t < T; t++) awaitNonZero(flags, t);
    if (e instanceof JetfitError)
      throw new JetfitError(`evaluate(x): ${B} points, split over ${T} threads (${bound(1)} on this one): ${e.message}`);
    throw e;
  }
  for (let t = 1; t < T; t++) awaitNonZero(flags, t);
  if (flags.some((f, t) => t > 0 && f !== 1)) {
    throw new JetfitError(
      `evaluate(x): ${B} points, split over ${T} threads: a worker thread failed: ${failure(buffer).read() ?? 'it has ended'}`,
    );
  }
  const out: Record<string, unknown> = { batch: B };
  const Flat = float32 ? Float32Array : Float64Array;
  KEYS.forEach((key, k) => {
    const per = shape.perPoint[k]!;
    if (per === 0) return;
    if (own[key]?.length !== bound(1) * per)
      throw new JetfitError(`evaluate: internal error: the ${key} of a range has an unexpected length`);
    const all = new Flat(B * per);
    all.set(new Flat(buffer as unknown as ArrayBuffer, at.jets[k]!, B * per));
    all.set(own[key]!, 0);
    out[key] = all;
  });
  return out as unknown as Jets;
}

/** Worker: runs its range of an evaluate message through `net` and writes its jets. */
export function serveEvaluate(
  msg: EvaluateMessage,
  evaluate: (x: Float64Array, B: number) => Jets,
  loadParams: (bytes: Uint8Array) => void,
): void {
  const flags = new Int32Array(msg.buffer, 0, msg.thread + 1);
  try {
    const at = regions(msg);
    loadParams(new Uint8Array(msg.buffer, at.params, msg.paramBytes));
    const b = msg.end - msg.start;
    const jets = evaluate(new Float64Array(msg.buffer, at.x + msg.start * msg.n * 8, b * msg.n), b);
    const Flat = msg.float32 ? Float32Array : Float64Array;
    KEYS.forEach((key, k) => {
      const per = msg.perPoint[k]!;
      if (per === 0) return;
      if (jets[key]?.length !== b * per) throw new JetfitError(`internal error: the ${key} of a range has an unexpected length`);
      new Flat(msg.buffer as unknown as ArrayBuffer, at.jets[k]! + msg.start * per * Flat.BYTES_PER_ELEMENT, b * per).set(jets[key]!);
    });
    Atomics.store(flags, msg.thread, 1);
  } catch (e) {
    failure(msg.buffer).write(e instanceof Error ? e.message : String(e));
    Atomics.store(flags, msg.thread, 2);
  }
  Atomics.notify(flags, msg.thread);
}
