/**
 * One error class for user-facing failures, with a string-union code. `httpStatus` and
 * `exitCode` switch exhaustively over the codes, so a new code does not compile until it
 * has both mappings (the pattern Twenty uses).
 */
export type ErrorCode =
  | 'VALIDATION'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'PAYLOAD_TOO_LARGE'
  | 'INSUFFICIENT_FUNDS'
  | 'UNSUPPORTED_DATA'
  | 'UNAVAILABLE';

/** user: the caller's mistake (4xx, one clear line); operational: retryable fault. */
export type ErrorKind = 'user' | 'operational';

export class PatronError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'PatronError';
    this.code = code;
    this.details = details;
  }
  get kind(): ErrorKind {
    return this.code === 'UNAVAILABLE' ? 'operational' : 'user';
  }
}

function assertNever(x: never): never {
  throw new Error(`unmapped error code: ${String(x)}`);
}

export function httpStatus(code: ErrorCode): number {
  switch (code) {
    case 'VALIDATION':
      return 400;
    case 'UNAUTHENTICATED':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'INSUFFICIENT_FUNDS':
      return 422;
    case 'UNSUPPORTED_DATA':
      return 422;
    case 'UNAVAILABLE':
      return 503;
    default:
      return assertNever(code);
  }
}

/** CLI exit codes: 2 = bad usage/input, 3 = not found / conflict, 4 = auth, 5 = data cannot support, 6 = unavailable. */
export function exitCode(code: ErrorCode): number {
  switch (code) {
    case 'VALIDATION':
    case 'PAYLOAD_TOO_LARGE':
      return 2;
    case 'NOT_FOUND':
    case 'CONFLICT':
    case 'INSUFFICIENT_FUNDS':
      return 3;
    case 'UNAUTHENTICATED':
    case 'FORBIDDEN':
      return 4;
    case 'UNSUPPORTED_DATA':
      return 5;
    case 'UNAVAILABLE':
      return 6;
    default:
      return assertNever(code);
  }
}

/** Driver errors translated in one place: both engines' unique violations become CONFLICT. */
export function translateDbError(e: unknown): unknown {
  const err = e as { code?: string; message?: string };
  if (err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || err?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
    return new PatronError('CONFLICT', 'already exists: ' + (err.message ?? ''));
  }
  if (err?.code === '23503' || err?.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return new PatronError('VALIDATION', 'refers to something that does not exist');
  }
  if (err?.code === 'ECONNREFUSED') {
    return new PatronError('UNAVAILABLE', 'database not reachable: ' + (err.message ?? ''));
  }
  return e;
}
