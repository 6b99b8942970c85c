import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { healthTargets, inputsFingerprint } from './up.js';

const CHARTS = fileURLToPath(new URL('../../../../charts/', import.meta.url));

describe('inputsFingerprint', () => {
  const copy = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'todoctl-fingerprint-'));
    for (const chart of ['todo-backend', 'todo-common'])
      cpSync(path.join(CHARTS, chart), path.join(dir, chart), { recursive: true });
    return path.join(dir, 'todo-backend');
  };

  it('changes with the chart, the library it takes, the values file and the values set, and nothing else', async () => {
    const chart = copy();
    const values = path.join(chart, 'values-dev.yaml');
    const base = await inputsFingerprint(chart, values, { 'image.tag': 'dev-1a2b3c4' });
    expect(base).toMatch(/^[0-9a-f]{40}$/);
    expect(await inputsFingerprint(chart, values, { 'image.tag': 'dev-1a2b3c4' })).toBe(base);
    // helm dependency build's output is not an input
    mkdirSync(path.join(chart, 'charts'), { recursive: true });
    writeFileSync(path.join(chart, 'charts', 'todo-common-0.1.0.tgz'), 'repacked');
    expect(await inputsFingerprint(chart, values, { 'image.tag': 'dev-1a2b3c4' })).toBe(base);
    expect(await inputsFingerprint(chart, values, { 'image.tag': 'dev-2b3c4d5' })).not.toBe(base);
    expect(await inputsFingerprint(chart, path.join(chart, 'values-prod.yaml'), { 'image.tag': 'dev-1a2b3c4' })).not.toBe(base);
    writeFileSync(path.join(chart, '..', 'todo-common', 'templates', '_extra.tpl'), '{{/* new */}}');
    const libraryChanged = await inputsFingerprint(chart, values, { 'image.tag': 'dev-1a2b3c4' });
    expect(libraryChanged).not.toBe(base);
    writeFileSync(values, 'replicaCount: 3\n', { flag: 'a' });
    expect(await inputsFingerprint(chart, values, { 'image.tag': 'dev-1a2b3c4' })).not.toBe(libraryChanged);
  });
});

describe('healthTargets', () => {
  it("asks the chart's liveness and readiness paths, and its metrics path", () => {
    expect(
      healthTargets({
        probes: { liveness: { path: '/api/healthz' }, readiness: { path: '/api/readyz' } },
        metrics: { path: '/m' },
      }),
    ).toEqual({
      healthPaths: ['/api/healthz', '/api/readyz'],
      metricsPath: '/m',
    });
    expect(healthTargets({})).toEqual({ healthPaths: ['/healthz'], metricsPath: '/metrics' });
  });
});
