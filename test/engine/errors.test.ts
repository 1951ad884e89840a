// Bad input gets a clear error that names the argument, and leaves the network as it was.
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { init, JetfitError, Mlp } from '../../dist/index.js';
import { flat, points } from '../helpers.js';

describe('before init', () => {
  it('new Mlp before init() says to call init', () => {
    expect(() => new Mlp({ sizes: [2, 3, 1] })).toThrow(/call `await init\(\)` first/);
  });
});

describe('bad input', () => {
  beforeAll(async () => {
    await init(await readFile(new URL('../../dist/jetfit.wasm', import.meta.url)));
  });

  it('constructor options', () => {
    expect(() => new Mlp({ sizes: [2] })).toThrow(/sizes: expected at least two/);
    expect(() => new Mlp({ sizes: [2, 0, 1] })).toThrow(/sizes\[1\]: expected a positive integer, got 0/);
    expect(() => new Mlp({ sizes: [2, 2.5, 1] })).toThrow(/sizes\[1\]/);
    expect(() => new Mlp({ sizes: [2, -1] })).toThrow(/sizes\[1\]/);
    // @ts-expect-error unknown activation
    expect(() => new Mlp({ sizes: [2, 3, 1], activation: 'swish' })).toThrow(
      /activation: unknown activation "swish"; expected one of identity, tanh/,
    );
    // @ts-expect-error unknown dtype
    expect(() => new Mlp({ sizes: [2, 3, 1], dtype: 'float16' })).toThrow(/dtype: unknown dtype "float16"/);
    expect(() => new Mlp({ sizes: [2, 3, 1], seed: NaN })).toThrow(/seed: expected a whole number in \[0, 4294967295\], got NaN/);
    expect(() => new Mlp({ sizes: [2, 3, 1], activation: 'tanh' })).not.toThrow();
  });

  it('points', () => {
    const net = new Mlp({ sizes: [2, 4, 1], dtype: 'float64', seed: 1 });
    const before = flat(net.getParams());
    expect(() => net.evaluate([1, 2, 3])).toThrow(/x: length 3 is not a multiple of the input size 2/);
    expect(() => net.evaluate([[1, 2], [3]])).toThrow(/x: ragged rows: row 1 has 1 entries, expected 2/);
    expect(() => net.evaluate([])).toThrow(/x: empty batch/);
    expect(() => net.evaluate(new Float32Array(0))).toThrow(/x: empty batch/);
    expect(() => net.evaluate([1, NaN])).toThrow(/x: point 0, input 1 is NaN; every coordinate must be a finite number/);
    expect(() =>
      net.evaluate([
        [1, 2],
        [Infinity, 0],
      ]),
    ).toThrow(/x: point 1, input 0 is Infinity/);
    // @ts-expect-error not points
    expect(() => net.evaluate('1,2')).toThrow(/x: expected points/);
    // @ts-expect-error unknown option
    expect(() => net.evaluate([1, 2], { jacobain: true })).toThrow(/unknown option "jacobain"/);
    // @ts-expect-error bad hessian kind
    expect(() => net.evaluate([1, 2], { hessian: 'trace' })).toThrow(/hessian: expected 'diag', 'full' or 'laplacian'/);
    expect(flat(net.getParams())).toEqual(before);
    net.dispose();
  });

  it('cotangents', () => {
    const net = new Mlp({ sizes: [2, 4, 1], dtype: 'float64', seed: 1 });
    const x = points(3, 2);
    expect(() => net.gradients(x, {})).toThrow(/cotangents: no cotangents given/);
    expect(() => net.gradients(x, { y: [1, 2] })).toThrow(/cotangents.y: expected 3 numbers \(\[3\]\[1\]\), got 2/);
    expect(() => net.gradients(x, { jacobian: [1, 2, 3] })).toThrow(/cotangents.jacobian: expected 6 numbers \(\[3\]\[1\]\[2\]\)/);
    expect(() => net.gradients(x, { y: [1, NaN, 2] })).toThrow(/cotangents.y: entry 1 is NaN/);
    expect(() => net.gradients(x, { laplacian: [1, 2, Infinity] })).toThrow(/cotangents.laplacian: entry 2 is Infinity/);
    // @ts-expect-error unknown cotangent
    expect(() => net.gradients(x, { hess: [1] })).toThrow(/cotangents: unknown cotangent "hess"/);
    const pass = net.forward(x, { jacobian: true });
    expect(() => pass.backward({ laplacian: [1, 2, 3] })).toThrow(
      /the Laplacian, which this forward pass did not compute; forward with \{ hessian: 'laplacian' \}/,
    );
    net.dispose();
  });

  it('setParams checks everything before writing anything', () => {
    const net = new Mlp({ sizes: [2, 3, 1], dtype: 'float32', seed: 1 });
    const before = flat(net.getParams());
    const p = net.getParams();
    expect(() => net.setParams([p[0]!])).toThrow(/params: expected an array of 2 layers/);
    expect(() => net.setParams([p[0]!, { W: new Float32Array(2), b: p[1]!.b }])).toThrow(
      /params\[1\].W: expected 3 numbers \(\[1\]\[3\] row-major\), got 2/,
    );
    expect(() => net.setParams([{ W: p[0]!.W, b: new Float32Array(4) }, p[1]!])).toThrow(/params\[0\].b: expected 3 numbers/);
    const bad = net.getParams();
    bad[0]!.W[0] = 42; // a valid first layer...
    bad[1]!.b[0] = NaN; // ...and an invalid second one: nothing may be written
    expect(() => net.setParams(bad)).toThrow(/params\[1\].b: entry 0 is NaN/);
    expect(flat(net.getParams())).toEqual(before);
    net.dispose();
  });

  it('second derivatives through relu are refused with the reason', () => {
    const net = new Mlp({ sizes: [2, 3, 1], activation: 'relu', seed: 1 });
    expect(() => net.evaluate([1, 2], { hessian: 'laplacian' })).toThrow(/'relu', whose second derivative is zero/);
    expect(() => net.gradients([1, 2], { laplacian: [1] })).toThrow(/second derivative is zero/);
    expect(net.evaluate([1, 2], { jacobian: true }).jacobian!.length).toBe(2);
    net.dispose();
  });

  it('use after dispose', () => {
    const net = new Mlp({ sizes: [2, 3, 1], seed: 1 });
    const pass = net.forward([1, 2], { jacobian: true });
    net.dispose();
    expect(() => net.evaluate([1, 2])).toThrow(/evaluate: this Mlp was disposed/);
    expect(() => net.getParams()).toThrow(/getParams: this Mlp was disposed/);
    expect(() => net.setParams([])).toThrow(/setParams: this Mlp was disposed/);
    expect(() => pass.backward({ y: [1] })).toThrow(/released/);
    expect(() => net.dispose()).not.toThrow();
  });

  it('a stored pass refuses to run backward once it is stale', () => {
    const net = new Mlp({ sizes: [2, 3, 1], dtype: 'float64', seed: 1 });
    const a = net.forward([1, 2], { jacobian: true });
    net.forward([3, 4], { jacobian: true });
    expect(() => a.backward({ y: [1] })).toThrow(/a later forward pass .* has overwritten this one/);
    const b = net.forward([1, 2], { jacobian: true });
    net.setParams(net.getParams());
    expect(() => b.backward({ y: [1] })).toThrow(/the parameters changed since this forward pass/);
    net.dispose();
  });

  it('a batch too large for WebAssembly memory is a clear error, not a crash', () => {
    const net = new Mlp({ sizes: [4, 256, 256, 1], seed: 1 });
    const huge = new Float32Array(4 * 600_000);
    expect(() => net.evaluate(huge, { hessian: 'full' })).toThrow(/more than WebAssembly's 4 GiB allows.*smaller batches/);
    // and the network still works
    expect(net.evaluate([1, 2, 3, 4]).y.length).toBe(1);
    net.dispose();
  });

  it('errors are JetfitErrors', () => {
    let caught: unknown;
    try {
      new Mlp({ sizes: [] });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(JetfitError);
    expect((caught as Error).name).toBe('JetfitError');
  });
});
