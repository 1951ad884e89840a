// init(): loads the WebAssembly core. With no argument it loads the .wasm shipped next
// to this file (the relaxed-SIMD build where the runtime validates it): from the file
// system under Node, Deno and Bun, with fetch elsewhere.
import { initCore, type CoreInfo } from './runtime/core.js';
import type { CoreSource } from './runtime/load.js';
import { readInit, type InitOptions } from './runtime/init-options.js';

function defaultSource(relaxed: boolean): CoreSource {
  // Literal URLs, so that bundlers see and copy both files.
  return relaxed ? new URL('./jetfit-relaxed.wasm', import.meta.url) : new URL('./jetfit.wasm', import.meta.url);
}

// The literal form bundlers (Vite, webpack) recognise: they bundle the worker's script
// with its imports. Node starts its workers through worker_threads instead.
const webWorker = (): Worker => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });

/**
 * Loads the WebAssembly core; call (and await) it once before creating networks. It is
 * idempotent: later calls return the first call's result.
 * @param options where to load the core from when the default location does not work
 *   (browsers and edge runtimes): a compiled WebAssembly.Module, the bytes of
 *   jetfit.wasm, a URL, or a Response; or `{ source, threads }`. Threads: fits use every
 *   core by default (at most 8) where the runtime can share memory with workers (Node,
 *   Deno, Bun, cross-origin isolated pages); the result's `threadsOff` says why not.
 */
export async function init(options?: CoreSource | InitOptions): Promise<CoreInfo> {
  const { source, threads } = readInit(options);
  return initCore(source, defaultSource, { threads, workerUrl: new URL('./worker.js', import.meta.url), webWorker });
}
