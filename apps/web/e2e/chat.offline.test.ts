import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from './support/browser';
import { startStack, type Stack } from './support/stack';
import { announcer, say, screenshot, signUp, taskRow, uniqueEmail } from './support/ui';

// The same flow with no provider at all: the API's offline (deterministic) assistant.
describe('chat UI with the offline assistant', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    stack = await startStack('offline', 'offline');
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('sign up, "add buy milk", tick, reload, "delete buy milk"', async () => {
    await signUp(page, stack.webUrl, uniqueEmail('offline'));
    // the person is told that no model answers and which commands work
    expect(await page.getByTestId('offline-notice').innerText()).toMatch(/^Offline assistant: .*what.s on my list/);
    await screenshot(page, 'offline-notice');
    await say(page, 'add buy milk');
    const card = page.locator('.tool[data-tool="add_task"][data-state="ok"]');
    await card.waitFor();
    expect(await card.innerText()).toMatch(/Added\s+buy milk/);
    await taskRow(page, 'buy milk').waitFor();
    await expect.poll(() => announcer(page).innerText()).toMatch(/^Assistant: .*buy milk/);

    const saved = page.waitForResponse((r) => r.url().includes('/api/todos/') && r.request().method() === 'PATCH');
    await taskRow(page, 'buy milk').getByRole('checkbox').check();
    expect((await saved).status()).toBe(200);
    await page.reload();
    expect(await taskRow(page, 'buy milk').getByRole('checkbox').isChecked()).toBe(true);
    await page.locator('.tool[data-tool="add_task"]').waitFor();

    await say(page, 'delete buy milk');
    await page.locator('.tool[data-tool="delete_task"][data-state="ok"]').waitFor();
    await taskRow(page, 'buy milk').waitFor({ state: 'detached' });
    await page.getByText('No tasks yet.', { exact: false }).waitFor();
  });

  it('operations: healthz, readyz, JSON logs and Prometheus metrics on their own port', async () => {
    expect(await (await fetch(`${stack.webUrl}/api/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${stack.webUrl}/api/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { api: true } });
    const metrics = await (await fetch(stack.metricsUrl)).text();
    expect(metrics).toMatch(/^web_proxy_requests_total\{.*route="\/api\/chat".*status="200".*\} [1-9]/m);
    expect(metrics).toMatch(/^web_chat_first_event_seconds_count\{.*\} [1-9]/m);
    expect(metrics).toMatch(/^process_cpu_seconds_total/m);
    expect((await fetch(stack.metricsUrl.replace('/metrics', '/'))).status).toBe(404);
    const entries = stack
      .logLines()
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const proxyLog = entries.find((e) => e.message === 'proxy' && e.route === '/api/chat');
    expect(proxyLog).toMatchObject({ level: 'info', service: 'todo-web', status: 200 });
    expect(typeof proxyLog?.timestamp).toBe('string');
    // the session token never reaches the logs
    expect(stack.logLines().join('\n')).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });

  it('readyz fails (503) and pages show an error with Retry when the API is down', async () => {
    await stack.api.stop();
    const ready = await fetch(`${stack.webUrl}/api/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'not_ready', checks: { api: false } });
    await page.reload();
    await page.getByRole('alert').getByText('Can’t load the chat').waitFor();
    await page.getByRole('button', { name: 'Retry' }).waitFor();
    const todos = await page.evaluate(async () => (await fetch('/api/todos')).status);
    expect(todos).toBe(502);
  });
});
