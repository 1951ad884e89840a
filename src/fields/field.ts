// Fields: what a loss is written in. A field has a value at every point of a batch
// (the network's outputs, the input coordinates, data columns) and, through the jet it
// carries, derivatives with respect to the inputs. Arithmetic on fields applies the
// product and chain rules to every jet component, so derivatives of a transformed
// output (x(1 - x)·u, a hard boundary condition) are exact. Building a field only
// records the expression; lowering it (lower.ts) decides which components are needed.
import { describe } from '../base/check.js';
import { JetfitError } from '../base/errors.js';
import { FUNCTIONS, huberFunction, power, type UnaryFunction } from './functions.js';

/** The term a field belongs to: sizes for checking indices, and its extra point sets. */
export interface FieldContext {
  readonly inputs: number;
  readonly term: string;
  /** the names of the term's extra point sets (`sets`), in order; set k + 1 of the batch */
  readonly sets?: readonly string[];
}

/** A trainable scalar (an unknown coefficient learnt with the network). */
export class Parameter {
  /** @param value initial value @param name for messages and the history */
  constructor(
    public value: number,
    readonly name: string = 'parameter',
  ) {
    if (typeof name !== 'string') throw new JetfitError(`parameter(value, name): name must be a string, got ${describe(name)}`);
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new JetfitError(`parameter(${name}): initial value must be a finite number, got ${describe(value)}`);
  }
}

/** A trainable scalar for use inside loss expressions; its `.value` is updated by fit. */
export function parameter(value: number, name?: string): Parameter {
  return new Parameter(value, name);
}

/** @internal the recorded expression */
export type FieldNode =
  | { kind: 'output'; index: number; at?: number }
  | { kind: 'coordinate'; index: number }
  | { kind: 'column'; name: string }
  | { kind: 'parameter'; param: Parameter }
  | { kind: 'constant'; value: number }
  | { kind: 'add'; a: FieldNode; b: FieldNode }
  | { kind: 'sub'; a: FieldNode; b: FieldNode }
  | { kind: 'mul'; a: FieldNode; b: FieldNode }
  | { kind: 'unary'; f: UnaryFunction; a: FieldNode }
  | { kind: 'd'; i: number; a: FieldNode }
  | { kind: 'd2'; i: number; j: number; a: FieldNode }
  | { kind: 'laplacian'; a: FieldNode };

/** A number, a field or a trainable parameter: what field arithmetic accepts. */
export type FieldLike = Field | number | Parameter;

/** A value per point, with derivatives with respect to the inputs. */
export class Field {
  /** @internal */
  constructor(
    readonly context: FieldContext,
    readonly node: FieldNode,
  ) {}

  private lift(x: FieldLike, op: string): FieldNode {
    if (x instanceof Field) {
      if (x.context !== this.context) {
        throw new JetfitError(
          `${op}: the two fields belong to different loss terms ('${this.context.term}' and '${x.context.term}'); each term's fields live on its own points`,
        );
      }
      return x.node;
    }
    if (x instanceof Parameter) return { kind: 'parameter', param: x };
    if (typeof x === 'number') {
      if (!Number.isFinite(x)) throw new JetfitError(`${op}: expected a finite number, got ${x}`);
      return { kind: 'constant', value: x };
    }
    throw new JetfitError(`${op}: expected a field, a number or a parameter, got ${describe(x)}`);
  }

  private make(node: FieldNode): Field {
    return new Field(this.context, node);
  }

  /** this + other */
  add(other: FieldLike): Field {
    return this.make({ kind: 'add', a: this.node, b: this.lift(other, 'add') });
  }
  /** this − other */
  sub(other: FieldLike): Field {
    return this.make({ kind: 'sub', a: this.node, b: this.lift(other, 'sub') });
  }
  /** this · other */
  mul(other: FieldLike): Field {
    return this.make({ kind: 'mul', a: this.node, b: this.lift(other, 'mul') });
  }
  /** this / other */
  div(other: FieldLike): Field {
    if (typeof other === 'number') {
      if (other === 0) throw new JetfitError('div: division by the constant 0');
      return this.mul(1 / other);
    }
    const b = this.lift(other, 'div');
    return this.make({ kind: 'mul', a: this.node, b: { kind: 'unary', f: FUNCTIONS.recip, a: b } });
  }
  /** −this */
  neg(): Field {
    return this.mul(-1);
  }
  /** this^p for a constant p */
  pow(p: number): Field {
    if (!Number.isFinite(p)) throw new JetfitError(`pow: expected a finite exponent, got ${p}`);
    if (p === 1) return this;
    if (p === 2) return this.square();
    return this.map(power(p));
  }
  /** this² */
  square(): Field {
    return this.map(FUNCTIONS.square);
  }
  /** √this */
  sqrt(): Field {
    return this.map(power(0.5));
  }
  /** |this| */
  abs(): Field {
    return this.map(FUNCTIONS.abs);
  }
  /** e^this */
  exp(): Field {
    return this.map(FUNCTIONS.exp);
  }
  /** ln this */
  log(): Field {
    return this.map(FUNCTIONS.log);
  }
  /** sin this */
  sin(): Field {
    return this.map(FUNCTIONS.sin);
  }
  /** cos this */
  cos(): Field {
    return this.map(FUNCTIONS.cos);
  }
  /** tanh this */
  tanh(): Field {
    return this.map(FUNCTIONS.tanh);
  }
  /** @internal */
  map(f: UnaryFunction): Field {
    return this.make({ kind: 'unary', f, a: this.node });
  }

