/**
 * Base class for errors whose message is meant for the user: it says what went wrong and what to do.
 * The CLI prints `message` (and `hint` when present) without a stack trace and exits with `exitCode`.
 */
export class UserFacingError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; cause?: unknown; exitCode?: number } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/** Renders any thrown value as one line (plus hint) for the terminal. */
export function describeError(error: unknown): string {
  if (error instanceof UserFacingError) {
    return error.hint ? `${error.message}\n  hint: ${error.hint}` : error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
