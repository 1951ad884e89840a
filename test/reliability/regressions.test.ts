// Each failure found by the adversarial review of jetfit (silent wrong results, corrupted
// state, unclear messages) as a test of its own. Every one of these failed before the fix.
import { describe, expect, it } from 'vitest';
import { fit, init, JetfitError, mean, memoryUsage, mse, Mlp, parameter, type FitOptions, type History } from '../../dist/index.js';

await init();

const N = 32;
const xs = Float64Array.from({ length: N }, (_, i) => -1 + (2 * (i + 0.5)) / N);
const flatParams = (net: Mlp): number[] => net.getParams().flatMap(({ W, b }) => [...W, ...b]);
const sine = (extra: Partial<FitOptions> = {}): FitOptions =>
  ({
    data: { points: xs, columns: { g: xs.map(Math.sin) } },
    loss: ({ u, data }) => mse(u, data.g!),
    optimizer: { type: 'adam', lr: 1e-2 },
    steps: 10,
    progress: false,
    ...extra,
  }) as FitOptions;
const rejection = async (p: Promise<unknown>): Promise<Error> => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(JetfitError);
  return e as Error;
};

describe('1. dispose() while fit is running', () => {
  it('fit stops with a clear error at its next step, and a network created after the dispose is untouched', async () => {
    const net = new Mlp({ sizes: [1, 16, 1], dtype: 'float64', seed: 1 });
    let other: Mlp | null = null,
      otherBefore: number[] = [];
    const err = await rejection(
      fit(
        net,
        sine({
          steps: 50,
          onStep: (s) => {
            if (s.step === 3) {
              net.dispose();
              other = new Mlp({ sizes: [1, 16, 1], dtype: 'float64', seed: 9 });
              otherBefore = flatParams(other);
            }
          },
        }),
      ),
    );
    expect(err.message).toMatch(/fit: the network was disposed while fit was training it \(after step 3\)/);
    expect(flatParams(other!)).toEqual(otherBefore);
    other!.dispose();
  });

  it('a dispose from a timer while fit yields', async () => {
    const net = new Mlp({ sizes: [1, 64, 64, 1], dtype: 'float64', seed: 1 });
    const timer = setTimeout(() => net.dispose(), 5);
    const err = await rejection(fit(net, sine({ steps: 1_000_000 })));
    clearTimeout(timer);
    expect(err.message).toMatch(/disposed while fit was training it/);
  });
});

describe('2. a failing evaluate changes nothing', () => {
  it('an outstanding pass of the same shape still gives the right gradient', () => {
    const net = new Mlp({ sizes: [2, 5, 1], dtype: 'float64', seed: 3 });
    const x = [0.1, 0.2, -0.3, 0.4],
      c = { y: [1, -2], jacobian: [0.5, 0.25, -1, 2] };
    const reference = net
      .forward(x, { jacobian: true })
      .backward(c)
      .flatMap(({ W, b }) => [...W, ...b]);
    const pass = net.forward(x, { jacobian: true });
    expect(() => net.evaluate([9, 9, NaN, 9], { jacobian: true })).toThrow(/x: point 1, input 0 is NaN/);
    expect(() => net.evaluate([9, 9, 1e39, 9] as number[], { jacobian: 'yes' as never })).toThrow(JetfitError);
    expect(pass.backward(c).flatMap(({ W, b }) => [...W, ...b])).toEqual(reference);
    net.dispose();
  });
});

describe('3. jet requests are true/false only', () => {
  it('truthy non-booleans are errors', () => {
    const net = new Mlp({ sizes: [2, 4, 1], seed: 1 });
    expect(() => net.evaluate([1, 2], { jacobian: 1 as never })).toThrow(/evaluate\(x, options\)\.jacobian: expected true or false, got 1/);
    expect(() => net.evaluate([1, 2], { laplacian: 1 as never })).toThrow(/\.laplacian: expected true or false, got 1/);
    expect(() => net.forward([1, 2], { jacobian: 'true' as never })).toThrow(/jacobian: expected true or false, got "true"/);
    expect(net.evaluate([1, 2], { jacobian: false, laplacian: false }).jacobian).toBeUndefined();
    net.dispose();
  });
});

