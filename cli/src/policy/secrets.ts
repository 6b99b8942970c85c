/**
 * In-process secret detection tuned for few false positives and few misses:
 *
 * - specific shapes (LLM and provider keys with distinctive prefixes, credential URLs, private
 *   key blocks, signed JWTs) checked for entropy;
 * - literals assigned to secret-named settings (`*_PASSWORD`, `*_SECRET`, `*_TOKEN`, `*_KEY`),
 *   judged by what kind of name it is: a weak password is still a password, but a `*_KEY` is only
 *   reported when its value looks generated (`todo_refresh_token` is a storage key name);
 * - one placeholder vocabulary shared by every rule, so documentation values never alarm.
 *
 * A value is reported by one rule only: the most specific shape wins (a GitHub token assigned to
 * GH_TOKEN is TODO-SEC-005, not TODO-SEC-006).
 */

export type SecretRule = 'TODO-SEC-001' | 'TODO-SEC-002' | 'TODO-SEC-003' | 'TODO-SEC-004' | 'TODO-SEC-005' | 'TODO-SEC-006';

/** Every rule scanText reports, in catalog order. */
export const SECRET_RULES: readonly SecretRule[] = [
  'TODO-SEC-001',
  'TODO-SEC-002',
  'TODO-SEC-003',
  'TODO-SEC-004',
  'TODO-SEC-005',
  'TODO-SEC-006',
];

