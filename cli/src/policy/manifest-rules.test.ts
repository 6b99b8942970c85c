import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildObject as build,
  loadRuleFixtures,
  type FixtureCase as Case,
} from '../../../test/fixtures/policy/manifests/load.js';
import { BUNDLED_CATALOG, loadCatalog, type Catalog } from './catalog.js';
import { CelRuleEvaluator } from './cel.js';

const fixtures = loadRuleFixtures();

let catalog: Catalog;
let evaluator: CelRuleEvaluator;
beforeAll(async () => {
  catalog = await loadCatalog(BUNDLED_CATALOG);
  evaluator = new CelRuleEvaluator(catalog);
});

describe('manifest rule fixtures', () => {
  it('every manifest rule has a fixture file with passing and failing cases', async () => {
    const rules = (await loadCatalog(BUNDLED_CATALOG)).rules.filter((r) => r.scope === 'manifest').map((r) => r.id);
    const covered = fixtures.filter((f) => f.pass.length > 0 && f.fail.length > 0).map((f) => f.rule);
    expect(rules.filter((id) => !covered.includes(id))).toEqual([]);
  });

  for (const fixture of fixtures) {
    describe(fixture.rule, () => {
      const verdict = (c: Case) => {
        const rule = catalog.rules.find((r) => r.id === fixture.rule);
        if (!rule) throw new Error(`${fixture.rule} is not in the catalog`);
        const object = build(c.object);
        expect(CelRuleEvaluator.applies(rule, object), `${rule.id} applies to ${String(object.kind)}`).toBe(true);
        const objects = [object, ...(c.context ?? []).map(build)];
        return evaluator.evaluate(rule, object, objects, c.env ?? 'dev');
      };
      for (const c of fixture.pass) {
        it(`passes: ${c.name}`, () => {
          expect(verdict(c)).toEqual({ ok: true });
        });
      }
      for (const c of fixture.fail) {
        it(`fails: ${c.name}`, () => {
          const v = verdict(c);
          expect(v.ok).toBe(false);
          // A failure must be a verdict of the expression, not an evaluation error.
          expect(v.error).toBeUndefined();
        });
      }
    });
  }
});
