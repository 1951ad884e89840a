// The toolkit under bad and extreme input: geometry, sampling sizes, conditions, maps,
// saved documents, optimizer states and messages. Each case is one a new user or an
// attacker hit: it must give a clear error (naming what is wrong) or the right answer,
// never a silent wrong result, a hang, or a corrupted network.
import { describe, expect, it } from 'vitest';
import {
  Box,
  difference,
  dirichlet,
  Disk,
  evaluateField,
  fit,
  fourierFeatures,
  initial,
  init,
  inputMap,
  intersection,
  JetfitError,
  limits,
  mean,
  Mlp,
  mse,
  neumann,
  observations,
  outputMap,
  parameter,
  periodic,
  Polygon,
  problem,
  Rectangle,
  scaleInputs,
  setLimits,
  SpaceTime,
  union,
  type Geometry,
  type LossContext,
  type TrainingState,
} from '../../dist/index.js';

import { L } from '../geometry/shapes.js';

await init();

/** The error a call throws (a JetfitError), for its message. */
function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(JetfitError);
    return (e as Error).message;
  }
  throw new Error('expected the call to be refused');
}

async function refusalAsync(f: () => Promise<unknown>): Promise<string> {
  try {
    await f();
  } catch (e) {
    expect(e).toBeInstanceOf(JetfitError);
    return (e as Error).message;
  }
  throw new Error('expected the call to be refused');
}

const pentagram: [number, number][] = Array.from({ length: 5 }, (_, k) => {
  const a = (Math.PI / 2) * 1 + (k * 4 * Math.PI) / 5;
  return [Math.cos(a), Math.sin(a)];
});

