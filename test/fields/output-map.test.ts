// Output maps (hard constraints) that belong to the model: evaluate applies them with exact
// derivatives, fit trains through them bitwise like the same expression written in the
// loss, toJSON keeps them; bad maps refused by name.
import { describe, expect, it } from 'vitest';
import { evaluateField, fit, init, mean, Mlp, outputMap, parameter, type Field } from '../../dist/index.js';

await init();

// ũ = x(1 − x)·y(1 − y)·u + x·y: zero on x = 0 and y = 0, exactly
const map = outputMap(({ u, x }) =>
  x[0]!
    .mul(x[0]!.neg().add(1))
    .mul(x[1]!.mul(x[1]!.neg().add(1)))
    .mul(u)
    .add(x[0]!.mul(x[1]!)),
);
const byHand = (u: Field, x: readonly Field[]) =>
  x[0]!
    .mul(x[0]!.neg().add(1))
    .mul(x[1]!.mul(x[1]!.neg().add(1)))
    .mul(u)
    .add(x[0]!.mul(x[1]!));
const points = Array.from({ length: 40 }, (_, p) => [Math.abs(Math.sin(p)), Math.abs(Math.cos(3 * p))]);

describe('output maps', () => {
  it('evaluate: the mapped output, its Jacobian and Laplacian, against the raw network by the product rule', () => {
    const net = new Mlp({ sizes: [2, 6, 1], activation: 'tanh', dtype: 'float64', seed: 2, output: map });
    const raw = Mlp.fromJSON({ ...net.toJSON(), output: undefined } as never);
    const r = raw.evaluate(points, { jacobian: true, hessian: 'full' });
    const j = net.evaluate(points, { jacobian: true, laplacian: true });
    points.forEach(([x, y], p) => {
      const a = x! * (1 - x!) * y! * (1 - y!),
        ax = (1 - 2 * x!) * y! * (1 - y!),
        ay = x! * (1 - x!) * (1 - 2 * y!);
      const axx = -2 * y! * (1 - y!),
        ayy = -2 * x! * (1 - x!);
      const u = r.y[p]!,
        ux = r.jacobian![2 * p]!,
        uy = r.jacobian![2 * p + 1]!,
        uxx = r.hessian![4 * p]!,
        uyy = r.hessian![4 * p + 3]!;
      expect(j.y[p]).toBeCloseTo(a * u + x! * y!, 14);
      expect(j.jacobian![2 * p]).toBeCloseTo(ax * u + a * ux + y!, 13);
      expect(j.jacobian![2 * p + 1]).toBeCloseTo(ay * u + a * uy + x!, 13);
      expect(j.laplacian![p]).toBeCloseTo(axx * u + 2 * ax * ux + a * uxx + ayy * u + 2 * ay * uy + a * uyy, 12);
    });
    // on the constrained edges the mapped output is the constraint, whatever the network
    expect(
      Array.from(
        net.evaluate([
          [0, 0.3],
          [0.7, 0],
        ]).y,
      ),
    ).toEqual([0, 0]);
    net.dispose();
    raw.dispose();
  });

  it('fit trains through the map bitwise like the same expression written in the loss; evaluateField sees the mapped u', async () => {
    const f = (x: readonly Field[]) => x[0]!.mul(Math.PI).sin();
    const a = new Mlp({ sizes: [2, 8, 1], activation: 'tanh', dtype: 'float64', seed: 4, output: map });
    const b = new Mlp({ sizes: [2, 8, 1], activation: 'tanh', dtype: 'float64', seed: 4 });
    const steps = { optimizer: { type: 'adam' as const, lr: 1e-2 }, steps: 30, progress: false };
    await fit(a, { data: { points }, loss: ({ u, x }) => mean(u.laplacian().add(f(x)).square()), ...steps });
    await fit(b, { data: { points }, loss: ({ u, x }) => mean(byHand(u, x).laplacian().add(f(x)).square()), ...steps });
    expect(a.getParams()).toEqual(b.getParams());
    const viaField = evaluateField(a, points, ({ u }) => u);
    expect(Array.from(viaField)).toEqual(Array.from(a.evaluate(points).y));
    a.dispose();
    b.dispose();
  });

  it('toJSON keeps the map; fromJSON gives the same mapped outputs bitwise', () => {
    const net = new Mlp({ sizes: [2, 5, 1], activation: 'tanh', dtype: 'float64', seed: 7, output: map });
    const json = JSON.parse(JSON.stringify(net.toJSON()));
    expect(json.output.kind).toBe('fields');
    const back = Mlp.fromJSON(json);
    expect(Array.from(back.evaluate(points, { laplacian: true }).laplacian!)).toEqual(
      Array.from(net.evaluate(points, { laplacian: true }).laplacian!),
    );
    const sq = new Mlp({ sizes: [1, 3, 1], seed: 1, output: outputMap(({ u, x }) => u.square().add(1).pow(0.5).add(x[0]!.exp())) });
    const root = new Mlp({ sizes: [1, 3, 1], seed: 1, output: outputMap(({ u }) => u.sub(10).pow(0.5)) });
    expect(() => root.evaluate([[0.4]])).toThrow(/evaluate: the value of output 0 at point 0 is NaN: the output map is not defined there/);
    root.dispose();
    expect(Mlp.fromJSON(JSON.stringify(sq.toJSON())).evaluate([[0.4]]).y[0]).toBe(sq.evaluate([[0.4]]).y[0]);
    for (const n of [net, back, sq]) n.dispose();
  });

  it('refuses bad maps and saved maps by name', () => {
    expect(() => new Mlp({ sizes: [2, 3, 2], output: outputMap(({ u }) => u) })).toThrow(
      /outputMap: the map returns 1 fields; the network has 2 outputs/,
    );
    // a map belongs to networks of one shape: its recorded fields are the first network's
    expect(() => new Mlp({ sizes: [2, 3, 2], output: map })).toThrow(
      /outputMap: this map is already used by a network of 2 inputs and 1 outputs/,
    );
    const k = parameter(1, 'k');
    expect(() => new Mlp({ sizes: [2, 3, 1], output: outputMap(({ u }) => u.mul(k)) })).toThrow(
      /uses the trainable scalar 'k'; an output map is fixed/,
    );
    expect(() => new Mlp({ sizes: [2, 3, 1], output: outputMap((() => 1) as never) })).toThrow(/the map must return a field/);
    expect(() => new Mlp({ sizes: [2, 3, 1], output: (() => 1) as never })).toThrow(/output: expected an output map/);
    const net = new Mlp({ sizes: [2, 3, 1], seed: 1, output: map });
    const doc = net.toJSON() as { output: { outputs: unknown[] } };
    doc.output.outputs = [['nope', ['u', 0]]];
    expect(() => Mlp.fromJSON(doc as never)).toThrow(/Mlp\.fromJSON: output: the function 'nope' cannot be saved/);
    expect(() => Mlp.fromJSON({ ...net.toJSON(), output: { kind: 'other' } } as never)).toThrow(
      /Mlp\.fromJSON: output: expected a saved output map/,
    );
    net.dispose();
  });
});
