// Turning whatever the caller has (a compiled module, bytes, a URL, a Response) into an
// instantiated core. Only a compiled WebAssembly.Module is ever instantiated, so the
// same path serves runtimes that forbid compiling bytes (Cloudflare Workers).
import { JetfitError } from '../base/errors.js';
import { REQUIRED_EXPORTS, type CoreExports } from './abi.js';

/** Anything `init` can load the core from. */
export type CoreSource = WebAssembly.Module | ArrayBuffer | ArrayBufferView | URL | string | Response | PromiseLike<Response>;

// (module (func (result v128) i32.const 0 i8x16.splat)): validates only with SIMD.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);
// A function using f32x4.relaxed_madd: validates only with relaxed SIMD.
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11,
]);

/** True when this runtime validates WebAssembly SIMD (v128). */
export function hasSimd(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

/** True when this runtime validates relaxed SIMD (fused multiply-add). */
export function hasRelaxedSimd(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_PROBE);
}

function describe(source: unknown): string {
  if (source === null) return 'null';
  if (typeof source === 'string') return `the string ${JSON.stringify(source.length > 80 ? `${source.slice(0, 77)}...` : source)}`;
  if (typeof source !== 'object') return `a ${typeof source}`;
  const name = (source as { constructor?: { name?: string } }).constructor?.name;
  return name ? `a ${name}` : 'an object';
}

function isResponse(x: unknown): x is Response {
  return typeof Response !== 'undefined' && x instanceof Response;
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as { then?: unknown }).then === 'function';
}

async function readFileUrl(url: URL): Promise<Uint8Array> {
  const fs = await import('node:fs/promises');
  try {
    return new Uint8Array(await fs.readFile(url));
  } catch (e) {
    throw new JetfitError(`init: could not read the core module at ${url.href}: ${(e as Error).message}`);
  }
}

async function fromResponse(response: Response, what: string): Promise<WebAssembly.Module> {
  if (!response.ok) {
    throw new JetfitError(`init: fetching the core module (${what}) failed with HTTP ${response.status} ${response.statusText}`.trim());
  }
  const type = response.headers.get('content-type') ?? '';
  if (type.startsWith('application/wasm') && typeof WebAssembly.compileStreaming === 'function') {
    try {
      return await WebAssembly.compileStreaming(response);
    } catch (e) {
      throw new JetfitError(`init: the core module fetched from ${what} did not compile: ${(e as Error).message}`);
    }
  }
  return compileBytes(new Uint8Array(await response.arrayBuffer()), what);
}

async function compileBytes(bytes: Uint8Array, what: string): Promise<WebAssembly.Module> {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new JetfitError(
      `init: ${what} is not a WebAssembly module (it does not start with the bytes "\\0asm"); ` +
        'pass jetfit.wasm from the package, its bytes, a URL to it, a Response or a compiled WebAssembly.Module',
    );
  }
  try {
    return await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    const msg = (e as Error).message;
    const hint = /simd|opcode/i.test(msg)
      ? ' (this runtime may lack WebAssembly SIMD or relaxed SIMD; jetfit needs SIMD, and loads the relaxed build only where it validates)'
      : ' (the bytes may be truncated or corrupted)';
    throw new JetfitError(`init: ${what} failed to compile: ${msg}${hint}`);
  }
}

/** Compiles a source to a module, with an error that says what was given and what is needed. */
export async function toModule(source: CoreSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return source;
  if (source instanceof ArrayBuffer) return compileBytes(new Uint8Array(source), 'the given ArrayBuffer');
  if (ArrayBuffer.isView(source)) {
    return compileBytes(new Uint8Array(source.buffer, source.byteOffset, source.byteLength), `the given ${describe(source).slice(2)}`);
  }
  if (isResponse(source)) return fromResponse(source, source.url || 'a Response');
  if (isThenable(source)) {
    let r: unknown;
    try {
      r = await source;
    } catch (e) {
      throw new JetfitError(`init: the fetch for the core module failed: ${(e as Error).message}`);
    }
    if (!isResponse(r)) throw new JetfitError(`init: the promise resolved to ${describe(r)}, expected a Response`);
    return fromResponse(r, r.url || 'a fetched Response');
  }
  if (typeof source === 'string' || source instanceof URL) {
    let url: URL;
    try {
      url = typeof source === 'string' ? new URL(source, typeof location !== 'undefined' ? location.href : undefined) : source;
    } catch {
      throw new JetfitError(`init: ${describe(source)} is not a valid URL; expected a URL of jetfit.wasm`);
    }
    if (url.protocol === 'file:') return compileBytes(await readFileUrl(url), url.href);
    let response: Response;
    try {
      response = await fetch(url);
    } catch (e) {
      throw new JetfitError(`init: fetching the core module from ${url.href} failed: ${(e as Error).message}`);
    }
    return fromResponse(response, url.href);
  }
  throw new JetfitError(
    `init: cannot load the core from ${describe(source)}; expected a WebAssembly.Module, ` +
      'an ArrayBuffer or Uint8Array of jetfit.wasm, a URL or URL string, or a Response',
  );
}

/** Instantiates a compiled core (it has no imports) and checks its exports. */
export async function instantiateCore(module: WebAssembly.Module): Promise<CoreExports> {
  const imports = WebAssembly.Module.imports(module);
  if (imports.length > 0) {
    throw new JetfitError(
      `init: the module imports ${imports.map((i) => `${i.module}.${i.name}`).join(', ')}; ` +
        'the jetfit core imports nothing, so this is not jetfit.wasm',
    );
  }
  const instance = await WebAssembly.instantiate(module, {});
  const exports = instance.exports as Record<string, unknown>;
  const missing = REQUIRED_EXPORTS.filter((name) => !(name in exports));
  if (missing.length > 0) {
    throw new JetfitError(`init: the module does not export ${missing.join(', ')}; it is not (this version of) jetfit.wasm`);
  }
  return exports as unknown as CoreExports;
}
