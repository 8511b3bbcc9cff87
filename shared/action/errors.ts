/**
 * A mistake the user can fix: a bad input, a missing or malformed file, a failing training
 * command. The message is shown as it is, without a stack trace, so it must say which input or
 * file is wrong, what was expected and what to do.
 */
export class UserError extends Error {
  override name = 'UserError';
}

/** One or more action inputs are missing or malformed. */
export class InputError extends UserError {
  override name = 'InputError';
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}

/** Node's error code (ENOENT, EISDIR, ...) when there is one. */
export function errnoCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}
