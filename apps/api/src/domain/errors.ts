/**
 * Failures the caller can act on, thrown by services and repositories. They say what went wrong
 * in domain terms and carry no transport detail: http/errors.ts alone picks the HTTP status.
 * `code` is the stable machine-readable reason clients see; `message` is safe to show them.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The entity does not exist, or belongs to another user (deliberately indistinguishable). */
export class NotFoundError extends DomainError {
  readonly code = 'not_found';

  constructor(readonly entity: string) {
    super(`${entity} not found`);
  }
}

/** The change contradicts stored data, e.g. a constraint violation. */
export class ConflictError extends DomainError {
  readonly code: string = 'conflict';

  constructor(message = 'the change conflicts with existing data', options?: ErrorOptions) {
    super(message, options);
  }
}

export class EmailTakenError extends ConflictError {
  override readonly code = 'email_taken';

  constructor() {
    super('an account with this email already exists');
  }
}

/** A value the storage cannot hold: out of range or malformed, though it passed validation. */
export class InvalidValueError extends DomainError {
  readonly code = 'invalid_value';

  constructor(options?: ErrorOptions) {
    super('a value is out of range or malformed', options);
  }
}

/** No identity, or one that cannot be trusted: missing or bad token, wrong credentials. */
export class UnauthorizedError extends DomainError {
  readonly code = 'unauthorized';

  constructor(message = 'authentication required') {
    super(message);
  }
}

export class RateLimitedError extends DomainError {
  readonly code = 'rate_limited';

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** The database cannot be reached right now; retrying later may succeed. */
export class DatabaseUnavailableError extends DomainError {
  readonly code = 'database_unavailable';

  constructor(options?: ErrorOptions) {
    super('the database is unavailable; try again shortly', options);
  }
}
