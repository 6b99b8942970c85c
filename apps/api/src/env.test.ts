import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { EnvError, ENV_VARIABLES, loadEnv } from './env.js';

const expectEnvError = (source: Record<string, string>, variable: string) => {
  try {
    loadEnv(source);
  } catch (err) {
    expect(err).toBeInstanceOf(EnvError);
    expect((err as EnvError).message).toContain(variable);
    return err as EnvError;
  }
  throw new Error(`expected loadEnv to reject ${variable}`);
};

describe('loadEnv', () => {
  it('applies documented defaults to an empty environment', () => {
    const env = loadEnv({});
    expect(env.BACKEND_PORT).toBe(8080);
    expect(env.BACKEND_METRICS_PORT).toBe(9090);
    expect(env.BACKEND_DATA_DIR).toBe('.data/api');
    expect(env.BACKEND_DATABASE_URL).toBeUndefined();
    expect(env.BACKEND_OPENAI_API_KEY).toBeUndefined();
    expect(env.BACKEND_MIGRATE_ON_START).toBe(true);
    expect(env.NODE_ENV).toBe('development');
  });

  it('coerces numbers and booleans', () => {
    const env = loadEnv({ BACKEND_PORT: '3000', BACKEND_DB_POOL_MAX: '25', BACKEND_MIGRATE_ON_START: 'false' });
    expect(env.BACKEND_PORT).toBe(3000);
    expect(env.BACKEND_DB_POOL_MAX).toBe(25);
    expect(env.BACKEND_MIGRATE_ON_START).toBe(false);
  });

  it('treats empty strings as unset', () => {
    const env = loadEnv({ BACKEND_DATABASE_URL: '', BACKEND_PORT: ' ' });
    expect(env.BACKEND_DATABASE_URL).toBeUndefined();
    expect(env.BACKEND_PORT).toBe(8080);
  });

  it('names a malformed port and shows the bad value', () => {
    const err = expectEnvError({ BACKEND_PORT: 'eighty' }, 'BACKEND_PORT');
    expect(err.message).toContain('"eighty"');
  });

  it('rejects out-of-range and non-integer numbers', () => {
    expectEnvError({ BACKEND_METRICS_PORT: '70000' }, 'BACKEND_METRICS_PORT');
    expectEnvError({ BACKEND_DB_POOL_MAX: '2.5' }, 'BACKEND_DB_POOL_MAX');
  });

  it('rejects a database URL that is not postgres, without echoing it', () => {
    const err = expectEnvError({ BACKEND_DATABASE_URL: 'mysql://u:hunter2@h/db' }, 'BACKEND_DATABASE_URL');
    expect(err.message).not.toContain('hunter2');
  });

  it('requires a JWT secret in production and a long one everywhere', () => {
    expectEnvError({ NODE_ENV: 'production' }, 'BACKEND_JWT_SECRET');
    const err = expectEnvError({ BACKEND_JWT_SECRET: 'short-secret' }, 'BACKEND_JWT_SECRET');
    expect(err.message).not.toContain('short-secret');
    expect(loadEnv({ NODE_ENV: 'production', BACKEND_JWT_SECRET: 'x'.repeat(32) }).BACKEND_JWT_SECRET).toHaveLength(32);
  });

  it('rejects pool min above max', () => {
    expectEnvError({ BACKEND_DB_POOL_MIN: '20', BACKEND_DB_POOL_MAX: '5' }, 'BACKEND_DB_POOL_MIN');
  });

  it('needs two pool connections for PostgreSQL (migration lock + migrations)', () => {
    expectEnvError({ BACKEND_DATABASE_URL: 'postgres://u:p@db:5432/todo', BACKEND_DB_POOL_MAX: '1' }, 'BACKEND_DB_POOL_MAX');
    expect(loadEnv({ BACKEND_DB_POOL_MAX: '1' }).BACKEND_DB_POOL_MAX).toBe(1);
  });

  it('samples every trace in development and 10 % in production unless set', () => {
    expect(loadEnv({}).BACKEND_OTEL_SAMPLE_RATIO).toBe(1);
    expect(loadEnv({ NODE_ENV: 'production', BACKEND_JWT_SECRET: 'x'.repeat(32) }).BACKEND_OTEL_SAMPLE_RATIO).toBe(0.1);
    expect(loadEnv({ BACKEND_OTEL_SAMPLE_RATIO: '0.25' }).BACKEND_OTEL_SAMPLE_RATIO).toBe(0.25);
    expectEnvError({ BACKEND_OTEL_SAMPLE_RATIO: '1.5' }, 'BACKEND_OTEL_SAMPLE_RATIO');
    expectEnvError({ BACKEND_OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, 'BACKEND_OTEL_EXPORTER_OTLP_ENDPOINT');
  });

  it('lists every bad variable at once', () => {
    const err = expectEnvError({ BACKEND_LOG_LEVEL: 'loud', BACKEND_PORT: '-1' }, 'BACKEND_LOG_LEVEL');
    expect(err.problems).toHaveLength(2);
    expect(err.problems.join('\n')).toContain('BACKEND_PORT');
  });

  it('rejects a non-http OpenAI base URL and a bad boolean', () => {
    expectEnvError({ BACKEND_OPENAI_BASE_URL: 'ftp://example.test' }, 'BACKEND_OPENAI_BASE_URL');
    expectEnvError({ BACKEND_MIGRATE_ON_START: 'maybe' }, 'BACKEND_MIGRATE_ON_START');
  });
});

describe('env.example', () => {
  it('documents exactly the variables the schema reads', () => {
    const example = readFileSync(new URL('../env.example', import.meta.url), 'utf8');
    const documented = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...ENV_VARIABLES].sort());
    expect(ENV_VARIABLES.length).toBeGreaterThan(20);
  });

  it('holds values that validate', () => {
    const example = readFileSync(new URL('../env.example', import.meta.url), 'utf8');
    const source = Object.fromEntries([...example.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    expect(() => loadEnv(source)).not.toThrow();
  });
});
