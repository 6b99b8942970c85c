import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test-results/web');

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface Browser {
  /** A fresh profile (own cookies): one per simulated person. */
  newContext(opts?: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } }): Promise<BrowserContext>;
  close(): Promise<void>;
}

/** Debian's Chromium through playwright-core; never a downloaded browser. Each context has its own user-data-dir. */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const contexts: { ctx: BrowserContext; dir: string }[] = [];
  return {
    async newContext(opts = {}) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'todo-web-chromium-'));
      const ctx = await chromium.launchPersistentContext(dir, {
        executablePath: CHROMIUM,
        headless: true,
        args: ARGS,
        viewport: opts.viewport ?? { width: 1280, height: 800 },
        colorScheme: opts.colorScheme ?? 'light',
      });
      ctx.setDefaultTimeout(15_000);
      contexts.push({ ctx, dir });
      return ctx;
    },
    async close() {
      for (const { ctx, dir } of contexts.splice(0)) {
        await ctx.close().catch(() => undefined);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
