import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

const REPO = resolve(import.meta.dirname, '../..');
export const SCREENSHOT_DIR = join(REPO, 'docs', 'screenshots');

/** Debian's Chromium: Playwright's own browsers cannot be downloaded on the build machines. */
const CHROMIUM = process.env.RECORDING_UPLOADER_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

export interface UiPage {
  page: Page;
  context: BrowserContext;
  /** Errors the page logged or threw (a CSP violation is one): a healthy run has none. */
  problems: string[];
}

export interface PageOptions {
  locale?: string;
  colorScheme?: 'light' | 'dark';
  width?: number;
  height?: number;
  /** Accept a test peer's certificate made at test time (the identity provider's TLS), for pages this UI opens. */
  ignoreHTTPSErrors?: boolean;
}

/** A fresh browser profile on the UI's address, with the page's errors collected. */
export async function openUi(browser: Browser, url: string, options: PageOptions = {}): Promise<UiPage> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1180, height: options.height ?? 760 },
    locale: options.locale ?? 'en-US',
    colorScheme: options.colorScheme ?? 'light',
    deviceScaleFactor: 1,
    ignoreHTTPSErrors: options.ignoreHTTPSErrors ?? false,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  await page.goto(url);
  return { page, context, problems };
}

/** Saves the page as it is now under docs/screenshots/NAME.png (README shows them). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  // Let transitions (progress bars, focus rings) come to rest before the picture.
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), animations: 'disabled' });
}
