// The module's exports are exactly the names the TypeScript side declares (CoreExports,
// through REQUIRED_EXPORTS): a kernel added on one side only fails here, not as wrong numbers.
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { REQUIRED_EXPORTS } from '../../dist/runtime/abi.js';

for (const file of ['jetfit.wasm', 'jetfit-relaxed.wasm']) {
  it(`${file} exports exactly CoreExports`, async () => {
    const module = await WebAssembly.compile(await readFile(new URL(`../../dist/${file}`, import.meta.url)));
    const exports = WebAssembly.Module.exports(module)
      .map((e) => e.name)
      .sort();
    expect(exports).toEqual([...REQUIRED_EXPORTS].sort());
    expect(WebAssembly.Module.imports(module)).toEqual([]);
  });
}
