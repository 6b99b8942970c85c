import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_CATALOG, loadCatalog, type Catalog } from './catalog.js';
import {
  checkDockerfile,
  contextSources,
  dockerignoreDecision,
  dockerignoreExcludes,
  installsDevDependencies,
  isDockerfile,
} from './dockerfile.js';

const FIXTURES = fileURLToPath(new URL('../../../test/fixtures/policy/dockerfile/', import.meta.url));
let catalog: Catalog;
beforeAll(async () => {
  catalog = await loadCatalog(BUNDLED_CATALOG);
});

function check(name: string) {
  const path = `${FIXTURES}${name}/Dockerfile`;
  const ignore = `${FIXTURES}${name}/.dockerignore`;
  return checkDockerfile(
    {
      path: `fixtures/${name}/Dockerfile`,
      content: readFileSync(path, 'utf8'),
      hasDockerignore: existsSync(ignore),
      dockerignore: existsSync(ignore) ? readFileSync(ignore, 'utf8') : null,
    },
    catalog,
  );
}
const rulesFailing = (findings: ReturnType<typeof check>) =>
  [...new Set(findings.filter((f) => f.status === 'fail').map((f) => f.rule))].sort();
const failing = (name: string) => rulesFailing(check(name));

/** A Dockerfile given inline, with a .dockerignore that passes TODO-DKR-005. */
function inline(lines: string[], dockerignore: string | null = '.env*\n.git\n') {
  return checkDockerfile(
    { path: 'Dockerfile', content: lines.join('\n'), hasDockerignore: dockerignore !== null, dockerignore },
    catalog,
  );
}
const finding = (findings: ReturnType<typeof check>, rule: string) =>
  findings.find((f) => f.rule === rule && f.status === 'fail') ?? findings.find((f) => f.rule === rule)!;

const PY = 'python:3.12-slim@sha256:a3e58f9399353be051735f09be0316bfdeab571a5c6a24fd78b92df85bcb2d85';
const PY_HEALTH = `HEALTHCHECK CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"]`;
/** A passing two-stage Python Dockerfile with `runtime` lines in the final stage before USER. */
const python = (runtime: string[] = [], user = 'USER 10001:10001', health = PY_HEALTH, from = PY) => [
  `FROM ${PY} AS build`,
  'RUN python -m venv /opt/venv && /opt/venv/bin/pip install --no-cache-dir -r requirements.txt',
  `FROM ${from}`,
  'COPY --from=build /opt/venv /opt/venv',
  ...runtime,
  user,
  health,
];

const PYTHON_CASES = [
  'python-good',
  'python-uv-good',
  'python-poetry-good',
  'unused-build-stage',
  'from-build-stage',
  'user-zero',
  'user-root-after',
  'user-name-created',
  'user-earlier-stage',
  'healthcheck-missing',
  'healthcheck-noop',
  'healthcheck-no-curl',
  'short-digest',
  'arg-no-default',
  'arg-tag-default',
  'copy-from-unpinned-image',
  'dockerignore-no-env',
  'dockerignore-env-reincluded',
  'python-dev-requirements',
  'python-poetry-dev',
  'python-uv-dev',
  'python-venv-copied',
  'pipenv-dev',
];
const NODE_CASES = [
  'good',
  'dev-deps-pruned',
  'single-stage',
  'root-user',
  'low-uid',
  'no-healthcheck',
  'unpinned',
  'no-dockerignore',
  'dev-deps-install',
  'dev-deps-copied',
  'node-npm-install',
  'node-bad',
];

