import { Environment } from '@marcbachmann/cel-js';
import type { Catalog, Rule } from './catalog.js';
import type { Env } from './types.js';

/**
 * Evaluates manifest rules with the same CEL a ValidatingAdmissionPolicy runs: `object`,
 * `variables.<name>` (the catalog's shared variables), plus `objects` and `env` for rules
 * that are not exported to admission. Integers must be bigint (parse YAML with intAsBigInt).
 */
export type K8sObject = Record<string, unknown>;

export interface CelVerdict {
  ok: boolean;
  /** Set when the expression could not be evaluated (treated as a failure). */
  error?: string;
}

type Compiled = (ctx: Record<string, unknown>) => unknown;

export class CelRuleEvaluator {
  private readonly env: Environment;
  private readonly variables: { name: string; fn: Compiled }[];
  private readonly rules = new Map<string, Compiled>();

  constructor(catalog: Pick<Catalog, 'variables' | 'rules'>) {
    this.env = new Environment({ homogeneousAggregateLiterals: false })
      .registerVariable('object', 'map')
      .registerVariable('variables', 'map')
      .registerVariable('objects', 'list')
      .registerVariable('env', 'string');
    this.variables = catalog.variables.map((v) => ({ name: v.name, fn: this.compile(v.expression, `variable ${v.name}`) }));
    for (const rule of catalog.rules) {
      if (rule.scope === 'manifest' && rule.cel) this.rules.set(rule.id, this.compile(rule.cel, rule.id));
    }
  }

  private compile(expression: string, what: string): Compiled {
    try {
      return this.env.parse(expression) as unknown as Compiled;
    } catch (error) {
      throw new Error(`CEL of ${what} does not parse: ${firstLine(error)}`);
    }
  }

  /** Whether `rule` applies to `object` (kind match). */
  static applies(rule: Rule, object: K8sObject): boolean {
    return rule.scope === 'manifest' && typeof object.kind === 'string' && (rule.kinds ?? []).includes(object.kind);
  }

  evaluate(rule: Rule, object: K8sObject, objects: K8sObject[], env: Env | null): CelVerdict {
    const fn = this.rules.get(rule.id);
    if (!fn) return { ok: false, error: `rule ${rule.id} has no CEL expression` };
    const variables: Record<string, unknown> = {};
    if (rule.cel?.includes('variables.')) {
      for (const v of this.variables) {
        try {
          variables[v.name] = v.fn({ object, variables, objects, env: env ?? '' });
        } catch {
          // A variable that does not apply to this kind stays unset; rules that use it then fail with an error.
        }
      }
    }
    try {
      const value = fn({ object, variables, objects, env: env ?? '' });
      if (typeof value !== 'boolean') return { ok: false, error: `expression returned ${typeof value}, not bool` };
      return { ok: value };
    } catch (error) {
      return { ok: false, error: firstLine(error) };
    }
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
