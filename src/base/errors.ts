/**
 * The one error type jetfit throws for bad input or misuse. Its message names the
 * argument at fault and what was expected.
 */
export class JetfitError extends Error {
  /** @param message what was wrong and what was expected */
  constructor(message: string) {
    super(message);
    this.name = 'JetfitError';
  }
}