describe('Dockerfile rules', () => {
  it.each([
    // passing: Node.js, Python (pip, uv, poetry), Go on scratch
    ['good', []],
    ['dev-deps-pruned', []],
    ['python-good', []],
    ['python-uv-good', []],
    ['python-poetry-good', []],
    ['go-scratch', []],
    // DKR-001: one stage; a build stage never copied from; a final stage built FROM the build stage
    ['single-stage', ['TODO-DKR-001']],
    ['unused-build-stage', ['TODO-DKR-001']],
    ['from-build-stage', ['TODO-DKR-001']],
    // DKR-002: a name, UID 999, USER 0:0, USER root after USER 10001, a name created with UID 10001, USER only in the build stage
    ['root-user', ['TODO-DKR-002']],
    ['low-uid', ['TODO-DKR-002']],
    ['user-zero', ['TODO-DKR-002']],
    ['user-root-after', ['TODO-DKR-002']],
    ['user-name-created', ['TODO-DKR-002']],
    ['user-earlier-stage', ['TODO-DKR-002']],
    // DKR-003: HEALTHCHECK NONE, none at all, one that cannot fail, curl on python:*-slim
    ['no-healthcheck', ['TODO-DKR-003']],
    ['healthcheck-missing', ['TODO-DKR-003']],
    ['healthcheck-noop', ['TODO-DKR-003']],
    ['healthcheck-no-curl', ['TODO-DKR-003']],
    // DKR-004: a tag, @sha256:abc, FROM ${BASE} without default, a tag as ARG default, COPY --from=<image>:latest
    ['unpinned', ['TODO-DKR-004']],
    ['short-digest', ['TODO-DKR-004']],
    ['arg-no-default', ['TODO-DKR-004']],
    ['arg-tag-default', ['TODO-DKR-004']],
    ['copy-from-unpinned-image', ['TODO-DKR-004']],
    // DKR-005: no .dockerignore; one without .env; one that re-includes .env and misses .git
    ['no-dockerignore', ['TODO-DKR-005']],
    ['dockerignore-no-env', ['TODO-DKR-005']],
    ['dockerignore-env-reincluded', ['TODO-DKR-005']],
    // DKR-006: npm ci, node_modules copied, npm install, requirements-dev.txt, poetry install, uv sync, venv with .[dev] copied, pipenv --dev
    ['dev-deps-install', ['TODO-DKR-006']],
    ['dev-deps-copied', ['TODO-DKR-006']],
    ['node-npm-install', ['TODO-DKR-006']],
    ['python-dev-requirements', ['TODO-DKR-006']],
    ['python-poetry-dev', ['TODO-DKR-006']],
    ['python-uv-dev', ['TODO-DKR-006']],
    ['python-venv-copied', ['TODO-DKR-006']],
    ['pipenv-dev', ['TODO-DKR-006']],
    // several at once
    ['node-bad', ['TODO-DKR-002', 'TODO-DKR-003', 'TODO-DKR-004', 'TODO-DKR-006']],
  ])('%s fails exactly %j', (name, expected) => {
    expect(failing(name)).toEqual(expected);
  });

  it('reports every rule as pass for the good Dockerfiles, with lines', () => {
    for (const name of ['good', 'python-good', 'go-scratch']) {
      const findings = check(name);
      expect([...new Set(findings.map((f) => f.rule))].sort()).toEqual([
        'TODO-DKR-001',
        'TODO-DKR-002',
        'TODO-DKR-003',
        'TODO-DKR-004',
        'TODO-DKR-005',
        'TODO-DKR-006',
      ]);
      expect(findings.every((f) => f.status === 'pass' && f.line >= 1)).toBe(true);
    }
  });

  it('points at the offending instruction', () => {
    const unpinned = check('unpinned').find((f) => f.rule === 'TODO-DKR-004' && f.status === 'fail')!;
    expect(unpinned.line).toBe(4);
    const user = check('low-uid').find((f) => f.rule === 'TODO-DKR-002')!;
    expect(user.line).toBe(6);
    expect(user.message).toMatch(/below 1000/);
    expect(finding(check('user-root-after'), 'TODO-DKR-002')).toMatchObject({
      line: 15,
      message: expect.stringMatching(/root \(UID 0\).*after USER 10001:10001 \(line 13\)/),
    });
    expect(finding(check('python-dev-requirements'), 'TODO-DKR-006')).toMatchObject({
      line: 12,
      message: expect.stringContaining('requirements-dev.txt'),
    });
    expect(finding(check('dockerignore-env-reincluded'), 'TODO-DKR-005')).toMatchObject({
      line: 2,
      message: expect.stringContaining('re-included by !.env on line 2'),
    });
  });

  it('explains what defeats each rule', () => {
    expect(finding(check('unused-build-stage'), 'TODO-DKR-001').message).toMatch(
      /copies nothing from an earlier stage.*"build" is built and thrown away/,
    );
    expect(finding(check('from-build-stage'), 'TODO-DKR-001').message).toMatch(/built FROM stage "build" and copies nothing/);
    expect(finding(check('user-name-created'), 'TODO-DKR-002').message).toMatch(
      /USER appuser is a name \(created with UID 10001/,
    );
    expect(finding(check('user-name-created'), 'TODO-DKR-002').fix).toMatch(
      /^Write USER 10001:10001, the UID this Dockerfile gives appuser/,
    );
    expect(finding(check('user-earlier-stage'), 'TODO-DKR-002').message).toMatch(/USER of stage "build" does not carry over/);
    expect(finding(check('no-healthcheck'), 'TODO-DKR-003').message).toMatch(/HEALTHCHECK NONE/);
    expect(finding(check('healthcheck-noop'), 'TODO-DKR-003').message).toMatch(/always reports healthy/);
    expect(finding(check('healthcheck-no-curl'), 'TODO-DKR-003').message).toMatch(
      /runs curl, which python:3.12-slim does not ship/,
    );
    expect(finding(check('short-digest'), 'TODO-DKR-004').message).toMatch(/"sha256:abc" is not a sha256 digest of 64/);
    expect(finding(check('arg-no-default'), 'TODO-DKR-004')).toMatchObject({
      message: expect.stringMatching(/FROM \$\{BASE\}: ARG BASE has no default/),
      fix: expect.stringMatching(/^Give ARG BASE a default pinned by digest: ARG BASE=python:3.12-slim@sha256:/),
    });
    const argDefault = check('arg-tag-default').filter((f) => f.rule === 'TODO-DKR-004' && f.status === 'fail');
    expect(argDefault).toHaveLength(2);
    expect(argDefault[0]!.message).toMatch(/python:3.12-slim \(\$\{PYTHON_IMAGE\} through its ARG default\) is not pinned/);
    expect(finding(check('copy-from-unpinned-image'), 'TODO-DKR-004')).toMatchObject({
      message: expect.stringMatching(/^COPY --from=ghcr.io\/astral-sh\/uv:latest is not pinned/),
      fix: expect.stringMatching(/^Write COPY --from=ghcr.io\/astral-sh\/uv:latest@sha256:<64 hex digest>/),
    });
    expect(finding(check('dockerignore-no-env'), 'TODO-DKR-005').message).toMatch(/does not exclude \.env, \.env\.\*:/);
    expect(finding(check('python-venv-copied'), 'TODO-DKR-006').message).toMatch(
      /COPY --from=build \/opt\/venv .*-e "\.\[dev\]"/,
    );
    expect(finding(check('dev-deps-copied'), 'TODO-DKR-006').message).toMatch(/COPY --from=build \/app\/node_modules/);
  });

  it('writes Python fixes for Python images and Node.js fixes for Node.js images', () => {
    for (const name of PYTHON_CASES) {
      for (const f of check(name)) {
        expect(f.fix, `${name} ${f.rule}`).not.toMatch(/\bnode\b|node_modules|\bnpm\b|\byarn\b|\bpnpm\b|Node\.js/i);
      }
      for (const f of check(name).filter((x) => x.status === 'fail')) {
        expect(f.fix, `${name} ${f.rule}`).toMatch(/python|\bpip\b|poetry|\buv\b|pipenv/i);
      }
    }
    for (const name of NODE_CASES) {
      for (const f of check(name)) {
        expect(f.fix, `${name} ${f.rule}`).not.toMatch(/python|\bpip\b|poetry|\buv\b|pipenv|requirements/i);
      }
      for (const f of check(name).filter((x) => x.status === 'fail')) {
        expect(f.fix, `${name} ${f.rule}`).toMatch(/\bnode\b|node_modules|\bnpm\b|\byarn\b|\bpnpm\b|Node\.js/i);
      }
    }
    // DKR-003/004/006 for Python: the Python health check, a python base image, the Python package manager in use
    expect(finding(check('healthcheck-missing'), 'TODO-DKR-003').fix).toContain(
      `HEALTHCHECK CMD ["python3", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=3).status < 400 else 1)"]`,
    );
    expect(finding(check('no-healthcheck'), 'TODO-DKR-003').fix).toContain(
      `HEALTHCHECK CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz')`,
    );
    expect(finding(check('short-digest'), 'TODO-DKR-004').fix).toMatch(/^Write FROM python:3.12-slim@sha256:<64 hex digest>/);
    expect(finding(check('python-dev-requirements'), 'TODO-DKR-006').fix).toContain(
      'pip install --no-cache-dir -r requirements.txt',
    );
    expect(finding(check('python-poetry-dev'), 'TODO-DKR-006').fix).toContain('poetry install --only main');
    expect(finding(check('python-uv-dev'), 'TODO-DKR-006').fix).toContain('uv sync --frozen --no-dev');
    expect(finding(check('dev-deps-install'), 'TODO-DKR-006').fix).toContain('npm ci --omit=dev');
    expect(finding(check('node-bad'), 'TODO-DKR-006').fix).toContain('yarn install --frozen-lockfile --production');
    // Go on scratch: no shell, no curl: the binary checks itself
    expect(finding(check('go-scratch'), 'TODO-DKR-003').fix).toMatch(/no shell, curl or wget/);
  });

  it('keeps the catalog fixes language-neutral, naming both Python and Node.js', () => {
    for (const id of ['TODO-DKR-001', 'TODO-DKR-003', 'TODO-DKR-004', 'TODO-DKR-005', 'TODO-DKR-006']) {
      const fix = catalog.rules.find((r) => r.id === id)!.fix;
      expect(fix, id).toMatch(/python/i);
      expect(fix, id).toMatch(/node/i);
    }
    for (const r of catalog.rules.filter((x) => x.id.startsWith('TODO-DKR-')))
      expect(r.rationale, r.id).toMatch(
        /^Enforces "[^"]+" \((Containerization Standards \/ Dockerfile Requirements|I\. Container-First Architecture)\)\. \S/,
      );
  });

  it('judges USER on its value', () => {
    const user = (u: string, ...before: string[]) => finding(inline(python(before, u)), 'TODO-DKR-002');
    expect(user('USER 10001').status).toBe('pass');
    expect(user('USER 1000').status).toBe('pass');
    expect(user('USER 10001:0').status).toBe('pass');
    expect(user('USER ${APP_UID}', 'ARG APP_UID=10001').status).toBe('pass');
    expect(user('USER ${APP_UID}', 'ENV APP_UID=10001').status).toBe('pass');
    expect(user('USER ${APP_UID}', 'ARG APP_UID')).toMatchObject({
      status: 'fail',
      message: expect.stringMatching(/APP_UID without a value/),
    });
    expect(user('USER root').message).toMatch(/root \(UID 0\)/);
    expect(user('USER 0').message).toMatch(/root \(UID 0\)/);
    expect(user('USER 999').message).toMatch(/below 1000/);
    expect(user('USER nobody').message).toMatch(/not numeric/);
    expect(user('USER app', 'RUN adduser -D -u 10001 app').message).toMatch(/is a name \(created with UID 10001/);
    expect(user('USER app', 'RUN adduser --system --uid 500 app').message).toMatch(/UID 500.*>= 1000/);
    // USER is inherited through FROM <stage>
    const inherited = inline([
      `FROM ${PY} AS base`,
      'USER 10001',
      'FROM base AS build',
      'RUN pip install -r requirements.txt',
      'FROM base',
      'COPY --from=build /app /app',
      PY_HEALTH,
    ]);
    expect(finding(inherited, 'TODO-DKR-002').status).toBe('pass');
  });

  it('judges HEALTHCHECK on whether it can fail in this image', () => {
    const health = (hc: string, from = PY, ...runtime: string[]) =>
      finding(inline(python(runtime, 'USER 10001', hc, from)), 'TODO-DKR-003');
    expect(health(PY_HEALTH).status).toBe('pass');
    expect(health('HEALTHCHECK CMD ["true"]').message).toMatch(/always reports healthy/);
    expect(health('HEALTHCHECK CMD exit 0').status).toBe('fail');
    expect(health('HEALTHCHECK CMD curl -f http://127.0.0.1:8000/health || true').status).toBe('fail');
    expect(health('HEALTHCHECK --interval=5s NONE').status).toBe('fail');
    expect(health('HEALTHCHECK CMD echo ruok | nc 127.0.0.1 8000 | grep imok').status).toBe('pass');
    expect(
      health(
        'HEALTHCHECK CMD curl -f http://127.0.0.1:8000/health || exit 1',
        PY,
        'RUN apt-get update && apt-get install -y --no-install-recommends curl',
      ).status,
    ).toBe('pass');
    expect(
      health('HEALTHCHECK CMD curl -f http://127.0.0.1:8000/health || exit 1', 'python:3.12@sha256:' + 'b'.repeat(64)).status,
    ).toBe('pass');
    expect(
      health('HEALTHCHECK CMD wget -qO- http://127.0.0.1:8000/health || exit 1', 'python:3.12-alpine@sha256:' + 'b'.repeat(64))
        .status,
    ).toBe('pass');
    expect(
      health('HEALTHCHECK CMD curl -f http://127.0.0.1:8000/health', 'python:3.12-alpine@sha256:' + 'b'.repeat(64)).status,
    ).toBe('fail');
    const distroless = 'gcr.io/distroless/python3-debian12@sha256:' + 'c'.repeat(64);
    expect(
      health(
        `HEALTHCHECK CMD python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health')"`,
        distroless,
      ).message,
    ).toMatch(/needs \/bin\/sh \(shell form\), which gcr.io\/distroless\/python3-debian12 does not have/);
    expect(health(PY_HEALTH, distroless).status).toBe('pass');
    // inherited through FROM <stage>
    const inherited = inline([
      `FROM ${PY} AS base`,
      PY_HEALTH,
      'FROM base AS build',
      'RUN pip install -r requirements.txt',
      'FROM base',
      'COPY --from=build /app /app',
      'USER 10001',
    ]);
    expect(finding(inherited, 'TODO-DKR-003').status).toBe('pass');
  });

  it('judges base images on their digest, through ARG defaults and COPY --from', () => {
    const pins = (...lines: string[]) =>
      inline([...lines, 'USER 10001', PY_HEALTH])
        .filter((f) => f.rule === 'TODO-DKR-004')
        .map((f) => f.status);
    expect(
      pins(
        `ARG BASE=${PY}`,
        'FROM ${BASE} AS build',
        'RUN pip install -r requirements.txt',
        'FROM ${BASE}',
        'COPY --from=build /opt/venv /opt/venv',
      ),
    ).toEqual(['pass', 'pass']);
    expect(pins(`FROM \${BASE:-${PY}} AS build`, 'FROM scratch', 'COPY --from=build /opt/venv /opt/venv')).toEqual(['pass']);
    expect(pins('FROM scratch AS empty', 'FROM empty', 'COPY --from=0 / /')).toEqual(['pass']);
    expect(pins(`FROM python:3.12-slim@sha256:${'A'.repeat(64)} AS build`, `FROM ${PY}`, 'COPY --from=build /a /a')).toEqual([
      'fail',
      'pass',
    ]);
    expect(
      pins(
        `FROM ${PY} AS build`,
        `FROM ${PY}`,
        'COPY --from=build /a /a',
        'RUN --mount=type=bind,from=ghcr.io/astral-sh/uv:0.5,source=/uv,target=/bin/uv uv --version',
      ),
    ).toEqual(['pass', 'pass', 'fail']);
  });

  it('counts COPY --from and RUN --mount from= as taking files from an earlier stage', () => {
    const stages = (...final: string[]) =>
      finding(
        inline([
          `FROM ${PY} AS build`,
          'RUN pip wheel -w /wheels -r requirements.txt',
          `FROM ${PY}`,
          ...final,
          'USER 10001',
          PY_HEALTH,
        ]),
        'TODO-DKR-001',
      ).status;
    expect(stages('COPY --from=build /wheels /wheels')).toBe('pass');
    expect(stages('COPY --from=0 /wheels /wheels')).toBe('pass');
    expect(stages('RUN --mount=type=bind,from=build,source=/wheels,target=/wheels pip install --no-index /wheels/*')).toBe(
      'pass',
    );
    expect(stages('COPY --from=ghcr.io/astral-sh/uv:0.5@sha256:' + 'd'.repeat(64) + ' /uv /bin/uv')).toBe('fail');
    expect(stages('RUN pip install -r requirements.txt')).toBe('fail');
  });

  it('judges dev dependencies through FROM <stage>, COPY --from and ENV', () => {
    const dev = (...lines: string[]) => finding(inline([...lines, 'USER 10001', PY_HEALTH]), 'TODO-DKR-006');
    // a final stage built FROM a stage that installed dev dependencies
    expect(
      dev(`FROM ${PY} AS deps`, 'RUN pip install -r requirements-dev.txt', 'FROM deps', 'COPY --from=deps /x /x').message,
    ).toMatch(/built FROM stage "deps"/);
    // the whole work directory of a stage that ran npm ci
    const node = 'node:24-bookworm-slim@sha256:' + 'e'.repeat(64);
    expect(
      dev(`FROM ${node} AS build`, 'WORKDIR /app', 'RUN npm ci && npm run build', `FROM ${node}`, 'COPY --from=build /app /app')
        .status,
    ).toBe('fail');
    expect(
      dev(
        `FROM ${node} AS build`,
        'WORKDIR /app',
        'RUN npm ci && npm run build',
        `FROM ${node}`,
        'COPY --from=build /app/dist /app/dist',
      ).status,
    ).toBe('pass');
    // NODE_ENV=production makes npm ci omit dev dependencies; UV_NO_DEV=1 does the same for uv
    expect(
      dev(`FROM ${node} AS build`, `FROM ${node}`, 'COPY --from=build /a /a', 'ENV NODE_ENV=production', 'RUN npm ci').status,
    ).toBe('pass');
    expect(
      dev(`FROM ${PY} AS build`, `FROM ${PY}`, 'COPY --from=build /a /a', 'ENV UV_NO_DEV=1', 'RUN uv sync --frozen').status,
    ).toBe('pass');
    // a later production-only sync removes what an earlier full one installed
    expect(
      dev(
        `FROM ${PY} AS build`,
        'WORKDIR /app',
        'RUN uv sync --frozen && uv run pytest && uv sync --frozen --no-dev',
        `FROM ${PY}`,
        'COPY --from=build /app/.venv /app/.venv',
      ).status,
    ).toBe('pass');
  });

  it('recognises dev installs and Dockerfile names', () => {
    const dev: [string, boolean][] = [
      // Node.js
      ['npm ci', true],
      ['npm install', true],
      ['npm i', true],
      ['npm ci --omit=dev', false],
      ['npm ci --omit dev', false],
      ['npm install --production', false],
      ['NODE_ENV=production npm ci', false],
      ['npm ci --include=dev', true],
      ['npm install -g npm@11', false],
      ['yarn', true],
      ['yarn install --frozen-lockfile', true],
      ['yarn install --frozen-lockfile --production', false],
      ['yarn workspaces focus --production', false],
      ['yarn build', false],
      ['pnpm install', true],
      ['pnpm install --frozen-lockfile', true],
      ['pnpm install --prod', false],
      ['npm ci && npm run build && npm prune --omit=dev', false],
      // Python: pip
      ['pip install --no-cache-dir -r requirements.txt', false],
      ['pip install -r requirements-dev.txt', true],
      ['pip install -r requirements/dev.txt', true],
      ['pip install -r dev-requirements.txt', true],
      ['pip3 install -r requirements.txt -r requirements_test.txt', true],
      ['python -m pip install -e .[dev]', true],
      ['pip install -e ".[dev,test]"', true],
      ["pip install '.[test]'", true],
      ['pip install .', false],
      ['pip install ".[postgres]"', false],
      ['pip install pytest ruff', true],
      ['pip install --upgrade pip setuptools wheel', false],
      ['/opt/venv/bin/pip install --prefix=/install -r requirements.txt', false],
      ['uv pip install --system -r requirements-dev.txt', true],
      // poetry
      ['poetry install', true],
      ['poetry install --no-root', true],
      ['poetry install --only main', false],
      ['poetry install --only=main --no-root', false],
      ['poetry install --without dev', false],
      ['poetry install --without=dev,test --no-interaction', false],
      ['poetry install --no-dev', false],
      ['poetry install --only main --with dev', true],
      ['poetry export -f requirements.txt --with dev -o requirements.txt', true],
      ['poetry export -f requirements.txt -o requirements.txt', false],
      // uv
      ['uv sync', true],
      ['uv sync --frozen', true],
      ['uv sync --frozen --no-dev', false],
      ['uv sync --locked --no-install-project --no-dev', false],
      ['uv sync --no-dev --all-groups', true],
      // pipenv, pdm
      ['pipenv install --dev', true],
      ['pipenv install --system --deploy', false],
      ['pipenv sync --dev', true],
      ['pdm install', true],
      ['pdm install --prod', false],
    ];
    for (const [command, expected] of dev) expect(installsDevDependencies(command), command).toBe(expected);
    expect(installsDevDependencies('npm ci', new Map([['NODE_ENV', 'production']]))).toBe(false);
    expect(installsDevDependencies('uv sync', new Map([['UV_NO_DEV', '1']]))).toBe(false);
    expect(isDockerfile('apps/api/Dockerfile')).toBe(true);
    expect(isDockerfile('apps/api/Dockerfile.dockerignore')).toBe(false);
    expect(isDockerfile('build/web.Dockerfile')).toBe(true);
    expect(isDockerfile('docs/Dockerfiles.md')).toBe(false);
  });

  it('reads .dockerignore patterns as Docker does', () => {
    const cases: [string, string, boolean][] = [
      ['.env', '.env', true],
      ['.env', '.env.local', false],
      ['.env*', '.env.local', true],
      ['.env*\n!.env.example', '.env', true],
      ['.env*\n!.env.example', '.env.example', false],
      ['.env*\n!.env*', '.env', false],
      ['**/.env', '.env', true],
      ['**/.env', 'apps/api/.env', true],
      ['.git/', '.git', true],
      ['/.git', '.git/HEAD', true],
      ['*', '.git', true],
      ['*\n!src', '.env', true],
      ['*\n!src', 'src/main.py', false],
      ['# .env', '.env', false],
      ['node_modules', '.env', false],
      ['.e?v', '.env', true],
      ['[.]env', '.env', true],
    ];
    for (const [ignore, path, expected] of cases)
      expect(dockerignoreExcludes(ignore, path), `${JSON.stringify(ignore)} ${path}`).toBe(expected);
    expect(dockerignoreDecision('.env*\n!.env\n', '.env')).toEqual({ excluded: false, line: 2, pattern: '!.env' });
  });

  it('checks only the presence of a .dockerignore when its text is not given', () => {
    const content = readFileSync(`${FIXTURES}dockerignore-no-env/Dockerfile`, 'utf8');
    const findings = checkDockerfile({ path: 'Dockerfile', content, hasDockerignore: true }, catalog);
    expect(finding(findings, 'TODO-DKR-005').status).toBe('pass');
  });

  it('reports an empty Dockerfile as a finding, not an exception', () => {
    const findings = checkDockerfile({ path: 'Dockerfile', content: '# nothing\n', hasDockerignore: true }, catalog);
    expect(findings).toEqual([expect.objectContaining({ rule: 'TODO-DKR-001', status: 'fail', line: 1 })]);
  });

  it("passes this repository's own Dockerfiles", () => {
    for (const app of ['api', 'web']) {
      const root = fileURLToPath(new URL(`../../../apps/${app}/`, import.meta.url));
      for (const ignore of ['.dockerignore', 'Dockerfile.dockerignore']) {
        const findings = checkDockerfile(
          {
            path: `apps/${app}/Dockerfile`,
            content: readFileSync(`${root}Dockerfile`, 'utf8'),
            hasDockerignore: true,
            dockerignore: readFileSync(`${root}${ignore}`, 'utf8'),
          },
          catalog,
        );
        expect(rulesFailing(findings), `apps/${app} with ${ignore}`).toEqual([]);
      }
    }
  });
});

describe('contextSources', () => {
  it('lists what COPY and ADD take from the context, never what they take from a stage or a URL', () => {
    const text = [
      'ARG BASE=node:24',
      'FROM ${BASE} AS build',
      'COPY package.json package-lock.json ./',
      'COPY --chown=1000:1000 apps/api/src apps/api/src',
      'ADD https://example.test/file.tgz /tmp/',
      'FROM ${BASE}',
      'COPY --from=build /repo/dist ./dist',
      'COPY ./apps/api/package.json apps/api/',
      'COPY package.json ./again',
    ].join('\n');
    expect(contextSources(text)).toEqual(['package.json', 'package-lock.json', 'apps/api/src', 'apps/api/package.json']);
  });
});
