// The entry for Cloudflare Workers (workerd), which forbids compiling WebAssembly from
// bytes: the core arrives as a compiled module through an import of the .wasm file
// (wrangler and workerd both support this), and init() instantiates it.
import coreModule from './jetfit.wasm';
import coreRelaxedModule from './jetfit-relaxed.wasm';
import { initCore, type CoreInfo } from './runtime/core.js';
import type { CoreSource } from './runtime/load.js';
import { readInit, type InitOptions } from './runtime/init-options.js';

export * from './index.js';

/**
 * Loads the WebAssembly core imported with this module (the relaxed-SIMD build where the
 * runtime validates it); idempotent. `source` overrides it, as for the default entry.
 */
export async function init(options?: CoreSource | InitOptions): Promise<CoreInfo> {
  const { source, threads } = readInit(options);
  return initCore(source, (relaxed) => (relaxed ? coreRelaxedModule : coreModule), { threads, workerUrl: null });
}
