import path from 'node:path';
import type { Page } from 'playwright-core';
import { ARTIFACTS } from './browser';

let counter = 0;
export const uniqueEmail = (who: string) => `${who}-${Date.now().toString(36)}-${++counter}@example.test`;

export async function signUp(page: Page, webUrl: string, email: string, password = 'correct horse battery') {
  await page.goto(`${webUrl}/signup`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL(`${webUrl}/`);
  await page.getByRole('log', { name: 'Conversation' }).waitFor({ state: 'attached' });
}

export const composer = (page: Page) => page.getByLabel('Message the assistant');

export async function say(page: Page, text: string) {
  await composer(page).fill(text);
  await composer(page).press('Enter');
}

/** The task row in the Tasks panel whose label is exactly `title`. */
export const taskRow = (page: Page, title: string) =>
  page.locator('.tasks li.todo').filter({ has: page.getByText(title, { exact: true }) });

export const announcer = (page: Page) => page.getByTestId('announcer');

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: false });
}

/** Text inside the conversation log (the live region repeats replies, so search the log only). */
export const inLog = (page: Page, text: string) => page.getByRole('log').getByText(text, { exact: true });