describe('geometry refuses what it cannot answer for', () => {
  it('a self-intersecting polygon (a pentagram) is refused, naming the edges that cross', () => {
    expect(refusal(() => new Polygon(pentagram))).toMatch(/edges \d+ .* and \d+ .* cross; a polygon must be simple/);
  });

  it('a zero-width spike (a vertex repeated, the boundary folding back) is refused', () => {
    const spike: [number, number][] = [
      [0, 0],
      [2, 0],
      [2, 1],
      [1, 1],
      [1, 2],
      [1, 1],
      [0, 1],
    ];
    expect(refusal(() => new Polygon(spike))).toMatch(/fold back on each other at vertex 4/);
  });

  it('a figure eight touching itself at a vertex is refused; a simple L-shape is accepted with outward normals', () => {
    const bowtie: [number, number][] = [
      [0, 0],
      [1, 1],
      [2, 0],
      [2, 2],
      [1, 1],
      [0, 2],
    ];
    expect(refusal(() => new Polygon(bowtie))).toMatch(/touch|cross|fold/);
    const pts = L.sampleBoundary(200, { method: 'sobol' });
    outwardByDistance(L, pts);
  });

  it('the union of two rectangles sharing an edge treats the shared edge as inside', () => {
    const l = union(new Rectangle([0, 0], [1, 1]), new Rectangle([1, 0], [2, 1]));
    expect(l.onBoundary([1, 0.5])).toBe(false);
    expect(l.inside([1, 0.5])).toBe(true);
    expect(refusal(() => l.normals([[1, 0.5]]))).toMatch(/not on the boundary/);
    const pts = l.sampleBoundary(400, { seed: 3 });
    const onShared = pts.filter((p) => Math.abs(p[0]! - 1) < 1e-9 && p[1]! > 1e-9 && p[1]! < 1 - 1e-9);
    expect(onShared).toHaveLength(0);
    outwardByDistance(l, pts);
  });

  it('a difference that removes a part along a shared edge keeps no boundary points where nothing is left', () => {
    const d = difference(new Rectangle([0, 0], [2, 1]), new Rectangle([1, 0], [2, 1]));
    const pts = d.sampleBoundary(300, { seed: 1 });
    expect(pts.every((p) => p[0]! <= 1 + 1e-9)).toBe(true);
    outwardByDistance(d, pts);
  });

  it('an empty difference or intersection is refused where it is made; union() of nothing is an error', () => {
    const sq = new Rectangle([0, 0], [1, 1]);
    expect(refusal(() => difference(sq, sq))).toMatch(/difference: the result is empty/);
    expect(refusal(() => intersection(new Disk([0, 0], 1), new Disk([1.9, 1.9], 1)))).toMatch(/intersection: the result is empty/);
    expect(refusal(() => (union as () => Geometry)())).toMatch(/union\(\.\.\.geometries\): expected at least one geometry/);
    expect(refusal(() => (intersection as (g: unknown) => Geometry)(3))).toMatch(/geometry 0: expected a geometry, got 3/);
  });

  it('extents beyond float64 are refused where the shape is made, not blamed on sampling later', () => {
    expect(refusal(() => new Box([-1e308], [1e308]))).toMatch(/Box: the shape's extent .* beyond float64's range/);
    expect(refusal(() => new Disk([0, 0], 1e308))).toMatch(/beyond float64's range/);
    // a huge but representable triangle has an area (it overflowed to "encloses no area" before)
    const big = new Polygon([
      [0, 0],
      [1e200, 0],
      [0, 1e200],
    ]);
    expect(big.inside([1e199, 1e199])).toBe(true);
    expect(refusal(() => new SpaceTime(new Box([0], [1]), 1, 0))).toMatch(/SpaceTime\(space, t0, t1\): expected finite times t0 < t1/);
  });

  it('NaN in a message is printed as NaN, not as JSON null', () => {
    expect(refusal(() => new Polygon([[0, 0], [1, Number.NaN] as [number, number], [0, 1]]))).toMatch(/\[1, NaN\]/);
    expect(refusal(() => new Disk([Number.NaN, 0] as [number, number], 1))).toMatch(/\[NaN, 0\]/);
  });
});

/** Outward normals by finite differences of the signed distance: a step along the normal goes out. */
function outwardByDistance(g: Geometry, pts: number[][]): void {
  const h = 1e-5 * g.size;
  const normals = g.normals(pts);
  pts.forEach((p, i) => {
    const n = normals[i]!;
    expect(Math.hypot(...n)).toBeCloseTo(1, 12);
    expect(g.signedDistance(p.map((v, k) => v + h * n[k]!))).toBeGreaterThan(0);
    expect(g.signedDistance(p.map((v, k) => v - h * n[k]!))).toBeLessThan(0);
  });
}

describe('sizes beyond the limit are refused up front, with what they need', () => {
  const sq = new Rectangle([0, 0], [1, 1]);

  it('sampling a billion points is refused at once, for every method', () => {
    const t0 = performance.now();
    for (const method of ['uniform', 'grid', 'lhs', 'sobol', 'halton', 'hammersley'] as const) {
      expect(refusal(() => sq.sampleInterior(1e9, { method }))).toMatch(
        /sampleInterior: would need about .* GiB \(1000000000 points of 2 coordinates\), above the limit of 2.00 GiB/,
      );
      expect(refusal(() => sq.sampleBoundary(1e9, { method }))).toMatch(/sampleBoundary: would need about/);
    }
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('a grid in 16 dimensions stops before building more than the limit', () => {
    const cube = new Box(new Array(16).fill(0), new Array(16).fill(1));
    expect(refusal(() => cube.sampleInterior(70000, { method: 'grid' }))).toMatch(
      /method 'grid': would need about .* \(a grid of \d+\^16 points\)/,
    );
  });

  it('the limit is configurable, and restored', () => {
    const before = setLimits({ maxBytes: 1024 });
    try {
      expect(refusal(() => sq.sampleInterior(100))).toMatch(/above the limit of 1.0 KiB/);
    } finally {
      setLimits(before);
    }
    expect(limits().maxBytes).toBe(2 ** 31);
    expect(sq.sampleInterior(100)).toHaveLength(100);
    expect(refusal(() => setLimits({ maxBytes: -1 }))).toMatch(/maxBytes: expected a finite number of bytes ≥ 1/);
    expect(refusal(() => setLimits({ maxbytes: 5 } as never))).toMatch(/unknown option "maxbytes"/);
  });

  it('problem({ points: 1e8 }) is refused without sampling', () => {
    expect(refusal(() => problem({ geometry: sq, pde: ({ u }) => u, points: 1e8 }))).toMatch(/would need about/);
  });

  it("an 'on' filter that keeps nothing is refused, not looped on until memory runs out", () => {
    const t0 = performance.now();
    expect(refusal(() => dirichlet(sq, 0, { count: 100000, on: () => false }))).toMatch(
      /dirichlet: the 'on' filter keeps none of \d+ boundary points/,
    );
    expect(refusal(() => dirichlet(sq, 0, { count: 10, on: (() => 1) as never }))).toMatch(/keeps none/);
    expect(performance.now() - t0).toBeLessThan(5000);
    // a filter keeping a small part still finds its points
    const top = dirichlet(sq, 0, { count: 50, on: (x) => x[1] === 1 && x[0]! < 0.1 });
    expect((top.points as number[][]).every((x) => x[1] === 1 && x[0]! < 0.1)).toBe(true);
  });
});

describe('conditions check what they are given', () => {
  const box = new Rectangle([0, 0], [1, 1]);

  it('periodic refuses a given point on the image face or on neither face', () => {
    expect(refusal(() => periodic(box, 0, { points: [[1, 0.5]] }))).toMatch(
      /periodic: points\[0\] = \[1, 0.5\] is not on the lower face \(coordinate 0 = 0\)/,
    );
    expect(refusal(() => periodic(box, 0, { points: [[0.5, 0]] }))).toMatch(/is not on the lower face/);
    const ok = periodic(box, 0, { points: [[0, 0.25]] });
    expect(ok.sets!.image).toEqual([[1, 0.25]]);
  });

  it("initial's rate must be true or false; weights are checked", () => {
    const st = new SpaceTime(new Box([0], [1]), 0, 1);
    expect(refusal(() => initial(st, 0, { rate: 'false' as never }))).toMatch(/initial: rate: expected true or false, got "false"/);
    expect(refusal(() => initial(st, 0, { weight: -1 }))).toMatch(/initial: weight: expected a finite number ≥ 0/);
    expect(refusal(() => observations([[0]], [1], { weight: Number.NaN }))).toMatch(/observations: weight/);
  });

  it('observations copies the points: a later change to the caller arrays changes nothing', () => {
    const pts = [
      [0.1, 0.2],
      [0.3, 0.4],
    ];
    const term = observations(pts, [1, 2]);
    pts[0]![0] = 99;
    expect((term.points as number[][])[0]).toEqual([0.1, 0.2]);
    expect(refusal(() => observations([[0, Number.NaN]], [1]))).toMatch(
      /observations: points\[0\]: expected 2 finite coordinates, got \[0, NaN\]/,
    );
    expect(refusal(() => observations([[0, 1]], [Number.POSITIVE_INFINITY]))).toMatch(/values\[0\] is Infinity/);
  });

  it("a wrong given point names the condition and the point, not onBoundary's internals", () => {
    expect(refusal(() => dirichlet(box, 0, { points: [[0, 0.5], [0.5]] }))).toMatch(
      /^dirichlet: points\[1\]: expected 2 finite coordinates, got \[0.5\]/,
    );
    expect(refusal(() => neumann(box, 0, { points: [[0.5, 0.5]] }))).toMatch(
      /neumann: points\[0\] = \[0.5, 0.5\] is not on the geometry's boundary/,
    );
  });
});

describe('input and output maps', () => {
  it('one input map shared by networks of different input counts is refused; the first network keeps working', () => {
    const map = inputMap(({ x }) => [x[0]!.sin(), x[0]!.cos()]);
    const a = new Mlp({ sizes: [1, 4, 1], input: map, seed: 1, dtype: 'float64' });
    const before = a.evaluate([0.3]).y[0]!;
    expect(refusal(() => new Mlp({ sizes: [2, 4, 1], input: map, seed: 2 }))).toMatch(
      /inputMap: this map is already used by a network of 1 inputs/,
    );
    expect(a.evaluate([0.3]).y[0]).toBe(before);
    expect(Number.isFinite(before)).toBe(true);
    // the same map on a second network of the same inputs is fine
    const b = new Mlp({ sizes: [1, 4, 1], input: map, seed: 1, dtype: 'float64' });
    expect(b.evaluate([0.3]).y[0]).toBe(before);
    a.dispose();
    b.dispose();
  });

  it('scaleInputs and fourierFeatures must cover every input, with finite ranges and checked options', () => {
    expect(refusal(() => new Mlp({ sizes: [2, 4, 1], input: scaleInputs([0], [1]) }))).toMatch(
      /scaleInputs: the map covers 1 coordinate, the network has 2 inputs/,
    );
    expect(refusal(() => scaleInputs([0], [Number.POSITIVE_INFINITY]))).toMatch(/coordinate 0 needs finite lower < upper/);
    expect(refusal(() => new Mlp({ sizes: [3, 4, 1], input: fourierFeatures({ inputs: 2, count: 4, scale: 1 }) }))).toMatch(
      /fourierFeatures: the map covers 2 coordinates, the network has 3 inputs/,
    );
    expect(refusal(() => fourierFeatures({ inputs: 2, count: 4, scales: 1 } as never))).toMatch(
      /unknown option "scales"; did you mean "scale"/,
    );
    expect(refusal(() => fourierFeatures({ inputs: 2, count: 4, scale: 1, seed: -1 }))).toMatch(
      /fourierFeatures: seed: expected a whole number in \[0, 4294967295\]/,
    );
  });

  it("an input map's errors name the input map", () => {
    expect(refusal(() => new Mlp({ sizes: [1, 4, 1], input: inputMap(({ x }) => [x[0]!.mul(parameter(1, 'k'))]) }))).toMatch(
      /^inputMap: the map uses the trainable scalar 'k'/,
    );
  });

  it('output-map documents: derivative directions beyond the inputs, huber δ ≤ 0, constants beyond float32 are refused', () => {
    const net = new Mlp({ sizes: [2, 4, 1], seed: 1, output: outputMap(({ u }) => u) });
    const doc = net.toJSON() as { output: { outputs: unknown[] } };
    const withOutput = (o: unknown) => ({ ...doc, output: { kind: 'fields', outputs: [o] } }) as never;
    expect(refusal(() => Mlp.fromJSON(withOutput(['d', 5, ['u', 0]])))).toMatch(
      /outputMap: the derivative d\(5\) is along x\[5\], which does not exist \(2 inputs\)/,
    );
    expect(refusal(() => Mlp.fromJSON(withOutput(['d', 1e9, ['u', 0]])))).toMatch(/does not exist/);
    expect(refusal(() => Mlp.fromJSON(withOutput(['d2', 0, 7, ['u', 0]])))).toMatch(/d2\(0, 7\)/);
    expect(refusal(() => Mlp.fromJSON(withOutput(['huber(-1)', ['u', 0]])))).toMatch(/huber's delta must be a finite number > 0/);
    expect(refusal(() => Mlp.fromJSON(withOutput(['huber(0)', ['u', 0]])))).toMatch(/huber's delta/);
    expect(refusal(() => Mlp.fromJSON(withOutput(['mul', 1e39, ['u', 0]])))).toMatch(/the constant 1e\+39 is beyond float32's range/);
    const f64 = new Mlp({ sizes: [2, 4, 1], seed: 1, dtype: 'float64', output: outputMap(({ u }) => u.mul(1e39)) });
    expect(Number.isFinite(f64.evaluate([0.1, 0.2]).y[0]!)).toBe(true);
    net.dispose();
    f64.dispose();
  });
});

describe('optimizer states are checked, not trusted', () => {
  const setup = () => {
    const net = new Mlp({ sizes: [1, 6, 1], seed: 3, dtype: 'float64' });
    const points = Array.from({ length: 16 }, (_, i) => [i / 15]);
    const options = {
      terms: {
        fit: { points, columns: { t: points.map((p) => Math.sin(3 * p[0]!)) }, loss: ({ u, data }: LossContext) => mse(u, data.t!) },
      },
      optimizer: { type: 'bfgs' as const },
      steps: 5,
    };
    return { net, options };
  };

  it('an indefinite H with a positive diagonal is refused by its Cholesky factorization', async () => {
    const { net, options } = setup();
    const h = await fit(net, options as never);
    const st = structuredClone(h.state) as TrainingState;
    const buffers = st.optimizer!.buffers as number[][];
    const n = buffers[0]!.length;
    // H = I with a large off-diagonal pair: symmetric, positive diagonal, indefinite
    const upper = buffers[4]!;
    for (let i = 0, p = 0; i < n; p += n - i, i++) for (let j = i; j < n; j++) upper[p + j - i] = i === j ? 1 : 0;
    upper[1] = 5;
    const params = net.getParams();
    expect(await refusalAsync(() => fit(net, { ...options, resume: st } as never))).toMatch(
      /buffers\[4\]: the matrix is not positive definite .* pivot 1/,
    );
    expect(net.getParams()).toEqual(params);
    net.dispose();
  });

  it('a tampered loss is refused after recomputing it; the network is left as it was', async () => {
    const { net, options } = setup();
    const h = await fit(net, options as never);
    const st = structuredClone(h.state) as TrainingState;
    (st.optimizer!.buffers[2] as number[])[0] = -1e300;
    const params = net.getParams();
    const other = new Mlp({ sizes: [1, 6, 1], seed: 9, dtype: 'float64' });
    const otherParams = other.getParams();
    expect(await refusalAsync(() => fit(other, { ...options, resume: st } as never))).toMatch(
      /the saved loss is -1e\+300, the loss recomputed at the saved parameters is/,
    );
    expect(other.getParams()).toEqual(otherParams);
    expect(net.getParams()).toEqual(params);
    // the untouched state resumes
    const again = await fit(net, { ...options, steps: 7, resume: h.state } as never);
    expect(again.loss.at(-1)!).toBeLessThanOrEqual(h.loss.at(-1)!);
    net.dispose();
    other.dispose();
  });

  it('an iterate that differs from the saved parameters is refused', async () => {
    const { net, options } = setup();
    const h = await fit(net, options as never);
    const st = structuredClone(h.state) as TrainingState;
    (st.optimizer!.buffers[0] as number[])[2]! += 1e-3;
    expect(await refusalAsync(() => fit(net, { ...options, resume: st } as never))).toMatch(
      /buffers\[0\]: the saved iterate differs from resume.params and resume.scalars at entry 2/,
    );
    net.dispose();
  });

  it('LM handles a loss with a constant: it records it, and the step is the one without it', async () => {
    const run = async (constant: number) => {
      const net = new Mlp({ sizes: [1, 6, 1], seed: 3, dtype: 'float64' });
      const points = Array.from({ length: 16 }, (_, i) => [i / 15]);
      const h = await fit(net, {
        terms: {
          fit: { points, columns: { t: points.map((p) => Math.sin(3 * p[0]!)) }, loss: ({ u, data }) => mse(u, data.t!).add(constant) },
        },
        optimizer: { type: 'lm' },
        steps: 20,
      });
      net.dispose();
      return h;
    };
    const plain = await run(0),
      shifted = await run(5);
    expect(shifted.phases[0]!.stopReason).not.toBe('line-search-failed');
    expect(shifted.loss.length).toBe(plain.loss.length);
    for (const [i, l] of shifted.loss.entries()) expect(l - 5).toBeCloseTo(plain.loss[i]!, 10);
  });
});

describe('the engine: snapshots and overflow', () => {
  it('setParams reads each value once: a getter that changes its answer cannot slip an unchecked value in', () => {
    const net = new Mlp({ sizes: [1, 2, 1], seed: 1, dtype: 'float64' });
    const p = net.getParams();
    let reads = 0;
    const W = new Proxy([...p[0]!.W], {
      get(target, key, receiver) {
        if (key === '0') return reads++ === 0 ? 0.5 : Number.NaN;
        return Reflect.get(target, key, receiver);
      },
    });
    net.setParams([{ W, b: p[0]!.b }, p[1]!]);
    expect(net.getParams()[0]!.W[0]).toBe(0.5);
    expect(reads).toBe(1);
    net.dispose();
  });

  it('a float32 output that overflows is an error naming the output and point, in evaluate and in fit', async () => {
    const net = new Mlp({ sizes: [1, 4, 2], seed: 1 });
    const p = net.getParams();
    p[1]!.W.fill(3e38);
    net.setParams(p);
    expect(refusal(() => net.evaluate([1, 2]))).toMatch(
      /evaluate: the value of output 0 at point \d is (-)?Infinity: beyond the range of float32/,
    );
    const params = net.getParams();
    expect(await refusalAsync(() => fit(net, { loss: ({ u }) => mean(u.square()), data: { points: [[0.5]] }, steps: 2 }))).toMatch(
      /'loss'/,
    );
    expect(net.getParams()).toEqual(params);
    net.dispose();
  });
});

describe('messages and small things new users hit', () => {
  it("a condition's wrong component names the term it is in", async () => {
    const net = new Mlp({ sizes: [2, 4, 1], seed: 1 });
    const sq = new Rectangle([0, 0], [1, 1]);
    expect(await refusalAsync(() => fit(net, { terms: { boundary: dirichlet(sq, 0, { component: 3, count: 8 }) }, steps: 1 }))).toMatch(
      /^term 'boundary': outputs\[3\]: the network has 1 output/,
    );
    net.dispose();
  });

  it('two trainable scalars with one name are refused', async () => {
    const net = new Mlp({ sizes: [1, 4, 1], seed: 1 });
    const a = parameter(1, 'k'),
      b = parameter(2, 'k');
    const points = [[0], [1]];
    expect(
      await refusalAsync(() =>
        fit(net, {
          terms: { one: { points, loss: ({ u }) => mean(u.mul(a).square()) }, two: { points, loss: ({ u }) => mean(u.mul(b).square()) } },
          steps: 1,
        }),
      ),
    ).toMatch(/two different trainable scalars are named 'k' \(in terms 'one' and 'two'\)/);
    net.dispose();
  });

  it('a batchSize larger than the points and metricsEvery without metrics are refused by name', async () => {
    const net = new Mlp({ sizes: [1, 4, 1], seed: 1 });
    const points = [[0], [1], [2]];
    expect(
      await refusalAsync(() => fit(net, { terms: { a: { points, batchSize: 8, loss: ({ u }) => mean(u.square()) } }, steps: 1 })),
    ).toMatch(/term 'a': batchSize 8 is larger than the term's 3 points/);
    expect(await refusalAsync(() => fit(net, { loss: ({ u }) => mean(u.square()), data: { points }, steps: 1, metricsEvery: 5 }))).toMatch(
      /metricsEvery is given without metrics/,
    );
    net.dispose();
  });

  it('points given transposed say so', () => {
    const net = new Mlp({ sizes: [2, 4, 1], seed: 1 });
    expect(
      refusal(() =>
        net.evaluate([
          [0, 1, 2, 3, 4],
          [5, 6, 7, 8, 9],
        ]),
      ),
    ).toMatch(/x: got 2 arrays of 5 values; expected 5 rows of 2 coordinates .* Transposed\?/);
    net.dispose();
  });

  it('a loss, PDE or map asking for a name its argument does not have is refused with the names it has', async () => {
    const net = new Mlp({ sizes: [2, 4, 3], seed: 1 });
    const points = [[0, 0]];
    expect(
      await refusalAsync(() =>
        fit(net, { loss: (({ v }: { v: { square(): never } }) => mean(v.square())) as never, data: { points }, steps: 1 }),
      ),
    ).toMatch(/term 'loss': the loss: its argument has no 'v'; it has u, outputs, x, data; .* outputs\[0\], outputs\[1\]/);
    expect(refusal(() => evaluateField(net, points, (({ p }: { p: never }) => p) as never))).toMatch(
      /evaluateField: the expression: its argument has no 'p'/,
    );
    const pde = problem({ geometry: new Rectangle([0, 0], [1, 1]), pde: (({ v }: { v: never }) => v) as never, points: 4 });
    expect(await refusalAsync(() => fit(net, { ...pde, steps: 1 }))).toMatch(/term 'pde': the loss: its argument has no 'v'/);
    net.dispose();
  });
});

describe("names that are also Object's own keys ('constructor', 'toString')", () => {
  const term = { points: [[0], [1]], loss: ({ u }: LossContext) => mean(u.square()) };

  it('a term named toString with a per-term batchSize of another term keeps its own batch', async () => {
    const net = new Mlp({ sizes: [1, 2, 1], seed: 1 });
    const h = await fit(net, { terms: { toString: term, a: term }, steps: 2, batchSize: { a: 1 } });
    expect(h.terms.toString).toHaveLength(2);
    net.dispose();
  });

  it("a data column named constructor is missing, not Object's constructor", async () => {
    const net = new Mlp({ sizes: [1, 2, 1], seed: 1 });
    expect(
      await refusalAsync(() => fit(net, { terms: { a: { ...term, loss: ({ u, data }) => mse(u, data.constructor as never) } }, steps: 1 })),
    ).toMatch(/term 'a': data column 'constructor' is missing/);
    net.dispose();
  });

  it('a metric named constructor is recorded', async () => {
    const net = new Mlp({ sizes: [1, 2, 1], seed: 1 });
    const h = await fit(net, { terms: { a: term }, steps: 1, metrics: { constructor: { points: [[0]], solution: () => 0 } } });
    const name: string = 'constructor';
    expect(Object.hasOwn(h.metrics, name)).toBe(true);
    expect(h.metrics[name]!.relativeL2.length).toBeGreaterThan(0);
    net.dispose();
  });
});