describe('4. a non-finite gradient or update stops fit', () => {
  it('sqrt at 0: finite loss, NaN gradient', async () => {
    const net = new Mlp({ sizes: [1, 8, 1], dtype: 'float64', seed: 1 });
    const before = flatParams(net);
    const err = await rejection(fit(net, sine({ loss: ({ u }) => mean(u.sub(u).sqrt()) })));
    expect(err.message).toMatch(/the gradient became NaN at step 0 in term 'loss'/);
    expect(flatParams(net)).toEqual(before);
    net.dispose();
  });

  it('float32 overflow in the gradient', async () => {
    const net = new Mlp({ sizes: [1, 8, 1], dtype: 'float32', seed: 1 });
    const before = flatParams(net);
    const err = await rejection(fit(net, sine({ optimizer: 'sgd', loss: ({ u }) => mean(u.mul(1e25).square()) })));
    expect(err.message).toMatch(/the gradient became (Infinity|-Infinity|NaN) at step 0 in term 'loss'/);
    expect(flatParams(net)).toEqual(before);
    net.dispose();
  });

  it('an infinite gradient under float32 Adam names the gradient and its term, not an Adam overflow', async () => {
    // √k at k = 0: a finite loss whose gradient in k is +Infinity (no NaN beside it)
    const net = new Mlp({ sizes: [1, 8, 1], dtype: 'float32', seed: 1 });
    const k = parameter(0, 'k');
    const before = flatParams(net);
    const err = await rejection(fit(net, sine({ loss: ({ u, x }) => mean(u.square()).add(mean(x[0]!.mul(0).add(k).sqrt())) })));
    expect(err.message).toMatch(/the gradient became Infinity at step 0 in term 'loss'/);
    expect(flatParams(net)).toEqual(before);
    expect(k.value).toBe(0);
    net.dispose();
  });

  it('a NaN schedule factor on the last step', async () => {
    const a = new Mlp({ sizes: [1, 8, 1], dtype: 'float64', seed: 1 });
    const b = new Mlp({ sizes: [1, 8, 1], dtype: 'float64', seed: 1 });
    await fit(a, sine({ steps: 4 }));
    const err = await rejection(fit(b, sine({ steps: 5, schedule: (s) => (s === 4 ? NaN : 1) })));
    expect(err.message).toMatch(/schedule: the learning-rate factor at step 4 is NaN; expected a finite number ≥ 0/);
    expect(flatParams(b)).toEqual(flatParams(a));
    a.dispose();
    b.dispose();
  });

  it('an update that overflows the parameters', async () => {
    const net = new Mlp({ sizes: [1, 8, 1], dtype: 'float32', seed: 1 });
    const before = flatParams(net);
    const err = await rejection(fit(net, sine({ steps: 1, optimizer: { type: 'sgd', lr: 1e39 } })));
    expect(err.message).toMatch(/the update at step 0 made the parameters non-finite/);
    expect(flatParams(net)).toEqual(before);
    net.dispose();
  });

  it('a non-finite gradient during L-BFGS', async () => {
    const net = new Mlp({ sizes: [1, 8, 1], dtype: 'float64', seed: 1 });
    const before = flatParams(net);
    const err = await rejection(fit(net, sine({ optimizer: 'lbfgs', loss: ({ u }) => mean(u.sub(u).sqrt()) })));
    expect(err.message).toMatch(/the gradient became NaN at step 0 in term 'loss'/);
    expect(flatParams(net)).toEqual(before);
    net.dispose();
  });
});

describe('5. relu with a second-derivative loss', () => {
  it('fit refuses it before the first step', async () => {
    const net = new Mlp({ sizes: [2, 4, 1], activation: 'relu', seed: 1 });
    const before = flatParams(net);
    const err = await rejection(
      fit(net, { data: { points: [[0, 1]] }, loss: ({ u }) => mean(u.laplacian().square()), steps: 3, progress: false }),
    );
    expect(err.message).toMatch(/term 'loss'.*'relu', whose second derivative is zero/);
    expect(flatParams(net)).toEqual(before);
    net.dispose();
  });
});

