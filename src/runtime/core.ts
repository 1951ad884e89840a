// The loaded core: one instance per JavaScript realm, shared by every network.
import { JetfitError } from '../base/errors.js';
import type { CoreExports } from './abi.js';
import { Heap } from './heap.js';
import { hasRelaxedSimd, hasSimd, instantiateCore, toModule, type CoreSource } from './load.js';

/** What `init` loaded. */
export interface CoreInfo {
  /** 'relaxed-simd' when the fused multiply-add build was loaded, else 'simd'. */
  readonly build: 'simd' | 'relaxed-simd';
}

/** The instantiated module with its heap. */
export interface Core {
  readonly exports: CoreExports;
  readonly heap: Heap;
  readonly info: CoreInfo;
}

let current: Core | null = null;
let pending: Promise<CoreInfo> | null = null;

/** The default location of the core, per build, next to this package's JavaScript. */
export type DefaultSource = (relaxed: boolean) => CoreSource;

/**
 * Loads the WebAssembly core once; later calls return the same result. With no source
 * the package's own .wasm is loaded (the relaxed-SIMD build where the runtime validates it).
 */
export function initCore(source: CoreSource | undefined, defaultSource: DefaultSource): Promise<CoreInfo> {
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
    const info: CoreInfo = { build: exports.relaxed_simd() ? 'relaxed-simd' : 'simd' };
    current = { exports, heap: new Heap(exports.memory, exports.heap_base()), info };
    return info;
  })();
  pending.catch(() => {
    pending = null;
  });
  return pending;
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
