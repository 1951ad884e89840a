// The `jetfit/inline` entry: the same API, with the core embedded as base64 so that init()
// needs no file system, fetch or bundler support for .wasm files. (Runtimes that forbid
// compiling bytes, such as Cloudflare Workers, need the file-based entry instead.)
import { initCore, type CoreInfo } from './runtime/core.js';
import type { CoreSource } from './runtime/load.js';
import { readInit, type InitOptions } from './runtime/init-options.js';
import { CORE_BASE64, CORE_RELAXED_BASE64 } from './inline-wasm.js';

export * from './index.js';

function decode(base64: string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * Loads the embedded WebAssembly core (the relaxed-SIMD build where the runtime validates
 * it); idempotent. `source` overrides it, as for the default entry.
 */
export async function init(options?: CoreSource | InitOptions): Promise<CoreInfo> {
  const { source, threads } = readInit(options);
  return initCore(source, (relaxed) => decode(relaxed ? CORE_RELAXED_BASE64 : CORE_BASE64), { threads, workerUrl: null });
}
