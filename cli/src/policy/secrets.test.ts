import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { classifyName, isPlaceholder, looksGenerated, scanText } from './secrets.js';

/**
 * Deterministic generated values, built at test time so no secret-shaped string is committed
 * (the repository's own scanner and push protection stay quiet).
 */
function gen(seed: string, n: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'): string {
  let out = '';
  for (let i = 0; out.length < n; i++) {
    for (const byte of createHash('sha256').update(`${seed}:${i}`).digest()) {
      if (out.length < n) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}
const hex = (seed: string, n: number) => gen(seed, n, '0123456789abcdef');

const rules = (text: string, path: string) => scanText(text, path).map((h) => h.rule);

describe('TODO-SEC-006: secret-named settings assigned a literal', () => {
  it('reports the misses of issue 12: weak chart passwords and BETTER_AUTH_SECRET', () => {
    expect(rules('postgresql:\n  auth:\n    password: todopass\n', 'charts/todo/values.yaml')).toEqual(['TODO-SEC-006']);
    expect(rules('POSTGRES_PASSWORD: postgres\n', 'docker-compose.yml')).toEqual(['TODO-SEC-006']);
    expect(rules(`BETTER_AUTH_SECRET=${gen('better-auth', 43)}\n`, '.env.production.example')).toEqual(['TODO-SEC-006']);
    expect(rules('BETTER_AUTH_SECRET=todo-chatbot-auth\n', 'backend/.env.example')).toEqual(['TODO-SEC-006']);
  });

  it('recognises names in every notation', () => {
    const value = gen('notation', 32);
    const cases: [string, string][] = [
      [`DB_PASS=todopass`, '.env'],
      [`ADMIN_PASSWORD: todopass`, 'values.yaml'],
      [`"password": "todopass"`, 'appsettings.json'],
      [`spring.datasource.password=todopass`, 'application.properties'],
      [`db-password = "todopass"`, 'config.toml'],
      [`password = todopass`, 'settings.ini'],
      [`export PGPASSWORD=todopass`, 'scripts/db.sh'],
      [`const cfg = { secretKey: '${value}' };`, 'src/config.ts'],
      [`client = Client(apiKey="${value}")`, 'app/client.py'],
      [`API_KEY = "${value}"`, 'app/settings.py'],
      [`    db_password: str = "todopass"`, 'app/config.py'],
      [`password := "todopass"`, 'main.go'],
      [`'PASSWORD' => 'todopass',`, 'config/database.php'],
      [`auth: { user: 'bot', pass: 'todopass' }`, 'src/mail.js'],
    ];
    for (const [line, path] of cases) expect(rules(`${line}\n`, path), `${path}: ${line}`).toEqual(['TODO-SEC-006']);
  });

  it('reports a literal in a Kubernetes env list and base64 Secret data', () => {
    expect(rules('env:\n  - name: DB_PASSWORD\n    value: todopass\n', 'deploy/api.yaml')).toEqual(['TODO-SEC-006']);
    expect(rules(`env: [{ name: 'DB_PASSWORD', value: 'todopass' }]\n`, 'src/manifest.ts')).toEqual(['TODO-SEC-006']);
    const encoded = Buffer.from('todopass').toString('base64');
    expect(rules(`data:\n  password: ${encoded}\n`, 'deploy/secret.yaml')).toEqual(['TODO-SEC-006']);
    const placeholder = Buffer.from(Buffer.from('test-secret-please-change-me').toString('base64')).toString('base64');
    expect(rules(`#   betterAuthSecret: "${placeholder}"\n`, 'values-local.yaml.example')).toEqual([]);
  });

  it('does not report the false alarms of issue 12', () => {
    expect(rules('JWT_SECRET_KEY=generate-with-openssl-rand-hex-32\n', '.env.example')).toEqual([]);
    expect(rules('DATABASE_URL=postgresql://[user]:[password]@host:5432/db\n', '.env.example')).toEqual([]);
    expect(rules('export const REFRESH_TOKEN_KEY = "todo_refresh_token";\n', 'src/lib/auth.ts')).toEqual([]);
    expect(rules("const PREFS_KEY = 'user-preferences';\n", 'src/lib/prefs.ts')).toEqual([]);
  });

  it('ignores references and metadata that only name a secret', () => {
    const generated = gen('metadata', 40);
    for (const line of [
      'existingSecret: todo-db',
      'secretName: todo-tls',
      'tlsSecretName: todo-tls',
      'secretRef: todo-backend-secrets',
      `secretKeyRef: { name: todo-db, key: password }`,
      `AWS_ACCESS_KEY_ID_FILE: /run/secrets/aws`,
      `OPENAI_KEY_ID: ${generated}`,
      `JWT_PUBLIC_KEY: ${generated}`,
      `NEXT_PUBLIC_MAPS_KEY: ${generated}`,
      `PASSWORD_FILE: /run/secrets/db`,
      `PASSWORD_PATH: /etc/todo/password`,
      `passwordLength: 16`,
      `TOKEN_TTL: 3600`,
      `tokenType: Bearer`,
      `key: ${generated}`,
      `token_url: https://auth.todo.app/token`,
      `API_KEY_HEADER: X-API-Key`,
      `passwordKey: password`,
      `PWD=/home/todo`,
    ])
      expect(rules(`${line}\n`, 'values.yaml'), line).toEqual([]);
  });

  it('counts only quoted literals in code', () => {
    for (const line of [
      'password: string;',
      'const password = req.body.password;',
      "const body = { password: form.get('password') };",
      'login(email=email, password=password)',
      'SECRET_KEY = os.getenv("SECRET_KEY", "dev-key")',
      'SECRET_KEY = os.environ["SECRET_KEY"]',
      'const token = `Bearer ${accessToken}`;',
      "const status = ok ? 'pass' : 'fail';",
      "errors.password = 'Required';",
      "const kind: 'password' | 'text' = 'text';",
      "if (password == 'todopass') deny();",
    ])
      expect(rules(`${line}\n`, 'src/app.ts'), line).toEqual([]);
    expect(rules('password: todopass\n', 'src/app.ts')).toEqual([]);
    expect(rules('password: todopass\n', 'values.yaml')).toEqual(['TODO-SEC-006']);
  });

  it('judges the value by the kind of name', () => {
    // passwords: any real value of 4+ characters, weak ones included
    expect(rules('DB_PASSWORD=todo\n', '.env.example')).toEqual(['TODO-SEC-006']);
    expect(rules('DB_PASSWORD=abc\n', '.env.example')).toEqual([]);
    // secrets and tokens: 8+ characters, and a token must not be an identifier
    expect(rules('SESSION_SECRET=todo-app\n', '.env.example')).toEqual(['TODO-SEC-006']);
    expect(rules('SESSION_SECRET=todo\n', '.env.example')).toEqual([]);
    expect(rules('API_TOKEN=todo-tok-42\n', '.env.example')).toEqual(['TODO-SEC-006']);
    expect(rules("const ACCESS_TOKEN = 'access_token';\n", 'src/storage.ts')).toEqual([]);
    // keys: only a generated-looking value
    expect(rules('STORAGE_ENCRYPTION_KEY=todo-encryption\n', '.env.example')).toEqual([]);
    expect(rules(`STORAGE_ENCRYPTION_KEY=${hex('enc', 64)}\n`, '.env.example')).toEqual(['TODO-SEC-006']);
    // not literals: booleans, numbers, empty, templates, aliases
    for (const value of ['', 'true', '12345678', '${DB_PASSWORD}', '$(cat /run/secrets/db)', '{{ .Values.db.password }}', '*db'])
      expect(rules(`DB_PASSWORD: ${value}\n`, 'values.yaml'), value).toEqual([]);
  });

  it('reports only generated-looking values in tests, docs, examples and CI pipelines', () => {
    const generated = gen('lenient', 32);
    for (const path of [
      'backend/tests/test_auth.py',
      'backend/test_full_flow.py',
      'src/auth.test.ts',
      'README.md',
      'docs/deploy.yaml',
      'specs/001-auth/contracts/auth-api.yaml',
      '.github/workflows/ci.yml',
    ]) {
      expect(rules('password = "SecurePass123!"\nPOSTGRES_PASSWORD: postgres\n', path), path).toEqual([]);
      expect(rules(`SMTP_PASSWORD = "${generated}"\n`, path), path).toEqual(['TODO-SEC-006']);
    }
    const example = 'paths:\n  example:\n    email: me@todo.app\n    password: SecurePass123!\n';
    expect(rules(example, 'openapi.yaml')).toEqual([]);
    expect(rules('"""\nExample Request:\n  {"email": "a@b.c", "password": "SecurePassword123"}\n"""\n', 'app/api.py')).toEqual(
      [],
    );
  });

  it('skips a line marked todoctl:allow or gitleaks:allow', () => {
    expect(rules('password: todopass # todoctl:allow demo database\n', 'values.yaml')).toEqual([]);
    expect(rules('password: todopass # gitleaks:allow\n', 'values.yaml')).toEqual([]);
  });

  it('never repeats the value in the description', () => {
    const value = gen('redact', 40);
    const [hit] = scanText(`BETTER_AUTH_SECRET=${value}\n`, '.env');
    expect(hit).toMatchObject({ rule: 'TODO-SEC-006', line: 1 });
    expect(hit!.description).not.toContain(value);
    expect(scanText('password: todopass\n', 'values.yaml')[0]!.description).not.toContain('todopass');
  });
});

describe('one value, one rule', () => {
  it('lets the most specific rule report a value', () => {
    expect(rules(`GH_TOKEN=ghp_${gen('gh', 36)}\n`, '.env')).toEqual(['TODO-SEC-005']);
    expect(
      rules(
        `OPENAI_API_KEY=sk-proj-${gen('oa', 100, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-')}\n`,
        '.env',
      ),
    ).toEqual(['TODO-SEC-001']);
    expect(rules(`JWT_SECRET=${gen('jwt', 48)}\n`, '.env')).toEqual(['TODO-SEC-003']);
    expect(rules(`JWT_SECRET_KEY = "todo-chatbot-signing"\n`, 'app/config.py')).toEqual(['TODO-SEC-003']);
    expect(rules(`REFRESH_TOKEN_KEY=${gen('rtk', 40)}\n`, '.env')).toEqual(['TODO-SEC-003']);
    expect(rules('DATABASE_URL=postgresql://todo:todopass@db:5432/todo\n', '.env')).toEqual(['TODO-SEC-002']);
    const jwt = `eyJ${gen('h', 30)}.eyJ${gen('p', 60)}.${gen('s', 43)}`;
    expect(rules(`ACCESS_TOKEN=${jwt}\n`, '.env')).toEqual(['TODO-SEC-003']);
    expect(rules(`const token = 'eyJ${gen('h', 30)}.eyJ${gen('p', 60)}.test';\n`, 'src/app.ts')).toEqual([]);
  });
});

describe('provider formats', () => {
  const url = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  it.each([
    ['Anthropic API key', 'TODO-SEC-001', `sk-ant-api03-${gen('ant', 93, url)}AA`],
    ['OpenRouter API key', 'TODO-SEC-001', `sk-or-v1-${hex('or', 64)}`],
    ['Stripe live key', 'TODO-SEC-005', `sk_live_${gen('stripe', 32)}`],
    ['Stripe live key', 'TODO-SEC-005', `rk_live_${gen('stripe-rk', 32)}`],
    ['Hugging Face token', 'TODO-SEC-005', `hf_${gen('hf', 34, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ')}`],
    [
      'Slack webhook URL',
      'TODO-SEC-005',
      `https://hooks.slack.com/services/T${gen('t', 10, upper)}/B${gen('b', 10, upper)}/${gen('w', 24)}`,
    ],
    ['SendGrid API key', 'TODO-SEC-005', `SG.${gen('sg1', 22, url)}.${gen('sg2', 43, url)}`],
    ['npm token', 'TODO-SEC-005', `npm_${gen('npm', 36)}`],
    ['GitLab token', 'TODO-SEC-005', `glpat-${gen('gl', 20, url)}`],
    ['Google OAuth client secret', 'TODO-SEC-005', `GOCSPX-${gen('gocspx', 28, url)}`],
  ])('%s is %s', (name, rule, value) => {
    const hits = scanText(`SOME_SETTING=${value}\n`, 'deploy/settings.env');
    expect(hits).toEqual([{ rule, line: 1, description: expect.stringContaining(name) }]);
    expect(hits[0]!.description).not.toContain(value);
  });

  it('does not report the placeholders of those formats', () => {
    for (const value of [
      'sk-ant-api03-your-key-here',
      'sk_live_xxxxxxxxxxxxxxxxxxxxxxxx',
      'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
      'hf_...',
      'GOCSPX-<your-client-secret>',
    ])
      expect(rules(`SOME_SETTING=${value}\n`, '.env.example'), value).toEqual([]);
  });
});

describe('the shared vocabulary', () => {
  it('recognises placeholders, and not the word todo', () => {
    for (const value of [
      '[password]',
      '<password>',
      '${DB_PASSWORD}',
      '{{ .Values.password }}',
      'changeme',
      'change-me',
      'change_me',
      'generate-with-openssl-rand-hex-32',
      'generated-by-openssl',
      'your-api-key',
      'your_api_key',
      'example-secret',
      'placeholder',
      'replace-me',
      'xxxxxxxx',
      '***',
      '...',
      'todo: set me',
      'dummy',
      'fake-secret',
      'redacted',
      'not-a-secret',
      'secret-here',
      'change-me-to-32-random-characters',
    ])
      expect(isPlaceholder(value), value).toBe(true);
    for (const value of ['todopass', 'todo', 'todo-app-secret', 'postgres', 'hunter22'])
      expect(isPlaceholder(value), value).toBe(false);
  });

  it('classifies names by their last word', () => {
    expect(
      Object.fromEntries(
        [
          'BETTER_AUTH_SECRET',
          'DB_PASS',
          'password',
          'secretKey',
          'apiKey',
          'ADMIN_PASSWORD',
          'SECRET_KEY',
          'JWT_SECRET_KEY',
          'GITHUB_TOKEN',
          'existingSecret',
          'tlsSecretName',
          'secretKeyRef',
          'AWS_ACCESS_KEY_ID',
          'JWT_PUBLIC_KEY',
          'bypass',
          'monkey',
          'primaryKey',
          'key',
          'PWD',
        ].map((n) => [n, classifyName(n)]),
      ),
    ).toEqual({
      BETTER_AUTH_SECRET: 'secret',
      DB_PASS: 'password',
      password: 'password',
      secretKey: 'secret',
      apiKey: 'key',
      ADMIN_PASSWORD: 'password',
      SECRET_KEY: 'secret',
      JWT_SECRET_KEY: 'secret',
      GITHUB_TOKEN: 'token',
      existingSecret: null,
      tlsSecretName: null,
      secretKeyRef: null,
      AWS_ACCESS_KEY_ID: null,
      JWT_PUBLIC_KEY: null,
      bypass: null,
      monkey: 'key',
      primaryKey: null,
      key: null,
      PWD: null,
    });
  });

  it('tells generated values from words, identifiers and sequences', () => {
    for (const value of [hex('a', 32), hex('b', 64), gen('c', 24), gen('d', 43), '550e8400-e29b-41d4-a716-446655440000'])
      expect(looksGenerated(value), value).toBe(true);
    for (const value of [
      'todo_refresh_token',
      'user-preferences',
      'test-secret-that-is-at-least-32-chars',
      'SecurePassword123',
      'sk-1234567890abcdef',
      'AUTH1234567890abcdefg',
      'thisisaverylongpassword',
    ])
      expect(looksGenerated(value), value).toBe(false);
  });
});

describe('scanning limits', () => {
  it('skips minified lines', () => {
    const minified = `${'var a=1;'.repeat(200)}password:"todopass";\n`;
    expect(rules(minified, 'app/.next/static/chunk.js')).toEqual([]);
  });
});