describe('6. two fits on one network', () => {
  it('the second is refused while the first runs; the first is unaffected', async () => {
    const a = new Mlp({ sizes: [1, 8, 1], dtype: 'float64', seed: 1 });
    const b = new Mlp({ sizes: [1, 8, 1], dtype: 'float64', seed: 1 });
    const first = fit(a, sine({ steps: 30 }));
    const second = fit(a, sine({ steps: 30 }));
    expect(() => a.setParams(a.getParams())).toThrow(/setParams: this network is being trained by fit/);
    const err = await rejection(second);
    expect(err.message).toMatch(/fit: this network is already being trained by another fit call.*Mlp\.fromJSON\(net\.toJSON\(\)\)/);
    await first;
    await fit(b, sine({ steps: 30 }));
    expect(flatParams(a)).toEqual(flatParams(b));
    // and after it, the network takes work again
    await fit(a, sine({ steps: 1 }));
    a.dispose();
    b.dispose();
  });
});

describe('7. resume validates its whole state', () => {
  const saved = async (dtype: 'float32' | 'float64' = 'float64', extra: Partial<FitOptions> = {}): Promise<{ net: Mlp; h: History }> => {
    const net = new Mlp({ sizes: [1, 5, 1], dtype, seed: 1 });
    const h = await fit(net, sine({ steps: 20, onStep: (s) => s.step < 10, ...extra }));
    return { net, h };
  };

  it('the state holds the parameters without padding, and a NaN anywhere is refused', async () => {
    const { net, h } = await saved();
    expect(h.state.params.length).toBe(net.parameterCount);
    const before = flatParams(net);
    const bad = structuredClone(h.state);
    bad.params[3] = NaN;
    expect((await rejection(fit(net, sine({ steps: 20, resume: bad })))).message).toMatch(/resume\.params: entry 3 is NaN/);
    const long = structuredClone(h.state);
    long.params.push(0);
    expect((await rejection(fit(net, sine({ steps: 20, resume: long })))).message).toMatch(/resume\.params: expected 16 numbers/);
    expect(flatParams(net)).toEqual(before);
    net.dispose();
  });

  it('every field is checked against the options, naming the field', async () => {
    const { net, h } = await saved();
    const before = flatParams(net);
    const cases: [(s: History['state']) => void, RegExp][] = [
      [
        (s) => {
          (s as { version: number }).version = 7;
        },
        /resume\.version: expected 2/,
      ],
      [
        (s) => {
          s.step = -1;
        },
        /resume\.step: expected a whole number ≥ 0/,
      ],
      [
        (s) => {
          s.phase = 3;
        },
        /resume\.phase: expected a whole number in \[0, 0\]/,
      ],
      [
        (s) => {
          s.phaseStep = 25;
        },
        /resume\.phaseStep: the saved run was at step 25 of phase 0, which has 20 steps here/,
      ],
      [
        (s) => {
          s.optimizer!.type = 'sgd';
        },
        /resume\.optimizer\.type: the saved run's phase 0 used 'sgd', this call's uses 'adam'/,
      ],
      [
        (s) => {
          s.optimizer!.buffers[0]!.pop();
        },
        /resume\.optimizer\.buffers\[0\]: expected 16 numbers/,
      ],
      [
        (s) => {
          s.optimizer!.buffers[1]![2] = -1;
        },
        /resume\.optimizer\.buffers\[1\]: entry 2 is -1; expected ≥ 0/,
      ],
      [
        (s) => {
          s.optimizer!.t = 1.5;
        },
        /resume\.optimizer\.t: expected a whole number/,
      ],
      [
        (s) => {
          s.samplers[0]![0]!.order = s.samplers[0]![0]!.order.slice(0, 10);
        },
        /resume\.samplers\[0\]\[0\]\.order: expected a permutation of the 32 points of term 'loss'/,
      ],
      [
        (s) => {
          s.samplers[0]![0]!.order[0] = s.samplers[0]![0]!.order[1]!;
        },
        /resume\.samplers\[0\]\[0\]\.order: expected a permutation/,
      ],
      [
        (s) => {
          s.samplers[0]![0]!.cursor = 99;
        },
        /resume\.samplers\[0\]\[0\]\.cursor: expected a whole number in \[0, 32\]/,
      ],
      [
        (s) => {
          s.samplers[0]![0]!.batch = 4;
        },
        /resume\.samplers\[0\]\[0\]\.batch: the term's own batch size comes first; expected full, got 4/,
      ],
      [
        (s) => {
          s.samplers[0]![0]!.rng = [1, 2];
        },
        /resume\.samplers\[0\]\[0\]\.rng: expected the generator's five numbers/,
      ],
      [
        (s) => {
          s.samplers.push(s.samplers[0]!);
        },
        /resume\.samplers: expected 1 \(one per term\), got 2/,
      ],
      [
        (s) => {
          s.scalars = [1];
        },
        /resume\.scalars: expected 0 numbers/,
      ],
      [
        (s) => {
          delete (s as Partial<History['state']>).params;
        },
        /resume\.params: expected an array of 16 numbers/,
      ],
    ];
    for (const [mutate, message] of cases) {
      const bad = structuredClone(h.state);
      mutate(bad);
      expect((await rejection(fit(net, sine({ steps: 20, resume: bad })))).message).toMatch(message);
      expect(flatParams(net)).toEqual(before);
    }
    net.dispose();
  });

  it('a float32 run refuses values beyond float32', async () => {
    const { net, h } = await saved('float32');
    const bad = structuredClone(h.state);
    bad.params[0] = 1e39;
    expect((await rejection(fit(net, sine({ steps: 20, resume: bad })))).message).toMatch(
      /resume\.params: entry 0 is 1e\+39, beyond the range of float32/,
    );
    net.dispose();
  });

  it('a state with fewer points than this call is refused by name, not with a RangeError', async () => {
    const { net, h } = await saved();
    const fewer = xs.slice(0, 16);
    const err = await rejection(
      fit(net, sine({ steps: 20, resume: h.state, data: { points: fewer, columns: { g: fewer.map(Math.sin) } } })),
    );
    expect(err.message).toMatch(/resume\.samplers\[0\]\[0\]\.order: expected a permutation of the 16 points of term 'loss'/);
    net.dispose();
  });
});

