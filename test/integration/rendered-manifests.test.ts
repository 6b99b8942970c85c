/**
 * charts/rendered/<env>/<chart>.yaml are the committed, audited output of the charts.
 * This fails when a chart or values change was committed without re-rendering them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { helmBinary } from '../support/cluster.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('committed rendered manifests', () => {
  it('exist for every chart and environment', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      for (const chart of ['todo-backend', 'todo-frontend', 'todo-infrastructure']) {
        expect(existsSync(`${ROOT}charts/rendered/${env}/${chart}.yaml`), `${env}/${chart}`).toBe(true);
      }
    }
  });

  it('match what the charts render now (run node scripts/render-charts.mjs when this fails)', () => {
    const result = spawnSync(process.execPath, ['scripts/render-charts.mjs', '--check'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, TODOCTL_HELM: helmBinary() },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });
});
