// evaluateField: a field expression at given points equals the same quantity from
// evaluate's jets (bitwise where the operations are the same), across chunk boundaries;
// bad input refused by name.
import { describe, expect, it } from 'vitest';
import { evaluateField, init, Mlp } from '../../dist/index.js';

await init();

describe('evaluateField', () => {
  const net = new Mlp({ sizes: [2, 8, 8, 1], activation: 'tanh', dtype: 'float64', seed: 4 });
  const N = 5000; // more than one chunk of 4096, the last one padded
  const points = Array.from({ length: N }, (_, p) => [Math.sin(p), Math.cos(1.7 * p)]);

  it('u, its Laplacian and a residual, point by point, across chunks', () => {
    const jets = net.evaluate(points, { hessian: 'laplacian', jacobian: true });
    expect(Array.from(evaluateField(net, points, ({ u }) => u))).toEqual(Array.from(jets.y));
    expect(Array.from(evaluateField(net, points, ({ u }) => u.laplacian()))).toEqual(Array.from(jets.laplacian!));
    const r = evaluateField(net, points, ({ u, x }) => u.laplacian().add(x[0]!.mul(Math.PI).sin()));
    for (let p = 0; p < N; p += 97) expect(r[p]).toBe(jets.laplacian![p]! + Math.sin(Math.PI * points[p]![0]!));
    const flux = evaluateField(net, points, ({ u }) => u.d(1).mul(u));
    for (let p = 0; p < N; p += 101) expect(flux[p]).toBe(jets.jacobian![2 * p + 1]! * jets.y[p]!);
  });

  it('a constant field, and coordinates alone', () => {
    expect(Array.from(evaluateField(net, points.slice(0, 3), ({ x }) => x[0]!.mul(0).add(2)))).toEqual([2, 2, 2]);
    expect(Array.from(evaluateField(net, [[3, 4]], ({ x }) => x[0]!.mul(x[1]!)))).toEqual([12]);
  });

  it('refuses bad input by name', () => {
    expect(() => evaluateField(net, [[1]], ({ u }) => u)).toThrow(/evaluateField: points: .*expected 2/);
    expect(() => evaluateField(net, [[1, Number.NaN]], ({ u }) => u)).toThrow(/evaluateField: points/);
    expect(() => evaluateField(net, [[1, 2]], (() => 3) as never)).toThrow(
      /the expression must return a field \(one value per point\), got 3/,
    );
    expect(() => evaluateField(net, [[1, 2]], ({ x }) => x[2]!)).toThrow(/x\[2\]: the network has 2 inputs, so x has indices 0\.\.1/);
    expect(() => evaluateField(net, [[1, 2]], 'u' as never)).toThrow(/expected a function/);
    const relu = new Mlp({ sizes: [2, 4, 1], activation: 'relu', seed: 1 });
    expect(() => evaluateField(relu, [[1, 2]], ({ u }) => u.laplacian())).toThrow(/second derivatives were asked for/);
    relu.dispose();
    const gone = new Mlp({ sizes: [2, 4, 1], seed: 1 });
    gone.dispose();
    expect(() => evaluateField(gone, [[1, 2]], ({ u }) => u)).toThrow(/evaluateField: the network was disposed/);
  });
});