describe('float32 range', () => {
  it('setParams, fromJSON, points, term points and cotangents are checked against float32', async () => {
    const net = new Mlp({ sizes: [2, 3, 1], dtype: 'float32', seed: 1 });
    const before = flatParams(net);
    const p = net.getParams().map(({ W, b }) => ({ W: Array.from(W), b: Array.from(b) }));
    p[0]!.W[1] = 1e39;
    expect(() => net.setParams(p)).toThrow(/params\[0\]\.W: entry 1 is 1e\+39, beyond the range of float32/);
    const json = net.toJSON();
    json.params[1]!.b[0] = -1e39;
    expect(() => Mlp.fromJSON(json)).toThrow(/params\[1\]\.b: entry 0 is -1e\+39, beyond the range of float32/);
    expect(() => net.evaluate([1e39, 0])).toThrow(/x: point 0, input 0 is 1e\+39, beyond the range of float32/);
    expect(() => net.gradients([1, 0], { y: [1e39] })).toThrow(/cotangents\.y: entry 0 is 1e\+39, beyond the range of float32/);
    await expect(fit(net, { data: { points: [[1e39, 0]] }, loss: ({ u }) => mse(u), steps: 1, progress: false })).rejects.toThrow(
      /term 'loss': points: point 0, input 0 is 1e\+39, beyond the range of float32/,
    );
    expect(flatParams(net)).toEqual(before);
    // float64 takes them
    const wide = new Mlp({ sizes: [2, 3, 1], dtype: 'float64', seed: 1 });
    expect(wide.evaluate([1e39, 0]).y.length).toBe(1);
    net.dispose();
    wide.dispose();
  });
});

