// One array of a tape (tape.ts); its own file because both the tape and its table of
// primitives (tape-primitives.ts) hold them.

/** One array of the tape: length B (per point) or 1 (a scalar). */
export class TapeNode {
  value: Float64Array = new Float64Array(0);
  grad: Float64Array = new Float64Array(0);
  constructor(
    readonly id: number,
    readonly scalar: boolean,
    readonly label: string,
  ) {}
}
