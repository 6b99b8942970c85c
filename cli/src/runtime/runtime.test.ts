import { describe, expect, it } from 'vitest';
import { wantsColor } from './io.js';
import { chooseFormat, printResult, renderTable, type View } from './output.js';
import { chooseRenderer } from './tasks.js';
import { UsageError } from './errors.js';

describe('colour', () => {
  it('follows --no-color, NO_COLOR, FORCE_COLOR and the TTY', () => {
    expect(wantsColor({ flag: true, env: {}, isTTY: true })).toBe(true);
    expect(wantsColor({ flag: false, env: {}, isTTY: true })).toBe(false);
    expect(wantsColor({ flag: true, env: { NO_COLOR: '1' }, isTTY: true })).toBe(false);
    expect(wantsColor({ flag: true, env: {}, isTTY: false })).toBe(false);
    expect(wantsColor({ flag: true, env: { FORCE_COLOR: '1' }, isTTY: false })).toBe(true);
    expect(wantsColor({ flag: true, env: { TERM: 'dumb' }, isTTY: true })).toBe(false);
  });
});

describe('listr2 renderer', () => {
  it('animates only for a person at a terminal', () => {
    expect(chooseRenderer({ isTTY: true, ci: false, verbose: false, quiet: false })).toBe('default');
    expect(chooseRenderer({ isTTY: true, ci: true, verbose: false, quiet: false })).toBe('simple');
    expect(chooseRenderer({ isTTY: false, ci: false, verbose: false, quiet: false })).toBe('simple');
    expect(chooseRenderer({ isTTY: true, ci: false, verbose: true, quiet: false })).toBe('verbose');
    expect(chooseRenderer({ isTTY: true, ci: false, verbose: false, quiet: true })).toBe('silent');
  });
});

describe('output', () => {
  const rows = [
    { name: 'todo-backend', revision: 3, note: undefined },
    { name: 'web', revision: 12, note: 'ok' },
  ];
  const columns = [
    { header: 'name', value: (r: (typeof rows)[number]) => r.name },
    { header: 'revision', value: (r: (typeof rows)[number]) => r.revision },
    { header: 'note', value: (r: (typeof rows)[number]) => r.note },
  ];

  it('aligns a table like kubectl', () => {
    expect(renderTable(rows, columns)).toBe(
      ['NAME           REVISION   NOTE', 'todo-backend   3          -', 'web            12         ok', ''].join('\n'),
    );
  });

  const view: View<{ rows: typeof rows }> = {
    formats: ['text', 'json', 'yaml'],
    text: (data) => renderTable(data.rows, columns),
  };

  it('prints JSON and YAML with every field of the data', async () => {
    let out = '';
    const stream = { write: (s: string) => (out += s) };
    await printResult(stream, view, 'json', { rows }, { color: false });
    expect(JSON.parse(out)).toEqual({
      rows: [
        { name: 'todo-backend', revision: 3 },
        { name: 'web', revision: 12, note: 'ok' },
      ],
    });
    out = '';
    await printResult(stream, view, 'yaml', { a: 1 } as never, { color: false });
    expect(out).toBe('a: 1\n');
    out = '';
    await printResult(stream, view, 'text', { rows }, { color: false });
    expect(out).toBe(renderTable(rows, columns));
  });

  it('rejects an unknown format with the allowed list', () => {
    expect(() => chooseFormat('xml', ['text', 'json'])).toThrow(UsageError);
    expect(() => chooseFormat('sarif', ['text', 'json'])).toThrow(/unknown output format "sarif"/);
    expect(chooseFormat(undefined, ['text', 'json'])).toBe('text');
    expect(chooseFormat('sarif', ['text', 'json', 'sarif', 'junit'])).toBe('sarif');
  });
});

describe('runSteps (listr2)', () => {
  it('runs steps in order, reports skips, and prints progress on the given stream', async () => {
    const { runSteps } = await import('./tasks.js');
    let err = '';
    const stderr = { write: (s: string) => ((err += s), true) };
    const order: string[] = [];
    await runSteps(
      [
        { title: 'preflight', run: async (ctx: { n: number }) => void (order.push('preflight'), (ctx.n += 1)) },
        { title: 'build images', skip: () => 'images are built by CI', run: async () => void order.push('build') },
        { title: 'install', run: async (ctx, report) => (report(`n=${ctx.n}`), void order.push('install')) },
      ],
      { n: 0 },
      { renderer: 'simple', stderr },
    );
    expect(order).toEqual(['preflight', 'install']);
    expect(err).toContain('preflight');
    expect(err).toContain('images are built by CI');
    expect(err).toContain('install');
  });

  it('stops at the first failing step and rethrows its error', async () => {
    const { runSteps } = await import('./tasks.js');
    const ran: string[] = [];
    const failure = new Error('helm upgrade failed');
    const stderr = { write: () => true };
    await expect(
      runSteps(
        [
          { title: 'a', run: async () => void ran.push('a') },
          {
            title: 'b',
            run: async () => {
              throw failure;
            },
          },
          { title: 'c', run: async () => void ran.push('c') },
        ],
        {},
        { renderer: 'silent', stderr },
      ),
    ).rejects.toBe(failure);
    expect(ran).toEqual(['a']);
  });
});

describe('ExecaRunner.spawn', () => {
  it('reads what a background program prints, and stops it', async () => {
    const { ExecaRunner } = await import('./runner.js');
    const program = await new ExecaRunner(process.env.PATH ?? '').spawn(process.execPath, [
      '-e',
      "console.log('Forwarding from 127.0.0.1:4321 -> 8080'); setInterval(() => {}, 1000)",
    ]);
    const match = await program.waitFor(/127\.0\.0\.1:(\d+)/, 10_000);
    expect(match[1]).toBe('4321');
    await program.stop();
  });

  it('fails with what the program said when it exits before printing the line', async () => {
    const { ExecaRunner } = await import('./runner.js');
    const program = await new ExecaRunner(process.env.PATH ?? '').spawn(process.execPath, [
      '-e',
      "console.error('error: unable to forward port'); process.exit(1)",
    ]);
    await expect(program.waitFor(/Forwarding/, 10_000)).rejects.toThrow('unable to forward port');
  });
});