describe('unknown options', () => {
  it('every options object names an unknown key and the closest known one', async () => {
    expect(() => new Mlp({ sizes: [1, 2, 1], activaton: 'sin' } as never)).toThrow(
      /new Mlp\(options\): unknown option "activaton"; did you mean "activation"\?/,
    );
    expect(() => new Mlp({ sizes: [1, 2, 1], activation: null } as never)).toThrow(/activation: unknown activation null/);
    const net = new Mlp({ sizes: [1, 4, 1], seed: 1 });
    const before = flatParams(net);
    const cases: [Partial<FitOptions>, RegExp][] = [
      [{ optimiser: 'sgd' } as never, /fit\(net, options\): unknown option "optimiser"; did you mean "optimizer"\?/],
      [
        { optimizer: { type: 'adam', learningRate: 1 } } as never,
        /fit\.optimizer: unknown option "learningRate" for 'adam'; did you mean "lr"\?/,
      ],
      [
        { lr: 1 } as never,
        /fit\(net, options\): unknown option "lr"; the learning rate goes in the optimizer: optimizer: \{ type: 'adam', lr \}/,
      ],
      [{ clipnorm: 1 } as never, /unknown option "clipnorm"; did you mean "clipNorm"\?/],
      [{ schedule: { type: 'step', evry: 3 } } as never, /fit\.schedule: unknown option "evry"; did you mean "every"\?/],
      [{ earlyStopping: { patience: 2, monitr: 'loss' } } as never, /earlyStopping: unknown option "monitr"; did you mean "monitor"\?/],
      [{ data: { points: xs, colums: {} } } as never, /term 'loss': unknown option "colums"; did you mean "columns"\?/],
      [{ phases: [{ optimizer: 'adam', stepz: 3 }] } as never, /phases\[0\]: unknown option "stepz"; did you mean "steps"\?/],
      [
        { phases: [{ optimizer: 'adam', steps: 3 }], schedule: { type: 'cosine' } } as never,
        /fit: schedule goes inside each phase when phases are given/,
      ],
    ];
    for (const [o, message] of cases) {
      const base: Partial<FitOptions> = sine();
      if ('phases' in o) {
        delete base.optimizer;
        delete base.steps;
      }
      expect((await rejection(fit(net, { ...base, ...o } as FitOptions))).message).toMatch(message);
    }
    const term = { points: xs, loss: ({ u }: { u: never }) => mse(u), batchsize: 4 };
    expect((await rejection(fit(net, { terms: { t: term as never }, steps: 1, progress: false }))).message).toMatch(
      /term 't': unknown option "batchsize"; did you mean "batchSize"\?/,
    );
    expect(() => net.forward([1], { jacobian: true }).backward({ y: [1] }, { acumulate: true } as never)).toThrow(
      /backward\(cotangents, options\): unknown option "acumulate"; did you mean "accumulate"\?/,
    );
    expect(flatParams(net)).toEqual(before);
    net.dispose();
  });
});

describe('L-BFGS', () => {
  it('refuses a schedule or clipNorm, which it would not apply', async () => {
    const net = new Mlp({ sizes: [1, 4, 1], seed: 1 });
    expect((await rejection(fit(net, sine({ optimizer: 'lbfgs', schedule: { type: 'cosine' } })))).message).toMatch(
      /fit: L-BFGS chooses its own steps \(by line search\); schedule does not apply to it/,
    );
    expect(
      (await rejection(fit(net, sine({ optimizer: undefined, steps: undefined, phases: [{ optimizer: 'lbfgs', steps: 3, clipNorm: 1 }] }))))
        .message,
    ).toMatch(/phases\[0\]: L-BFGS chooses its own steps \(by line search\); clipNorm does not apply to it/);
    net.dispose();
  });

  it('reports a failed line search as such, not as convergence', async () => {
    // |u - c| has a kink at its minimum: the line search ends up unable to decrease it
    const net = new Mlp({ sizes: [1, 4, 1], dtype: 'float32', seed: 1 });
    const h = await fit(net, sine({ optimizer: 'lbfgs', steps: 2000, loss: ({ u }) => mean(u.sub(0.3).abs()) }));
    expect(h.stopReason).toBe('line-search-failed');
    expect(h.phases[0]!.stopReason).toBe('line-search-failed');
    expect(h.steps).toBeLessThan(2000);
    // a tolerance that is met is convergence
    const net2 = new Mlp({ sizes: [1, 4, 1], dtype: 'float64', seed: 1 });
    const h2 = await fit(net2, sine({ optimizer: { type: 'lbfgs', toleranceGrad: 1e-2 }, steps: 2000 }));
    expect(h2.stopReason).toBe('converged');
    net.dispose();
    net2.dispose();
  });
});

