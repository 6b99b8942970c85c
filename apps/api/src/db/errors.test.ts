import { describe, expect, it } from 'vitest';
import { ConflictError, DatabaseUnavailableError, InvalidValueError } from '../domain/errors.js';
import { runQuery, toDomainError } from './errors.js';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('toDomainError', () => {
  it.each([
    ['23505', ConflictError], // unique_violation
    ['23503', ConflictError], // foreign_key_violation
    ['22021', InvalidValueError], // character_not_in_repertoire (NUL byte)
    ['22008', InvalidValueError], // datetime_field_overflow
    ['57P01', DatabaseUnavailableError], // admin_shutdown
    ['ECONNREFUSED', DatabaseUnavailableError],
  ])('maps SQLSTATE %s to %o, keeping the cause', (code, type) => {
    const err = pgError(code);
    const mapped = toDomainError(err);
    expect(mapped).toBeInstanceOf(type);
    expect((mapped as Error).cause).toBe(err);
  });

  it('recognises an unreachable database without a code', () => {
    expect(toDomainError(Object.assign(new Error('x'), { name: 'KnexTimeoutError' }))).toBeInstanceOf(DatabaseUnavailableError);
    expect(toDomainError(new AggregateError([pgError('ECONNREFUSED')]))).toBeInstanceOf(DatabaseUnavailableError);
    expect(toDomainError(new Error('Connection terminated unexpectedly'))).toBeInstanceOf(DatabaseUnavailableError);
  });

  it('returns any other error unchanged', () => {
    for (const err of [pgError('42P01'), pgError('57014'), new TypeError('bug'), 'text', undefined]) {
      expect(toDomainError(err)).toBe(err);
    }
  });
});

describe('runQuery', () => {
  it('resolves with the query result and rejects with the translated error', async () => {
    await expect(runQuery(Promise.resolve([1]))).resolves.toEqual([1]);
    await expect(runQuery(Promise.reject(pgError('23505')))).rejects.toBeInstanceOf(ConflictError);
  });
});
