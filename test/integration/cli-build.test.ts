/**
 * The built todoctl (the bundle bin/todoctl runs) on what only the bundle can get wrong: modules
 * it loads on demand (the YAML printer, the todoctl.yaml parser) and files it finds from its own
 * location (the rule catalog). The unit tier runs the sources, so these run the build.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { todoctlBin } from '../support/todoctl.js';

function project(todoctlYaml: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'todoctl-build-'));
  writeFileSync(path.join(dir, 'todoctl.yaml'), todoctlYaml);
  return dir;
}

describe('the built todoctl', () => {
  it('prints YAML, and finds the rule catalog it ships', async () => {
    const result = await todoctlBin(['validate', '--list-rules', '-o', 'yaml'], { cwd: tmpdir() });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const rules = parse(result.stdout) as { id: string }[];
    expect(rules.length).toBeGreaterThanOrEqual(50);
    expect(rules[0]!.id).toMatch(/^TODO-/);
  });

  it('reads todoctl.yaml: --env is checked against its environments', async () => {
    const dir = project(
      'apiVersion: todoctl/v1alpha1\nkind: Project\nname: team-a\nenvironments:\n  dev: { namespace: team-a }\n',
    );
    const result = await todoctlBin(['--env', 'staging', 'doctor'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown environment "staging"');
    expect(result.stderr).toContain('Use --env dev (the environments of todoctl.yaml)');
  });

  it('names the file, line and field of a broken todoctl.yaml', async () => {
    const dir = project(
      'apiVersion: todoctl/v1alpha1\nkind: Project\nname: team-a\nenvironments:\n  dev: { namespace: Team_A }\n',
    );
    const result = await todoctlBin(['--env', 'dev', 'doctor'], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${path.join(dir, 'todoctl.yaml')}:5: field "environments.dev.namespace"`);
  });
});