describe('resume after completion', () => {
  it('continues a completed run when asked for more steps', async () => {
    const a = new Mlp({ sizes: [1, 6, 1], dtype: 'float64', seed: 1 });
    const b = new Mlp({ sizes: [1, 6, 1], dtype: 'float64', seed: 1 });
    const done = await fit(a, sine({ steps: 10 }));
    expect(done.stopReason).toBe('completed');
    const more = await fit(a, sine({ steps: 25, resume: done.state }));
    expect(more.steps).toBe(25);
    expect(more.loss.length).toBe(15);
    await fit(b, sine({ steps: 25 }));
    expect(flatParams(a)).toEqual(flatParams(b));
    // asking for fewer steps than were done is refused with what to do
    const err = await rejection(fit(a, sine({ steps: 5, resume: more.state })));
    expect(err.message).toMatch(/resume\.phaseStep: the saved run was at step 25 of phase 0, which has 5 steps here/);
    a.dispose();
    b.dispose();
  });
});

describe('checks before the first step', () => {
  it('earlyStopping.monitor naming no term is refused before anything changes', async () => {
    const net = new Mlp({ sizes: [1, 4, 1], seed: 1 });
    const before = flatParams(net);
    const err = await rejection(fit(net, sine({ epochs: 5, steps: undefined, earlyStopping: { monitor: 'pde', patience: 2 } })));
    expect(err.message).toMatch(/earlyStopping\.monitor: no term named 'pde'; expected 'loss' or one of loss/);
    expect(flatParams(net)).toEqual(before);
    expect((await rejection(fit(net, sine({ earlyStopping: { patience: 0 } })))).message).toMatch(
      /earlyStopping\.patience: expected a whole number ≥ 1, got 0/,
    );
    net.dispose();
  });
});

describe('fromJSON of an inconsistent document', () => {
  it('is refused before any memory is allocated', () => {
    const before = memoryUsage();
    const doc = {
      format: 'jetfit.mlp',
      version: 1,
      sizes: [1, 50_000, 50_000, 1],
      activation: 'tanh',
      dtype: 'float64',
      params: [{ W: [1], b: [1] }],
    };
    expect(() => Mlp.fromJSON(doc as never)).toThrow(/Mlp\.fromJSON: params: expected an array of 3 layers/);
    const doc2 = {
      ...doc,
      params: [
        { W: [1], b: [1] },
        { W: [1], b: [1] },
        { W: [1], b: [1] },
      ],
    };
    expect(() => Mlp.fromJSON(doc2 as never)).toThrow(/Mlp\.fromJSON: params\[0\]\.W: expected 50000 numbers/);
    expect(memoryUsage()).toEqual(before);
  });
});

