// init(): idempotent, loads from every kind of source, and explains what is wrong with a bad one.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { init, Mlp } from '../../dist/index.js';

const wasmUrl = new URL('../../dist/jetfit.wasm', import.meta.url);

describe('init', () => {
  it('rejects what is not a core module, with what was given and what is needed', async () => {
    await expect(init(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).rejects.toThrow(/is not a WebAssembly module .*pass jetfit.wasm/);
    const bytes = new Uint8Array(await readFile(wasmUrl));
    await expect(init(bytes.slice(0, bytes.length >> 1))).rejects.toThrow(/failed to compile/);
    // a valid module that is not the core (it has no exports)
    await expect(init(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))).rejects.toThrow(/does not export memory, heap_base/);
    await expect(init(new URL('file:///nonexistent/jetfit.wasm'))).rejects.toThrow(
      /could not read the core module at file:\/\/\/nonexistent/,
    );
    await expect(init(Promise.reject(new Error('network down')) as Promise<Response>)).rejects.toThrow(
      /the fetch for the core module failed: network down/,
    );
    await expect(init(new Response('not found', { status: 404, statusText: 'Not Found' }))).rejects.toThrow(
      /failed with HTTP 404 Not Found/,
    );
    await expect(init(42 as never)).rejects.toThrow(/cannot load the core from a number; expected a WebAssembly.Module/);
  });

  it('accepts a Response and a compiled Module, and is idempotent after success', async () => {
    const bytes = await readFile(wasmUrl);
    const response = new Response(bytes, { headers: { 'content-type': 'application/wasm' } });
    const info = await init(response);
    expect(info.build).toBe('simd');
    // later calls return the first result, whatever they are given
    expect(await init(await WebAssembly.compile(bytes))).toBe(info);
    expect(await init()).toBe(info);
    const net = new Mlp({ sizes: [1, 4, 1], seed: 1 });
    expect(net.evaluate([0.5]).y.length).toBe(1);
    net.dispose();
  });
});
