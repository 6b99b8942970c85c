/**
 * Redaction of what goes into the audit log: every string, wherever it sits in a record. Secrets
 * in text are the secret scanner's (policy/secrets.ts, redactSecrets); what only the structure
 * shows is here: the value of a secret-named key or --flag, and a Kubernetes Secret's data, as
 * an object or as the YAML/JSON text kubectl prints.
 */
import { REDACTED, redactSecrets } from '../policy/secrets.js';

/** A copy of `value` with its secrets redacted; `name`: the key or flag it is the value of. */
export function redactDeep(value: unknown, name?: string): unknown {
  if (typeof value === 'string') return redactText(value, name);
  if (Array.isArray(value)) {
    // argv: `--token X` gives X the flag's name
    return value.map((item, i) => {
      const flag = typeof value[i - 1] === 'string' ? /^--?([A-Za-z][\w-]*)$/.exec(value[i - 1] as string)?.[1] : undefined;
      return redactDeep(item, flag);
    });
  }
  if (value !== null && typeof value === 'object') {
    const secret = (value as { kind?: unknown }).kind === 'Secret';
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        secret && (key === 'data' || key === 'stringData') ? redactAll(item) : redactDeep(item, key),
      ]),
    );
  }
  return value;
}

/** A string with its secrets redacted: the scanner's, then a Secret manifest's data. */
export function redactText(text: string, name?: string): string {
  return redactSecretManifest(redactSecrets(text, name));
}

function redactAll(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'string' && value !== '' ? REDACTED : value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactAll(item)]));
}

const SECRET_KIND = /["']?kind["']?\s*:\s*["']?Secret\b/;

/** In the text of a Secret (`kubectl get secret -o yaml|json`), every value under data and stringData. */
function redactSecretManifest(text: string): string {
  if (!SECRET_KIND.test(text)) return text;
  // JSON: "data": { "key": "value", ... }
  const json = text.replace(/("(?:data|stringData)"\s*:\s*\{)([^{}]*)(\})/g, (_, open: string, body: string, close: string) => {
    return `${open}${body.replace(/("(?:[^"\\]|\\.)*"\s*:\s*)"(?:[^"\\]|\\.)*"/g, `$1"${REDACTED}"`)}${close}`;
  });
  // YAML: the block under `data:`, indented deeper than it
  const lines = json.split('\n');
  let blockIndent: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const indent = line.length - line.trimStart().length;
    if (blockIndent !== undefined && line.trim() !== '' && indent > blockIndent) {
      lines[i] = line.replace(/^(\s*[^\s:]+:\s+)(?!\s*$).*$/, `$1${REDACTED}`);
      continue;
    }
    blockIndent = /^\s*(?:data|stringData):\s*$/.test(line) ? indent : undefined;
  }
  return lines.join('\n');
}
