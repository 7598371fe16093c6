// Headless Chromium for the browser checks of the reports: Debian's chromium driven by
// playwright-core (no browser download). Launch once per test file (beforeAll), close in afterAll.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

/** Browser suites run where Chromium is; in CI a missing Chromium fails them instead of skipping. */
export function describeWithChromium(available: boolean): jest.Describe {
  return available || process.env.CI ? describe : describe.skip;
}

/** Launches Chromium, or fails with what to install (in CI, where the suite is not skipped). */
export async function launchChromium(): Promise<Browser> {
  if (!chromiumAvailable())
    throw new Error(
      `Chromium not found at ${CHROMIUM}: the browser checks need Debian's chromium package ` +
        '(apt-get install chromium) or CHROMIUM_PATH set to a Chromium binary',
    );
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 60_000 });
}

export async function closeChromium(browser: Browser | undefined): Promise<void> {
  await browser?.close();
}

/** A page in its own context where every request is refused and recorded: nothing may be fetched. */
export interface OfflinePage {
  context: BrowserContext;
  page: Page;
  /** URLs the page tried to load (requests, then any that slipped past routing). */
  attempted: string[];
}

/**
 * Opens a page that cannot reach the network: every request is aborted and recorded (data: URLs
 * are not requests). `html`, when given, is served as the page's only document at REPORT_URL.
 */
export async function offlinePage(
  browser: Browser,
  options: BrowserContextOptions & { html?: string } = {},
): Promise<OfflinePage> {
  if (!browser) throw new Error('no browser: launchChromium failed (see the first error)');
  const { html, ...contextOptions } = options;
  const context = await browser.newContext({ serviceWorkers: 'block', ...contextOptions });
  const attempted: string[] = [];
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (html !== undefined && url === REPORT_URL && route.request().isNavigationRequest())
      return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
    attempted.push(url);
    return route.abort('blockedbyclient');
  });
  context.on('request', (req) => {
    const url = req.url();
    if (url !== REPORT_URL && !url.startsWith('data:') && !attempted.includes(url)) attempted.push(url);
  });
  const page = await context.newPage();
  if (html !== undefined) await page.goto(REPORT_URL, { waitUntil: 'load' });
  return { context, page, attempted };
}

/** Where offlinePage serves the report from: a reserved name (RFC 2606) that no network resolves. */
export const REPORT_URL = 'http://report.invalid/report.html';