describe('float32 Adam with a gradient whose square overflows', () => {
  it('is reported, not a silent stall', async () => {
    const net = new Mlp({ sizes: [1, 8, 1], dtype: 'float32', seed: 1 });
    const before = flatParams(net);
    const err = await rejection(fit(net, sine({ loss: ({ u }) => mean(u.mul(1e12).square()) })));
    expect(err.message).toMatch(/Adam's second moment overflows float32.*clipNorm.*float64/);
    expect(flatParams(net)).toEqual(before);
    net.dispose();
  });
});

describe('fields', () => {
  it('x[k] and outputs[k] out of range name the index; JavaScript operators on fields say to use methods', async () => {
    const net = new Mlp({ sizes: [2, 4, 2], seed: 1 });
    const run = (loss: FitOptions['loss']) =>
      rejection(fit(net, { data: { points: [[0, 1]] }, loss, steps: 1, progress: false } as FitOptions));
    expect((await run(({ u, x }) => mse(u.sub(x[2]!)))).message).toMatch(/x\[2\]: the network has 2 inputs, so x has indices 0\.\.1/);
    expect((await run(({ outputs }) => mse(outputs[5]!))).message).toMatch(
      /outputs\[5\]: the network has 2 outputs, so outputs has indices 0\.\.1/,
    );
    expect((await run(({ u }) => mse(((u.laplacian() as unknown as number) + 1) as never))).message).toMatch(
      /fields cannot be combined with JavaScript operators \(\+, -, \*, \/, \*\*\); use \.add\(\), \.sub\(\), \.mul\(\), \.div\(\), \.pow\(\)/,
    );
    expect((await run(({ u }) => ((mean(u) as unknown as number) * 2) as never)).message).toMatch(
      /losses cannot be combined with JavaScript operators/,
    );
    net.dispose();
  });
});

describe('messages name the argument, the value as given, and what was expected', () => {
  it('constructor, fit and dispose', async () => {
    expect(() => new Mlp({ sizes: [2, NaN, 1] })).toThrow(/sizes\[1\]: expected a positive integer, got NaN/);
    expect(() => new Mlp({ sizes: [2, 3, 1], seed: NaN })).toThrow(/seed: expected a whole number in \[0, 4294967295\], got NaN/);
    expect(() => new Mlp({ sizes: [2, 3, 1], seed: 2 ** 32 })).toThrow(
      /seed: expected a whole number in \[0, 4294967295\], got 4294967296/,
    );
    expect(() => new Mlp({ sizes: [2, 3, 1], seed: 1.5 })).toThrow(/seed: .* got 1\.5/);
    expect(() => new Mlp({ sizes: [2, 3, 1], seed: -1 })).toThrow(/seed: .* got -1/);
    const net = new Mlp({ sizes: [2, 3, 1], seed: 1 });
    expect(
      (await rejection(fit(net, sine({ steps: '100' as never, data: { points: [[0, 1]] }, loss: ({ u }) => mse(u) })))).message,
    ).toMatch(/fit\.steps: expected a whole number ≥ 0, got "100" \(a string\)/);
    expect((await rejection(fit(net, sine({ seed: -3, data: { points: [[0, 1]] }, loss: ({ u }) => mse(u) })))).message).toMatch(
      /fit\.seed: expected a whole number in \[0, 4294967295\], got -3/,
    );
    expect(() => net.evaluate([[1n, 2n]] as never)).toThrow(
      /x: point 0, input 0 is 1n \(a bigint\); every coordinate must be a finite number/,
    );
    expect(() => net.evaluate(new BigInt64Array(2) as never)).toThrow(
      /x: expected points as a Float32Array, Float64Array, number\[\].*got a BigInt64Array/,
    );
    const before = flatParams(net);
    expect(
      (await rejection(fit(net, sine({ data: { points: [[0, 1]] }, loss: ({ u }) => mse(u), schedule: () => -0.5 })))).message,
    ).toMatch(/schedule: the learning-rate factor at step 0 is -0\.5; expected a finite number ≥ 0/);
    expect(flatParams(net)).toEqual(before);
    net.dispose();
    expect(() => net.toJSON()).toThrow(/toJSON: this Mlp was disposed/);
  });

  it('a trainable scalar with a bad initial value names it', () => {
    expect(() => parameter(NaN, 'k')).toThrow(/parameter\(k\): initial value must be a finite number, got NaN/);
  });
});

describe('found by a second adversarial pass, after the fixes above', () => {
  it('a derivative index that is not a number says so; schedule options must be numbers; a parameter name must be a string', async () => {
    const net = new Mlp({ sizes: [2, 3, 1], seed: 1 });
    const run = (o: Partial<FitOptions>) =>
      rejection(fit(net, { data: { points: [[0, 1]] }, loss: ({ u }) => mse(u), steps: 1, progress: false, ...o } as FitOptions));
    expect((await run({ loss: ({ u }) => mean(u.d('0' as never)) })).message).toMatch(
      /d\(i\): input index "0" \(a string\) is not a number/,
    );
    expect((await run({ loss: ({ u }) => mean((u.d2 as (i: number) => never)(0)) })).message).toMatch(
      /d2\(i, j\): input index undefined is not a number/,
    );
    expect((await run({ schedule: { type: 'cosine', minFactor: '0.1' as never } })).message).toMatch(
      /fit\.schedule\.minFactor: expected a number in \[0, 1\], got "0\.1" \(a string\)/,
    );
    expect((await run({ schedule: { type: 'exponential', gamma: '0.5' as never } })).message).toMatch(
      /fit\.schedule\.gamma: .* got "0\.5" \(a string\)/,
    );
    expect((await run({ schedule: { type: 'step', every: 2, gamma: '0.5' as never } })).message).toMatch(
      /fit\.schedule\.gamma: .* got "0\.5" \(a string\)/,
    );
    expect(() => parameter(1, 5 as never)).toThrow(/parameter\(value, name\): name must be a string, got 5/);
    expect(() => parameter('a' as never)).toThrow(/parameter\(parameter\): initial value must be a finite number, got "a" \(a string\)/);
    net.dispose();
  });
});
