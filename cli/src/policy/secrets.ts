/**
 * In-process secret detection tuned for few false positives: specific shapes (OpenAI keys,
 * credential URLs, private key blocks, cloud tokens) plus entropy and placeholder checks
 * instead of a generic "secret=anything" rule.
 */

export interface SecretHit {
  rule: 'TODO-SEC-001' | 'TODO-SEC-002' | 'TODO-SEC-003' | 'TODO-SEC-004' | 'TODO-SEC-005';
  line: number;
  /** What was found, with the secret itself redacted. */
  description: string;
}

/** Shannon entropy in bits per character. */
export function entropy(value: string): number {
  if (!value) return 0;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

const PLACEHOLDER =
  /^(\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\{\{.*\}\}|<[^>]*>|%[sd]|\*+|x{3,}|\.{3,}|_+|-+)$|change[-_]?me|placeholder|example|your[-_]|replace[-_]?me|dummy|fake|redacted|not[-_]a[-_]secret|xxxx/i;
/** Passwords that only say "a password goes here". Real-but-weak ones (postgres, todo) are still reported. */
const TEST_PATH = /(\.test\.|\.spec\.|(^|\/)(test|tests|__tests__|e2e|bench|benchmarks)\/)/;

const PLACEHOLDER_PASSWORDS = new Set(['password', 'pass', 'passwd', 'secret', 'changeme', 'pw', 'hunter2']);

export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER.test(value) || value.includes('${') || value.includes('{{');
}

function redact(secret: string): string {
  return secret.length <= 8 ? '***' : `${secret.slice(0, 4)}…${secret.slice(-2)} (${secret.length} chars)`;
}

const OPENAI = /\bsk-(?:(?:proj|svcacct|admin|None)-)?[A-Za-z0-9_-]{20,}\b/g;
const DB_URL =
  /\b(postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver):\/\/([^:\s/@'"`]+):([^@\s'"`]+)@([^\s/'"`?#]+)/g;
// A JWT signing secret assigned a literal: quoted (code, JSON, YAML) or bare to the end of the line (.env, YAML).
const JWT_NAME = String.raw`\b([A-Za-z0-9_]*(?:JWT|SIGNING|TOKEN)[A-Za-z0-9_]*(?:SECRET|KEY))\b["']?\s*[:=]\s*`;
const JWT_ASSIGN = new RegExp(
  String.raw`${JWT_NAME}(?:["'\`]([^"'\`\s]{12,})["'\`]|([^\s"'\`#,;(){}]{12,})[ \t]*(?:#.*)?$)`,
  'gim',
);
const JWT_TOKEN = /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}/g;
const PRIVATE_KEY =
  /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----(?:\\n|\s)+([A-Za-z0-9+/=]{32,})/g;
const CLOUD: { name: string; re: RegExp; minEntropy: number }[] = [
  { name: 'AWS access key id', re: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g, minEntropy: 3 },
  { name: 'AWS secret access key', re: /aws_?secret_?access_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})\b/gi, minEntropy: 4 },
  { name: 'Google API key', re: /\bAIza[0-9A-Za-z_-]{35}\b/g, minEntropy: 3.5 },
  { name: 'GitHub token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b/g, minEntropy: 3.5 },
  { name: 'Azure storage account key', re: /AccountKey=([A-Za-z0-9+/]{86}==)/g, minEntropy: 4 },
  { name: 'Slack token', re: /\bxox[baprs]-[0-9A-Za-z-]{20,}\b/g, minEntropy: 3.5 },
];

/** Scans one file's text; a line containing todoctl:allow is skipped (an audited false positive). */
export function scanText(text: string, path = ''): SecretHit[] {
  const hits: SecretHit[] = [];
  const testFile = TEST_PATH.test(path);
  const lineAt = (index: number) => text.slice(0, index).split('\n').length;
  const lineText = (index: number) => {
    const start = text.lastIndexOf('\n', index) + 1;
    const end = text.indexOf('\n', index);
    return text.slice(start, end === -1 ? undefined : end);
  };
  const allowed = (index: number) => /todoctl:allow|gitleaks:allow/.test(lineText(index));

  for (const m of text.matchAll(OPENAI)) {
    const key = m[0];
    const body = key.replace(/^sk-(?:(?:proj|svcacct|admin|None)-)?/, '');
    const marker = key.includes('T3BlbkFJ');
    if (allowed(m.index) || isPlaceholder(key)) continue;
    if (!marker && (body.length < 32 || entropy(body) < 4)) continue;
    hits.push({ rule: 'TODO-SEC-001', line: lineAt(m.index), description: `OpenAI API key ${redact(key)}` });
  }
  for (const m of text.matchAll(DB_URL)) {
    const [, scheme, user, password] = m as unknown as [string, string, string, string];
    if (allowed(m.index) || isPlaceholder(password) || PLACEHOLDER_PASSWORDS.has(password.toLowerCase()) || password.length < 4)
      continue;
    // Test fixtures use throwaway credentials: there, only a password that looks generated counts.
    if (testFile && (password.length < 12 || entropy(password) < 3.5)) continue;
    hits.push({
      rule: 'TODO-SEC-002',
      line: lineAt(m.index),
      description: `${scheme} URL with an inline password for user "${user}"`,
    });
  }
  for (const m of text.matchAll(JWT_ASSIGN)) {
    const name = m[1]!;
    const value = (m[2] ?? m[3])!;
    if (testFile && (value.length < 16 || entropy(value) < 3.5)) continue;
    if (
      allowed(m.index) ||
      isPlaceholder(value) ||
      /^(process\.env|import\.meta|env\.|z\.|optional\(|required|true|false|null|undefined)/.test(value)
    )
      continue;
    if (/test|dummy|fake|example|local[-_]?dev/i.test(value)) continue;
    if (value.length < 16 || entropy(value) < 3.3) continue;
    hits.push({
      rule: 'TODO-SEC-003',
      line: lineAt(m.index),
      description: `${name} is assigned a literal secret ${redact(value)}`,
    });
  }
  for (const m of text.matchAll(JWT_TOKEN)) {
    if (allowed(m.index)) continue;
    hits.push({ rule: 'TODO-SEC-003', line: lineAt(m.index), description: `signed JWT ${redact(m[0])}` });
  }
  for (const m of text.matchAll(PRIVATE_KEY)) {
    if (allowed(m.index)) continue;
    hits.push({ rule: 'TODO-SEC-004', line: lineAt(m.index), description: `${m[1]} block` });
  }
  for (const { name, re, minEntropy } of CLOUD) {
    for (const m of text.matchAll(re)) {
      const secret = m[1] ?? m[0];
      if (allowed(m.index) || /EXAMPLE/.test(secret) || isPlaceholder(secret) || entropy(secret) < minEntropy) continue;
      hits.push({ rule: 'TODO-SEC-005', line: lineAt(m.index), description: `${name} ${redact(secret)}` });
    }
  }
  return hits;
}
