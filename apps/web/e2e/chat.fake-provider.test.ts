import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { launchBrowser, type Browser } from './support/browser';
import { startStack, type Stack } from './support/stack';
import { announcer, composer, inLog, say, screenshot, signUp, taskRow, uniqueEmail } from './support/ui';

// The whole chat flow in Chromium against the real API, whose assistant talks to a scripted
// OpenAI-compatible server (apps/api/test/support/fake-openai.ts).
describe('chat UI with a scripted provider', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  const userA = uniqueEmail('alice');

  beforeAll(async () => {
    stack = await startStack('fake', 'fake-provider');
    browser = await launchBrowser();
    page = await (await browser.newContext()).newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('signs up and shows an empty chat and task list', async () => {
    await signUp(page, stack.webUrl, userA);
    await page.getByText('What needs doing?').waitFor();
    await page.getByText('No tasks yet.', { exact: false }).waitFor();
    // a model answers here: no offline notice
    expect(await page.getByTestId('offline-notice').count()).toBe(0);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'todo_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    // the JWT is not readable by page scripts
    expect(await page.evaluate(() => document.cookie)).not.toContain('todo_session');
  });

  it('"add buy milk": a tool card appears, the task appears in the list, the reply is announced once', async () => {
    stack.fake!.script(
      { toolCalls: [{ name: 'add_task', arguments: '{"title":"buy milk"}' }] },
      { text: 'I added "buy milk" to your list.' },
    );
    await say(page, 'add buy milk');
    const card = page.locator('.tool[data-tool="add_task"][data-state="ok"]');
    await card.waitFor();
    expect(await card.innerText()).toMatch(/Added\s+buy milk/);
    await taskRow(page, 'buy milk').waitFor();
    await inLog(page, 'I added "buy milk" to your list.').waitFor();
    await expect.poll(() => announcer(page).innerText()).toBe('Assistant: I added "buy milk" to your list.');
    // focus went back to the input, and the message log is a log
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('composer-input');
    expect(await page.getByRole('log').getAttribute('aria-busy')).toBe('false');
    expect(page.url()).toMatch(/\/\?c=\d+$/);
    expect(stack.fake!.pending()).toBe(0);
  });

  it('ticking the task persists across a reload, with the conversation', async () => {
    const checkbox = taskRow(page, 'buy milk').getByRole('checkbox');
    const saved = page.waitForResponse((r) => r.url().includes('/api/todos/') && r.request().method() === 'PATCH');
    await checkbox.check();
    expect((await saved).status()).toBe(200);
    await page.reload();
    await taskRow(page, 'buy milk').waitFor();
    expect(await taskRow(page, 'buy milk').getByRole('checkbox').isChecked()).toBe(true);
    await page.locator('.tool[data-tool="add_task"][data-state="ok"]').waitFor();
    await inLog(page, 'I added "buy milk" to your list.').waitFor();
    expect(await page.locator('.history-item[aria-current="page"]').innerText()).toBe('add buy milk');
  });

  it('edits and deletes a task by hand, with a confirmation before deleting', async () => {
    await page.getByLabel('New task').fill('walk the dog');
    await page.getByLabel('New task').press('Enter');
    await taskRow(page, 'walk the dog').waitFor();
    await page.getByRole('button', { name: 'Edit “walk the dog”' }).click();
    const title = page.getByLabel('Title of the task');
    await title.fill('walk the cat');
    await title.press('Enter');
    await taskRow(page, 'walk the cat').waitFor();
    await page.getByRole('button', { name: 'Delete “walk the cat”' }).click();
    const confirm = page.getByRole('group', { name: 'Delete “walk the cat”?' });
    await confirm.waitFor();
    // Cancel keeps it
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await taskRow(page, 'walk the cat').count()).toBe(1);
    await page.getByRole('button', { name: 'Delete “walk the cat”' }).click();
    const deleted = page.waitForResponse((r) => r.url().includes('/api/todos/') && r.request().method() === 'DELETE');
    await page.getByRole('group', { name: 'Delete “walk the cat”?' }).getByRole('button', { name: 'Delete' }).click();
    expect((await deleted).status()).toBe(204);
    await taskRow(page, 'walk the cat').waitFor({ state: 'detached' });
    await page.reload();
    await taskRow(page, 'buy milk').waitFor();
    expect(await taskRow(page, 'walk the cat').count()).toBe(0);
  });

  it('Stop ends a long streaming reply, keeps the partial text and allows no double submit', async () => {
    const story = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    stack.fake!.script({ text: story });
    stack.link!.delayMs = 120;
    try {
      await say(page, 'tell me a long story');
      const reply = page.locator('.msg-assistant').last().locator('.msg-text');
      await expect
        .poll(async () => ((await reply.count()) ? (await reply.innerText()).length : 0), { timeout: 15_000 })
        .toBeGreaterThan(10);
      // while streaming: Stop instead of Send, and Enter does not send a second message
      const users = await page.locator('.msg-user').count();
      await composer(page).fill('second message');
      await composer(page).press('Enter');
      expect(await page.locator('.msg-user').count()).toBe(users);
      expect(await page.getByRole('log').getAttribute('aria-busy')).toBe('true');
      await screenshot(page, 'streaming-light');
      await page.getByRole('button', { name: 'Stop' }).click();
      await page.locator('.msg-assistant').last().getByText('Stopped').waitFor();
      const partial = await reply.innerText();
      expect(partial.length).toBeGreaterThan(0);
      expect(partial.length).toBeLessThan(story.length);
      // nothing more arrives after Stop, and the API abandoned the provider's stream
      await new Promise((r) => setTimeout(r, 600));
      expect(await reply.innerText()).toBe(partial);
      expect(await page.locator('.msg-user').count()).toBe(users); // Stop did not send the draft
      await expect.poll(() => stack.link!.abandoned, { timeout: 5_000 }).toBe(1);
      expect(await announcer(page).innerText()).toBe('Reply stopped.');
      expect(await page.getByRole('button', { name: 'Send' }).count()).toBe(1);
      expect(await composer(page).inputValue()).toBe('second message');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('composer-input');
    } finally {
      stack.link!.delayMs = 0;
    }
  });

  it('shows a provider failure with Retry, and Retry succeeds', async () => {
    await composer(page).fill('');
    stack.fake!.script({ status: 500 });
    await say(page, 'what is on my list');
    const banner = page.locator('.chat .banner.error');
    await banner.waitFor();
    expect(await banner.innerText()).toMatch(/Retry/);
    stack.fake!.script({ text: 'You have 1 task: buy milk (done).' });
    await banner.getByRole('button', { name: 'Retry' }).click();
    await inLog(page, 'You have 1 task: buy milk (done).').waitFor();
    await banner.waitFor({ state: 'detached' });
    expect(stack.fake!.pending()).toBe(0);
  });

  it('new conversation and history: both conversations can be opened again', async () => {
    await page.getByRole('button', { name: '+ New conversation' }).click();
    await page.getByText('What needs doing?').waitFor();
    expect(page.url()).toMatch(/\/$/);
    stack.fake!.script({ text: 'Hello again.' });
    await say(page, 'hello');
    await inLog(page, 'Hello again.').waitFor();
    const items = page.locator('.history-item');
    await expect.poll(() => items.count()).toBe(2);
    await page.locator('.history-item', { hasText: 'add buy milk' }).click();
    await inLog(page, 'I added "buy milk" to your list.').waitFor();
    expect(await inLog(page, 'Hello again.').count()).toBe(0);
  });

  it('deletes a conversation after a confirmation', async () => {
    await page.getByRole('button', { name: 'Delete conversation “hello”' }).click();
    const confirm = page.getByRole('group', { name: 'Delete conversation “hello”?' });
    const deleted = page.waitForResponse((r) => r.url().includes('/api/conversations/') && r.request().method() === 'DELETE');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    expect((await deleted).status()).toBe(204);
    await expect.poll(() => page.locator('.history-item').count()).toBe(1);
    await page.reload();
    await inLog(page, 'I added "buy milk" to your list.').waitFor();
    expect(await page.locator('.history-item').allInnerTexts()).toEqual(['add buy milk']);
  });

  it('screenshots: light, dark and narrow', async () => {
    await screenshot(page, 'main-light');
    const dark = await browser.newContext({ colorScheme: 'dark' });
    await dark.addCookies(await page.context().cookies());
    const darkPage = await dark.newPage();
    await darkPage.goto(page.url());
    await taskRow(darkPage, 'buy milk').waitFor();
    const bg = await darkPage.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(20, 22, 26)');
    await screenshot(darkPage, 'main-dark');
    // the toggle overrides the system preference and survives a reload
    await darkPage.getByRole('button', { name: /^Theme: System/ }).click();
    await darkPage.reload();
    expect(await darkPage.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(255, 255, 255)');

    const narrow = await browser.newContext({ viewport: { width: 390, height: 780 } });
    await narrow.addCookies(await page.context().cookies());
    const narrowPage = await narrow.newPage();
    await narrowPage.goto(page.url());
    await inLog(narrowPage, 'I added "buy milk" to your list.').waitFor();
    expect(await taskRow(narrowPage, 'buy milk').isVisible()).toBe(false);
    await screenshot(narrowPage, 'narrow-chat');
    await narrowPage.getByRole('button', { name: 'Tasks', exact: true }).click();
    await taskRow(narrowPage, 'buy milk').waitFor({ state: 'visible' });
    await new Promise((r) => setTimeout(r, 300)); // drawer transition
    await screenshot(narrowPage, 'narrow-tasks-drawer');
    // the drawer took focus; Escape closes it and gives focus back to its button
    expect(await narrowPage.evaluate(() => !!document.activeElement?.closest('#tasks-panel'))).toBe(true);
    await narrowPage.keyboard.press('Escape');
    await taskRow(narrowPage, 'buy milk').waitFor({ state: 'hidden' });
    expect(await narrowPage.evaluate(() => document.activeElement?.textContent)).toBe('Tasks');
  });

  it('a second user sees none of the first user’s tasks or conversations', async () => {
    const other = await (await browser.newContext()).newPage();
    await signUp(other, stack.webUrl, uniqueEmail('bob'));
    await other.getByText('No tasks yet.', { exact: false }).waitFor();
    expect(await taskRow(other, 'buy milk').count()).toBe(0);
    expect(await other.locator('.history-item').count()).toBe(0);
    const firstConversation = new URL(page.url()).searchParams.get('c');
    expect(firstConversation).toMatch(/^\d+$/);
    const probe = await other.evaluate(async (id) => {
      const todos = await (await fetch('/api/todos?status=all')).json();
      const conv = await fetch(`/api/conversations/${id}`);
      return { total: todos.total, conversationStatus: conv.status };
    }, firstConversation);
    expect(probe).toEqual({ total: 0, conversationStatus: 404 });
    // opening the first user's conversation URL shows an empty new chat, not their messages
    await other.goto(`${stack.webUrl}/?c=${firstConversation}`);
    await other.getByText('What needs doing?').waitFor();
    expect(await other.locator('.log, .tasks').getByText('buy milk').count()).toBe(0);
  });

  it('logs out: the session cookie is gone and the chat needs a log-in again', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(/\/login$/);
    expect((await page.context().cookies()).some((c) => c.name === 'todo_session')).toBe(false);
    await page.goto(`${stack.webUrl}/`);
    await page.waitForURL(/\/login$/);
    expect((await page.request.get(`${stack.webUrl}/api/todos`)).status()).toBe(401);
  });
});