  private index(i: number, what: string): number {
    const n = this.context.inputs;
    if (typeof i !== 'number' || !Number.isInteger(i) || i < 0 || i >= n) {
      throw new JetfitError(
        `${what}: input index ${describe(i)} is ${typeof i === 'number' ? 'out of range' : 'not a number'}; the network has ${n} input${n === 1 ? '' : 's'} (indices 0..${n - 1})`,
      );
    }
    return i;
  }

  /**
   * The network's output at the points of the term's point set `set` instead of its own
   * points (pairs by index: point p of the set with point p of the term), derivatives
   * included: `u.at('right').sub(u)` is a periodic condition's residual.
   */
  at(set: string): Field {
    const n = this.node;
    const sets = this.context.sets ?? [];
    if (n.kind !== 'output' || n.at !== undefined) {
      throw new JetfitError(
        `at('${String(set)}'): only a network output (u, outputs[k]) can be moved to another point set; apply at() before any arithmetic or derivative`,
      );
    }
    const k = sets.indexOf(set);
    if (k < 0) {
      throw new JetfitError(
        `at(${typeof set === 'string' ? `'${set}'` : describe(set)}): term '${this.context.term}' has ${sets.length ? `the point sets ${sets.map((x) => `'${x}'`).join(', ')}` : 'no extra point sets (give them as sets: { name: points })'}`,
      );
    }
    return this.make({ kind: 'output', index: n.index, at: k + 1 });
  }

  /** ∂this/∂x_i */
  d(i: number): Field {
    return this.make({ kind: 'd', i: this.index(i, 'd(i)'), a: this.node });
  }
  /** ∂²this/∂x_i∂x_j */
  d2(i: number, j: number): Field {
    return this.make({ kind: 'd2', i: this.index(i, 'd2(i, j)'), j: this.index(j, 'd2(i, j)'), a: this.node });
  }
  /** Σ_i ∂²this/∂x_i² */
  laplacian(): Field {
    return this.make({ kind: 'laplacian', a: this.node });
  }
  /** [∂this/∂x_0, ..., ∂this/∂x_{n-1}] */
  grad(): Field[] {
    return Array.from({ length: this.context.inputs }, (_, i) => this.d(i));
  }

  /** the mean over the batch's points */
  mean(): Loss {
    return new Loss({ kind: 'mean', field: this });
  }
  /** the sum over the batch's points */
  sum(): Loss {
    return new Loss({ kind: 'sum', field: this });
  }

  /** Refuses `u + 1` and the like: JavaScript operators cannot see a field's values. */
  [Symbol.toPrimitive](): never {
    throw new JetfitError(
      `term '${this.context.term}': fields cannot be combined with JavaScript operators (+, -, *, /, **); ` +
        'use .add(), .sub(), .mul(), .div(), .pow() (for example u.laplacian().add(1))',
    );
  }
}

/** @internal */
export type LossNode =
  | { kind: 'mean' | 'sum'; field: Field }
  | { kind: 'constant'; value: number }
  | { kind: 'add' | 'sub' | 'mul' | 'div'; a: LossNode; b: LossNode };

/** A scalar: a reduction of fields over the points, and arithmetic on such scalars. */
export class Loss {
  /** @internal */
  constructor(readonly node: LossNode) {}

  private lift(x: Loss | number, op: string): LossNode {
    if (x instanceof Loss) return x.node;
    if (typeof x === 'number' && Number.isFinite(x)) return { kind: 'constant', value: x };
    throw new JetfitError(
      `${op}: expected a scalar loss or a finite number, got ${(x as unknown) instanceof Field ? 'a field (reduce it with mean() or sum() first)' : describe(x)}`,
    );
  }

  /** this + other */
  add(other: Loss | number): Loss {
    return new Loss({ kind: 'add', a: this.node, b: this.lift(other, 'add') });
  }
  /** this − other */
  sub(other: Loss | number): Loss {
    return new Loss({ kind: 'sub', a: this.node, b: this.lift(other, 'sub') });
  }
  /** this · other */
  mul(other: Loss | number): Loss {
    return new Loss({ kind: 'mul', a: this.node, b: this.lift(other, 'mul') });
  }
  /** this / other */
  div(other: Loss | number): Loss {
    return new Loss({ kind: 'div', a: this.node, b: this.lift(other, 'div') });
  }

  /** Refuses `mean(u) * 2` and the like: JavaScript operators cannot see a loss's value. */
  [Symbol.toPrimitive](): never {
    throw new JetfitError(
      'losses cannot be combined with JavaScript operators (+, -, *, /, **); ' +
        'use .add(), .sub(), .mul(), .div() (for example mean(r.square()).mul(2))',
    );
  }
}

function asField(x: Field, what: string): Field {
  if (!(x instanceof Field)) throw new JetfitError(`${what}: expected a field, got ${describe(x)}`);
  return x;
}

/** mean over points */
export function mean(f: Field): Loss {
  return asField(f, 'mean').mean();
}
/** sum over points */
export function sum(f: Field): Loss {
  return asField(f, 'sum').sum();
}

/** mean((f − target)²); target defaults to 0 */
export function mse(f: Field, target: FieldLike = 0): Loss {
  return asField(f, 'mse').sub(target).square().mean();
}
/** mean(|f − target|) */
export function mae(f: Field, target: FieldLike = 0): Loss {
  return asField(f, 'mae').sub(target).abs().mean();
}
/** mean of Huber's function of f − target: quadratic within delta, linear outside */
export function huber(f: Field, target: FieldLike = 0, delta = 1): Loss {
  if (!(delta > 0)) throw new JetfitError(`huber: delta must be positive, got ${delta}`);
  return asField(f, 'huber').sub(target).map(huberFunction(delta)).mean();
}
