// The loaded core: one instance per JavaScript realm, shared by every network.
import { JetfitError } from '../base/errors.js';
import type { CoreExports } from './abi.js';
import { Heap } from './heap.js';
import { hasRelaxedSimd, hasSimd, instantiateCore, toModule, type CoreSource } from './load.js';
import { threadSupport, ThreadPool } from './thread-pool.js';

/** What `init` loaded. */
export interface CoreInfo {
  /** 'relaxed-simd' when the fused multiply-add build was loaded, else 'simd'. */
  readonly build: 'simd' | 'relaxed-simd';
  /** threads a fit uses by default (1: the main thread alone) */
  readonly threads: number;
  /** why fits run on one thread (no shared memory, one core, `threads: 1` asked for, ...), or null */
  readonly threadsOff: string | null;
}

/** The instantiated module with its heap. */
export interface Core {
  readonly exports: CoreExports;
  readonly heap: Heap;
  readonly info: CoreInfo;
  readonly module: WebAssembly.Module;
  /** the worker threads (null: this runtime or this init runs on one thread) */
  readonly pool: ThreadPool | null;
}

/** How initCore was asked to run: threads wanted (undefined: the default), the worker script (null: none). */
export interface ThreadRequest {
  readonly threads?: number;
  readonly workerUrl: URL | null;
  /** starts a web worker on the script (written where bundlers see `new Worker(new URL(...))` and bundle it) */
  readonly webWorker?: () => Worker;
}

/** Default threads: every core, at most this many (beyond it the per-step reduction dominates small problems). */
export const MAX_DEFAULT_THREADS = 8;

let current: Core | null = null;
let pending: Promise<CoreInfo> | null = null;

/** The default location of the core, per build, next to this package's JavaScript. */
export type DefaultSource = (relaxed: boolean) => CoreSource;

/**
 * Loads the WebAssembly core once; later calls return the same result. With no source
 * the package's own .wasm is loaded (the relaxed-SIMD build where the runtime validates it).
 */
export function initCore(source: CoreSource | undefined, defaultSource: DefaultSource, request: ThreadRequest): Promise<CoreInfo> {
  if (pending) return pending;
  pending = (async () => {
    if (!hasSimd()) {
      throw new JetfitError(
        'init: this JavaScript runtime does not support WebAssembly SIMD (v128), which jetfit needs; ' +
          'use Node 16.4+, Chrome/Edge 91+, Firefox 89+, Safari 16.4+, Deno, Bun or Cloudflare Workers',
      );
    }
    let module: WebAssembly.Module;
    if (source === undefined) {
      let relaxed = hasRelaxedSimd();
      try {
        module = await toModule(defaultSource(relaxed));
      } catch (e) {
        if (!relaxed) throw e;
        relaxed = false;
        module = await toModule(defaultSource(false));
      }
    } else {
      module = await toModule(source);
    }
    const exports = await instantiateCore(module);
    const build = exports.relaxed_simd() ? 'relaxed-simd' : 'simd';
    const { threads, threadsOff, pool } = await startThreads(request, module);
    const info: CoreInfo = { build, threads, threadsOff };
    current = { exports, heap: new Heap(exports.memory, exports.heap_base()), info, module, pool };
    return info;
  })();
  pending.catch(() => {
    pending = null;
  });
  return pending;
}

async function startThreads(
  request: ThreadRequest,
  module: WebAssembly.Module,
): Promise<{ threads: number; threadsOff: string | null; pool: ThreadPool | null }> {
  const support = threadSupport(request.workerUrl);
  const one = (why: string) => ({ threads: 1, threadsOff: why, pool: null });
  if (request.threads === 1) return one('init was asked for threads: 1');
  if (support.reason) return one(support.reason);
  const threads = request.threads ?? Math.min(support.cores, MAX_DEFAULT_THREADS);
  if (threads === 1) return one('this machine has one core');
  const pool = new ThreadPool(request.workerUrl!, module, request.webWorker);
  try {
    await pool.ensure(threads - 1);
  } catch (e) {
    return one(`the worker threads could not start: ${(e as Error).message}`);
  }
  return { threads, threadsOff: null, pool };
}

/** The loaded core, or a clear error if init() has not finished. */
export function getCore(what: string): Core {
  if (!current) {
    throw new JetfitError(`${what}: the WebAssembly core is not loaded; call \`await init()\` first`);
  }
  return current;
}

/** What the WebAssembly core holds, in bytes. */
export interface MemoryUsage {
  /** the size of the WebAssembly memory (it grows on demand and never shrinks) */
  readonly reserved: number;
  /** bytes in live buffers: networks, their planned batches, optimizer state */
  readonly inUse: number;
}

/** The core's memory: reserved (the WebAssembly memory's size) and in use by live buffers. */
export function memoryUsage(): MemoryUsage {
  const core = getCore('memoryUsage');
  return { reserved: core.heap.memory.buffer.byteLength, inUse: core.heap.live };
}