export interface SecretHit {
  rule: SecretRule;
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

// ---------------------------------------------------------------- placeholders

/** Values that, whole, only stand for a value: a variable, a format verb, a run of filler characters. */
const PLACEHOLDER_WHOLE = /^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|%[sd]|%\([A-Za-z_]+\)[sd]|\*+|x+|\.+|…+|•+|_+|-+|\?+|#+)$/i;
/**
 * The placeholder vocabulary, shared by every rule: interpolation, <angle> and [bracket]
 * stand-ins, and the words people write instead of a secret. The word `todo` is deliberately not
 * here: in a todo app, `todopass` is a real password.
 */
const PLACEHOLDER_PARTS: readonly RegExp[] = [
  /\$\{|\$\(|\{\{|<%|#\{/, // ${VAR}, $(cmd), {{ .Values.x }}, <%= erb %>, #{ruby}
  /<[^<>]*>/, // <your-key>
  /\[[^[\]]*\]/, // [password]
  /change[-_ ]?me|change[-_ ]this/i,
  /generated?[-_ ](?:with|by|using|via)[-_ ]|openssl[-_ ]rand/i, // generate-with-openssl-rand-hex-32
  /(?:^|[^a-z])your/i, // your-key, your_api_key, yourpassword
  /example|sample|placeholder|replace[-_ ]?(?:me|this|with)|dummy|fake|redacted/i,
  /not[-_ ]?a[-_ ]?(?:real[-_ ]?)?secret/i,
  /x{4,}|\*{3,}|\.{3,}|…|•{3}/i, // xxxx, ***, ..., …
  /todo:\s*set|(?:^|[^a-z])set[-_ ]me(?:$|[^a-z])/i, // "todo: set me" (not the word todo itself)
  /(?:^|[^a-z])(?:at[-_ ]?least[-_ ]?\d|min(?:imum)?[-_ ]?\d+)|\d+[-_ ]?(?:random[-_ ]?)?(?:chars?|characters?)(?![a-z])/i, // min-32-chars
  /(?:^|[-_ .])(?:goes[-_ ])?here$/i, // secret-here, your_key_here
];

/** Whether a value is a placeholder, a template or a reference: never a secret, in any rule. */
export function isPlaceholder(value: string): boolean {
  return PLACEHOLDER_WHOLE.test(value) || PLACEHOLDER_PARTS.some((re) => re.test(value));
}

/** Passwords that only say "a password goes here". Real-but-weak ones (postgres, todopass) are still reported. */
const PLACEHOLDER_PASSWORDS = new Set(['password', 'passwd', 'pass', 'pwd', 'pw']);

/** Mostly consecutive characters: 1234567890abcdef, aaaaaaaa. */
function isSequence(s: string): boolean {
  let steps = 0;
  for (let i = 1; i < s.length; i++) {
    const d = s.charCodeAt(i) - s.charCodeAt(i - 1);
    if (d === 0 || d === 1) steps++;
  }
  return steps >= (s.length - 1) / 2;
}

/**
 * Whether one separator-free piece of a value is random: short alternating runs of letters and
 * digits (k3jH8sLq0PzX), not words with a number (SecurePassword123, b3tterAuthS3cret). Letters
 * of one case only are random when they have almost no vowels (app passwords), unlike words.
 */
function randomSegment(s: string): boolean {
  if (s.length < 8 || isSequence(s)) return false;
  const runs = s.match(/[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+|[^A-Za-z\d]+/g) ?? [s];
  const wordy = runs.filter((r) => /^[A-Za-z]{4,}$/.test(r)).reduce((n, r) => n + r.length, 0) / s.length;
  if (runs.length >= 4 && s.length / runs.length <= 2.5 && wordy < 0.4) return true;
  if (/^(?:[a-z]+|[A-Z]+)$/.test(s))
    return s.length >= 16 && entropy(s) >= 3.4 && (s.match(/[aeiou]/gi)?.length ?? 0) <= s.length / 5;
  return false;
}

/**
 * Whether a value looks machine-generated: long, varied, and not a phrase, an identifier or a
 * sequence (`test-secret-that-is-at-least-32-chars`, `todo_refresh_token`, `user-preferences`,
 * `sk-1234567890abcdef` are not; hex digests, UUIDs, base64 and random strings are).
 */
export function looksGenerated(value: string): boolean {
  if (value.length < 16 || entropy(value) < 3.2 || isSequence(value)) return false;
  const hex = value.replace(/-/g, '');
  if (/^[0-9a-f]{16,}$/i.test(hex) && /\d/.test(hex) && /[a-f]/i.test(hex) && !isSequence(hex)) return true;
  return value
    .replace(/=+$/, '')
    .split(/[-_.:\s]+/)
    .some(randomSegment);
}

/** The text a base64 value encodes, when it is printable (a Kubernetes Secret's data, say); else null. */
function decodeBase64(value: string): string | null {
  if (value.length < 12 || value.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) return null;
  if (value.length < 16 && !value.endsWith('=')) return null;
  try {
    const text = atob(value);
    return /^[\x20-\x7e]+$/.test(text) ? text : null;
  } catch {
    return null;
  }
}

function redact(secret: string): string {
  return secret.length <= 8 ? '***' : `${secret.slice(0, 4)}…${secret.slice(-2)} (${secret.length} chars)`;
}

// ---------------------------------------------------------------- file kinds

/** Tests, benchmarks and fixtures use throwaway values: there only generated-looking values count. */
const TEST_PATH =
  /(\.test\.|\.spec\.|(^|\/)(test|tests|__tests__|e2e|bench|benchmarks|spec|fixtures|testdata)\/|(^|\/)(test[-_][^/]*|[^/]*_test\.[a-z]+|conftest\.py)$)/;
/**
 * Documentation, specifications, translations, CI pipelines (whose service containers get
 * throwaway passwords) and an image's system trees (etc/ssl/openssl.cnf documents `secret`) show
 * example values: there, too, only generated-looking values count (a pasted real key looks generated).
 */
const LENIENT_PATH =
  /^(etc|usr|var)\/|\.(md|mdx|markdown|rst|adoc|txt)$|(^|\/)(docs?|specs|locales?|i18n|translations|\.github\/workflows|\.circleci)\/|(^|\/)(\.gitlab-ci\.ya?ml|bitbucket-pipelines\.ya?ml|azure-pipelines\.ya?ml|Jenkinsfile)$/i;
/** Source code: only quoted string literals are values (`password: string`, `password=password` are not). */
const CODE_PATH =
  /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts|py|pyi|go|java|kt|kts|scala|groovy|gradle|rb|php|cs|rs|swift|dart|vue|svelte|astro|c|cc|cpp|h|hpp|lua|ex|exs|tf|tfvars|hcl)$/i;

type FileKind = 'code' | 'config';

/** `x.ts.txt` is a TypeScript file kept out of the compiler (the fixtures' convention). */
function effectivePath(path: string): string {
  return /\.[A-Za-z0-9]+\.txt$/.test(path) ? path.slice(0, -4) : path;
}

// ---------------------------------------------------------------- names

type NameClass = 'password' | 'secret' | 'token' | 'key';

/** Key names that are lookups, not credentials (their values are never secrets). */
const LOOKUP_KEY =
  /(?:primary|foreign|sort|partition|hash|range|cache|storage|query|idempotency|dedupe?|message|hot|shortcut|lookup|map|row|column|object|field|label|i18n|translation|route|page|state|s3|bucket|group|metric|react)key$/;

/** Splits a setting name into lowercase words: BETTER_AUTH_SECRET, secretKey, db-password, spring.datasource.password. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** What kind of secret a name holds, or null when it is not one or is a reference/metadata (existingSecret, *_PUBLIC_KEY). */
export function classifyName(name: string): NameClass | null {
  const last = name.split('.').pop() ?? name;
  const w = words(last);
  const flat = w.join('');
  if (w.length === 0 || flat === 'key' || flat === 'pwd' || w[0] === 'existing') return null;
  let cls: NameClass | null = null;
  if (/(?:password|passwd)$/.test(flat) || w.at(-1) === 'pass' || w.at(-1) === 'pwd') cls = 'password';
  else if (/(?:secret|(?:secret|private|signing|jwt|hmac)key|secretkeybase)$/.test(flat)) cls = 'secret';
  else if (flat.endsWith('token')) cls = 'token';
  else if (flat.endsWith('key') && !LOOKUP_KEY.test(flat)) cls = 'key';
  if ((cls === 'key' || cls === 'token') && w.some((x) => x === 'public' || x === 'publishable')) return null;
  return cls;
}

/** JWT/signing secrets keep their own rule (TODO-SEC-003); every other secret-named literal is TODO-SEC-006. */
function ruleForName(name: string, cls: NameClass): SecretRule {
  const flat = words(name).join('');
  return (cls === 'secret' || cls === 'key') && /jwt|signing|token/.test(flat) ? 'TODO-SEC-003' : 'TODO-SEC-006';
}

/** Not a literal: booleans, numbers, null, references ($VAR, sops ENC[...]) and paths. */
const NOT_LITERAL =
  /^(?:true|false|yes|no|on|off|null|none|nil|undefined|~|[+-]?\d+(?:\.\d+)?)$|^\$|^ENC\[|^(?:process\.env|import\.meta|os\.environ|os\.getenv|env\.|z\.)|^(?:\/|\.\.?\/|~\/)/i;
/** HTML autocomplete tokens and the like, which name a password field rather than hold one. */
const FIELD_WORDS = new Set(['current-password', 'new-password', 'one-time-code', 'off', 'password-input']);

/** `ACCESS_TOKEN = "access_token"`, `REFRESH_TOKEN_KEY = "todo_refresh_token"`: a storage or cookie name. */
function isIdentifier(value: string): boolean {
  const ident = /^[a-z][a-z0-9]*(?:[._:-][a-z0-9]+)*$/.test(value) || /^[a-z]+(?:[A-Z][a-z0-9]*)+$/.test(value);
  return ident && /token|key|secret|auth|session|jwt|access|refresh|cookie|storage|bearer|csrf/i.test(value);
}

/** `DB_PASSWORD=db_password`, `BACKEND_JWT_SECRET: jwt-secret` (a Secret's key name): the value restates the name. */
function restatesName(name: string, value: string): boolean {
  const flatName = words(name).join('');
  const flatValue = value.toLowerCase().replace(/[^a-z0-9]/g, '');
  return flatValue.length > 0 && flatName.endsWith(flatValue) && /(?:password|passwd|pass|pwd|secret|token|key)$/.test(flatValue);
}

/** Whether `value`, assigned to a name of class `cls`, is a leaked secret. */
function isLeak(cls: NameClass, name: string, value: string, kind: FileKind, lenient: boolean): boolean {
  const decoded = decodeBase64(value);
  if (decoded !== null) return isLeak(cls, name, decoded, kind, lenient);
  if (!value || isPlaceholder(value) || NOT_LITERAL.test(value) || /\s/.test(value) || value.includes('://')) return false;
  if (restatesName(name, value)) return false;
  // A JWT that the signed-token check (TODO-SEC-003) left alone has a stand-in signature (.abc123, .test).
  if (/^eyJ[\w-]*\.eyJ[\w-]*\./.test(value)) return false;
  if (lenient) return looksGenerated(value);
  switch (cls) {
    case 'password':
      if (PLACEHOLDER_PASSWORDS.has(value.toLowerCase()) || FIELD_WORDS.has(value.toLowerCase())) return false;
      // In code, a capitalised word or a dotted key is a label or a translation key ('Required', 'auth.password').
      if (kind === 'code' && (/^[A-Z][a-z]+$/.test(value) || /^[a-z]+(?:\.[A-Za-z]+)+$/.test(value))) return false;
      return value.length >= 4;
    case 'secret':
      return value.length >= 8;
    case 'token':
      return value.length >= 8 && !isIdentifier(value);
    case 'key':
      return looksGenerated(value) && !/^pk_(?:live|test)_/.test(value);
  }
}

/**
 * `name <op> value` on one line: JSON/YAML keys, .env and shell assignments, Python/TS assignments
 * (in code with an optional type annotation), object literals, keyword arguments and Go's `:=`.
 */
const NAME_OP: Record<FileKind, RegExp> = {
  code: /(?<![\w$.])(["']?)([A-Za-z_][\w.-]*?)\1\??[ \t]*(?::[ \t]*[A-Za-z_][\w.[\]|, ]*?[ \t]*(?==(?![=>])))?(:=|=>|=(?![=>~])|:(?![:=]))[ \t]*/g,
  config: /(?<![\w$.])(["']?)([A-Za-z_][\w.-]*?)\1[ \t]*(=>|=(?![=>~])|:(?![:=]))[ \t]*/g,
};
/** A Kubernetes-style env entry: `- name: X_PASSWORD` then `value: ...` (or `{ name: 'X', value: 'y' }`). */
const NAME_VALUE =
  /\bname["']?[ \t]*:[ \t]*["']?([A-Za-z_][A-Za-z0-9_]*)["']?[ \t]*(?:,[ \t]*|\r?\n[ \t]*-?[ \t]*)["']?value["']?[ \t]*:[ \t]*/g;
const QUOTED = /^([rRbBuU]{0,2})(["'`])((?:\\.|(?!\2)[^\\\n])*)\2/;
/** What may follow a literal that is the whole value. */
const CODE_TAIL = /^[ \t]*(?:$|[,;)\]}]|#|\/\/|\/\*)/;
const CONFIG_TAIL = /^[ \t]*(?:$|[,;\]}]|#)/;
const BARE = /^[^\s'"`,;{}[\]()<>]+/;
/** Lines longer than this are minified bundles or data, not settings someone typed. */
const MAX_LINE = 1000;
/** A line that opens an example (`example:`, `"example": {`, `Example Request:`, a doctest, @example). */
const EXAMPLE_OPENER =
  /^\s*(?:-\s*)?["']?(?:x-)?examples?["']?\s*[:=]\s*[{[(]?\s*$|["']examples?["']\s*:\s*[{[]|>>>|@example\b|\bexample\s+(?:request|response|usage|payload|body)\b/i;

/**
 * Whether line `i` only documents a value: it is commented out (`# input_password = secret`) or
 * sits in an example block (the line itself or one of the 8 before it opens one).
 */
function documents(lines: readonly string[], i: number): boolean {
  if (/^\s*(?:#|;|\/\/|\/?\*|<!--)/.test(lines[i]!)) return true;
  for (let j = i; j >= Math.max(0, i - 8); j--) if (EXAMPLE_OPENER.test(lines[j]!)) return true;
  return false;
}

/**
 * The literal at the start of `rest` (offset within rest, and the value), or null when it is not a
 * plain literal (an expression in code; in YAML a tag !x, an alias *x, an anchor &x or a block | >).
 */
function literalAt(rest: string, kind: FileKind): { offset: number; value: string } | null {
  const q = QUOTED.exec(rest);
  if (q) {
    if (!(kind === 'code' ? CODE_TAIL : CONFIG_TAIL).test(rest.slice(q[0].length))) return null;
    if (q[2] === '`' && q[3]!.includes('${')) return null;
    return { offset: q[1]!.length + 1, value: q[3]! };
  }
  if (kind === 'code') return null;
  const b = BARE.exec(rest);
  if (!b || /^[!*&|>@]/.test(b[0]) || !CONFIG_TAIL.test(rest.slice(b[0].length))) return null;
  return { offset: 0, value: b[0] };
}

// ---------------------------------------------------------------- shapes

// LLM provider keys (TODO-SEC-001): OpenAI (sk-, sk-proj-, ...), Anthropic (sk-ant-api03-) and OpenAI-compatible
// gateways that reuse the sk- shape (OpenRouter sk-or-v1-).
const LLM_KEY = /\bsk-(?:(?:proj|svcacct|admin|None)-)?[A-Za-z0-9_-]{20,}\b/g;
const ANTHROPIC = /^sk-ant-(?:api|admin)\d\d-/;
const DB_URL =
  /\b(postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver):\/\/([^:\s/@'"`]+):([^@\s'"`]+)@([^\s/'"`?#]+)/g;
const JWT_TOKEN = /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,}/g;
const PRIVATE_KEY =
  /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----(?:\\n|\s)+([A-Za-z0-9+/=]{32,})/g;
/** Cloud and SaaS credentials with a distinctive shape (TODO-SEC-005). */
const PROVIDERS: { name: string; re: RegExp; minEntropy: number }[] = [
  { name: 'AWS access key id', re: /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g, minEntropy: 3 },
  { name: 'AWS secret access key', re: /aws_?secret_?access_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})\b/gi, minEntropy: 4 },
  { name: 'Google API key', re: /\bAIza[0-9A-Za-z_-]{35}(?![\w-])/g, minEntropy: 3.5 },
  { name: 'Google OAuth client secret', re: /\bGOCSPX-[A-Za-z0-9_-]{28}(?![\w-])/g, minEntropy: 3.5 },
  { name: 'GitHub token', re: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b/g, minEntropy: 3.5 },
  { name: 'GitLab token', re: /\bglpat-[A-Za-z0-9_-]{20,}/g, minEntropy: 3.5 },
  { name: 'Azure storage account key', re: /AccountKey=([A-Za-z0-9+/]{86}==)/g, minEntropy: 4 },
  { name: 'Slack token', re: /\bxox[baprs]-[0-9A-Za-z-]{20,}\b/g, minEntropy: 3.5 },
  {
    name: 'Slack webhook URL',
    re: /\bhooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9+/_-]{30,}/g,
    minEntropy: 3.5,
  },
  { name: 'Stripe live key', re: /\b[rs]k_live_[0-9A-Za-z]{24,}\b/g, minEntropy: 3.5 },
  { name: 'SendGrid API key', re: /\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![\w-])/g, minEntropy: 4 },
  { name: 'Hugging Face token', re: /\bhf_[A-Za-z0-9]{34,}\b/g, minEntropy: 3.5 },
  { name: 'npm token', re: /\bnpm_[A-Za-z0-9]{36}\b/g, minEntropy: 3.5 },
];

interface Found extends SecretHit {
  /** The secret's span in the text, so a value is reported by one rule only. */
  start: number;
  end: number;
}

/**
 * Scans one file's text (`path` decides how: code, config, tests, docs). A line containing
 * todoctl:allow or gitleaks:allow is skipped (an audited false positive).
 */
export function scanText(text: string, path = ''): SecretHit[] {
  const found: Found[] = [];
  const file = effectivePath(path);
  const lenient = TEST_PATH.test(file) || LENIENT_PATH.test(file);
  const kind: FileKind = CODE_PATH.test(file) ? 'code' : 'config';
  const lineAt = (index: number) => text.slice(0, index).split('\n').length;
  const lineText = (index: number) => {
    const start = text.lastIndexOf('\n', index - 1) + 1;
    const end = text.indexOf('\n', index);
    return text.slice(start, end === -1 ? undefined : end);
  };
  const allowed = (index: number) => /todoctl:allow|gitleaks:allow/.test(lineText(index));
  const taken = (start: number, end: number) => found.some((f) => start < f.end && f.start < end);
  const report = (rule: SecretRule, start: number, end: number, description: string) => {
    if (allowed(start) || taken(start, end)) return;
    found.push({ rule, line: lineAt(start), description, start, end });
  };

  for (const m of text.matchAll(PRIVATE_KEY)) report('TODO-SEC-004', m.index, m.index + m[0].length, `${m[1]} block`);

  for (const m of text.matchAll(LLM_KEY)) {
    const key = m[0];
    const anthropic = ANTHROPIC.test(key);
    const body = key.replace(/^sk-(?:ant-(?:api|admin)\d\d-|or-v\d-|(?:proj|svcacct|admin|None)-)?/, '');
    const marker = key.includes('T3BlbkFJ');
    if (isPlaceholder(key)) continue;
    const provider = anthropic ? 'Anthropic' : /^sk-or-v\d-/.test(key) ? 'OpenRouter' : 'OpenAI';
    // A known prefix leaves a shorter, possibly hex, body: a lower bar than a bare sk- key.
    if (!marker && (body.length < 32 || entropy(body) < (provider === 'OpenAI' ? 4 : 3.5))) continue;
    report('TODO-SEC-001', m.index, m.index + key.length, `${provider} API key ${redact(key)}`);
  }

  for (const { name, re, minEntropy } of PROVIDERS) {
    for (const m of text.matchAll(re)) {
      const secret = m[1] ?? m[0];
      if (/EXAMPLE/.test(secret) || isPlaceholder(secret) || entropy(secret) < minEntropy) continue;
      const start = m.index + m[0].lastIndexOf(secret);
      report('TODO-SEC-005', start, start + secret.length, `${name} ${redact(secret)}`);
    }
  }

  for (const m of text.matchAll(DB_URL)) {
    const [, scheme, user, password] = m as unknown as [string, string, string, string];
    if (isPlaceholder(password) || PLACEHOLDER_PASSWORDS.has(password.toLowerCase()) || password.length < 4) continue;
    // Tests and docs use throwaway credentials: there, only a password that looks generated counts.
    if (lenient && (password.length < 12 || entropy(password) < 3.5)) continue;
    report('TODO-SEC-002', m.index, m.index + m[0].length, `${scheme} URL with an inline password for user "${user}"`);
  }

  for (const m of text.matchAll(JWT_TOKEN)) report('TODO-SEC-003', m.index, m.index + m[0].length, `signed JWT ${redact(m[0])}`);

  // Secret-named settings assigned a literal: TODO-SEC-003 for JWT/signing names, TODO-SEC-006 for the rest.
  const lines = text.split('\n');
  const assigned = (name: string, lineIndex: number, valueStart: number, value: string) => {
    const cls = classifyName(name);
    if (!cls || !isLeak(cls, name, value, kind, lenient || documents(lines, lineIndex))) return;
    const rule = ruleForName(name, cls);
    const what = rule === 'TODO-SEC-003' ? 'secret' : cls;
    report(rule, valueStart, valueStart + value.length, `${name} is assigned a literal ${what} ${redact(value)}`);
  };
  let offset = 0;
  lines.forEach((line, lineIndex) => {
    if (line.length <= MAX_LINE) {
      for (const m of line.matchAll(NAME_OP[kind])) {
        const [whole, quote, name, op] = m as unknown as [string, string, string, string];
        if (op === '=>' && !quote) continue; // an arrow function, not a PHP/Ruby key
        // A YAML key is followed by a space; `pass:insta` or `env:DB_PASSWORD` is a value, not a key.
        if (kind === 'config' && op === ':' && !quote && whole.endsWith(':') && m.index + whole.length < line.length) continue;
        const before = line.slice(0, m.index);
        if (before.endsWith('${') || /\?[ \t]*$/.test(before)) continue; // ${VAR:-default}; cond ? 'pass' : 'fail'
        const lit = literalAt(line.slice(m.index + whole.length), kind);
        if (lit) assigned(name, lineIndex, offset + m.index + whole.length + lit.offset, lit.value);
      }
    }
    offset += line.length + 1;
  });
  for (const m of text.matchAll(NAME_VALUE)) {
    const at = m.index + m[0].length;
    const end = text.indexOf('\n', at);
    const lit = literalAt(text.slice(at, end === -1 ? undefined : end), kind);
    if (lit) assigned(m[1]!, lineAt(at) - 1, at + lit.offset, lit.value);
  }

  return found.sort((a, b) => a.start - b.start).map(({ rule, line, description }) => ({ rule, line, description }));
}

// ---------------------------------------------------------------- redaction

/** What a redacted secret becomes (the API's logger writes the same). */
export const REDACTED = '[REDACTED]';
/** An HTTP Authorization credential (`Bearer …`, `Basic …`): transcripts carry them, repositories should not. */
const AUTH_CREDENTIAL = /\b(?:Bearer|Basic)[ \t]+([A-Za-z0-9._~+/-]{8,}=*)/gi;
/** The password of a URL's user info, whatever the scheme (DB_URL judges database URLs in files). */
const URL_PASSWORD = /\b[a-z][a-z0-9+.-]*:\/\/[^:\s/@'"`]+:([^@\s/'"`]+)@/gi;
/** A base64 run long enough to encode a credential (a Kubernetes Secret's data). */
const BASE64_RUN = /(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{12,}={0,2}(?![A-Za-z0-9+/=])/g;

/**
 * `text` with every secret replaced by REDACTED, for transcripts (the AI audit log) where a false
 * alarm costs a word and a miss leaks a key. It finds what scanText reports in a config file (the
 * same shapes and placeholders; literals assigned to secret-named settings judged by the same
 * rules), and also Authorization credentials, URL passwords of any scheme and base64 values that
 * decode to a secret or a generated string. `name`: the setting the whole text is the value of (a
 * JSON key, a --flag), judged as `name: text` would be.
 */
export function redactSecrets(text: string, name?: string): string {
  if (name !== undefined && text) {
    const cls = classifyName(name);
    if (cls && isLeak(cls, name, text, 'config', false)) return REDACTED;
  }
  const spans: [number, number][] = [];
  const add = (start: number, end: number) => {
    if (end > start) spans.push([start, end]);
  };
  /** The span of `secret`, the part of match `m` to hide (a capture group, else the whole match). */
  const group = (m: RegExpMatchArray, secret: string) => {
    const start = m.index! + m[0].lastIndexOf(secret);
    add(start, start + secret.length);
  };

  for (const m of text.matchAll(PRIVATE_KEY)) {
    const end = text.indexOf('-----END', m.index + m[0].length);
    const close = end === -1 ? -1 : text.indexOf('-----', end + 8);
    add(m.index, close === -1 ? text.length : close + 5);
  }
  // The shapes without scanText's entropy bars: a transcript has no use for even a weak-looking key.
  for (const re of [LLM_KEY, JWT_TOKEN, ...PROVIDERS.map((p) => p.re)]) {
    for (const m of text.matchAll(re)) if (!isPlaceholder(m[1] ?? m[0]) && !/EXAMPLE/.test(m[0])) group(m, m[1] ?? m[0]);
  }
  for (const re of [URL_PASSWORD, AUTH_CREDENTIAL]) {
    for (const m of text.matchAll(re)) if (!isPlaceholder(m[1]!)) group(m, m[1]!);
  }
  for (const m of text.matchAll(BASE64_RUN)) {
    const decoded = decodeBase64(m[0]);
    if (decoded !== null && (looksGenerated(decoded) || redactSecrets(decoded) !== decoded)) add(m.index, m.index + m[0].length);
  }

  const assigned = (name: string, start: number, value: string) => {
    const cls = classifyName(name);
    if (cls && isLeak(cls, name, value, 'config', false)) add(start, start + value.length);
  };
  // A literal, or in a command line a bare word before the next one (`DB_PASSWORD=x node app.js`).
  const valueAt = (rest: string) => {
    const bare = BARE.exec(rest);
    return (
      literalAt(rest, 'config') ?? (bare && /^(?:\s|$)/.test(rest.slice(bare[0].length)) ? { offset: 0, value: bare[0] } : null)
    );
  };
  let offset = 0;
  for (const line of text.split('\n')) {
    for (const m of line.matchAll(NAME_OP.config)) {
      const [whole, , key] = m as unknown as [string, string, string];
      const lit = valueAt(line.slice(m.index + whole.length));
      if (lit) assigned(key, offset + m.index + whole.length + lit.offset, lit.value);
    }
    offset += line.length + 1;
  }
  for (const m of text.matchAll(NAME_VALUE)) {
    const at = m.index + m[0].length;
    const end = text.indexOf('\n', at);
    const lit = valueAt(text.slice(at, end === -1 ? undefined : end));
    if (lit) assigned(m[1]!, at + lit.offset, lit.value);
  }

  let out = '';
  let last = 0;
  for (const [start, end] of spans.sort((a, b) => a[0] - b[0])) {
    if (end <= last) continue;
    out += `${text.slice(last, Math.max(last, start))}${start >= last ? REDACTED : ''}`;
    last = end;
  }
  return out + text.slice(last);
}
