/**
 * Bad input: the caller must fix the input, retrying cannot help. Carries every problem found, so
 * that one answer lists them all.
 */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  readonly code = 'invalid-input';
  readonly problems: readonly string[];

  constructor(subject: string, problems: readonly string[]) {
    super(`${subject} is invalid: ${problems.join('; ')}`);
    this.problems = [...problems];
  }
}

export function isValidationError(error: unknown): error is ValidationError {
  return error instanceof Error && error.name === 'ValidationError';
}
