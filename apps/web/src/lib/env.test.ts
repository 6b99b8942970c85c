import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES, EnvError, loadEnv } from './env';

describe('loadEnv', () => {
  it('has working defaults', () => {
    expect(loadEnv({})).toMatchObject({
      FRONTEND_API_URL: 'http://127.0.0.1:8080',
      FRONTEND_PORT: 3000,
      FRONTEND_METRICS_PORT: 9090,
    });
  });

  it('names each malformed variable', () => {
    try {
      loadEnv({ FRONTEND_API_URL: 'not a url', FRONTEND_METRICS_PORT: '99999' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      expect((err as EnvError).problems.join('\n')).toMatch(/FRONTEND_API_URL/);
      expect((err as EnvError).problems.join('\n')).toMatch(/FRONTEND_METRICS_PORT.*99999/);
    }
  });

  it('treats empty values as unset', () => {
    expect(loadEnv({ FRONTEND_API_URL: '', FRONTEND_COOKIE_SECURE: '' }).FRONTEND_API_URL).toBe('http://127.0.0.1:8080');
  });

  it('env.example documents exactly the variables read', () => {
    const example = readFileSync(new URL('../../env.example', import.meta.url), 'utf8');
    const documented = [...example.matchAll(/^([A-Z_]+)=/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual([...ENV_VARIABLES].sort());
  });
});
