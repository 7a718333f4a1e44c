import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, ConsoleMessage, Locator, Page } from 'playwright-core';
import { REPO_ROOT } from './test-infra';

/** Debian's Chromium (Playwright's own download does not work on these machines); TRIPLINE_CHROMIUM names another. */
export const CHROMIUM_PATH = process.env.TRIPLINE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Headless, and quiet on the network: without the background-networking flags Chromium opens
 * connections of its own (updates, sync, field trials), which a closed network refuses, many
 * at a time. Playwright gives each launch a fresh user data dir of its own.
 */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** A browser error the test expects, by its text and, for a failed request, the URL it was for. */
export interface ExpectedBrowserError {
  text: RegExp;
  url?: RegExp;
}

/**
 * Chromium for browser tests, which fail on any error the page meets: every console error
 * (Chromium logs a failed request as one too) and every uncaught exception is kept, and
 * `assertNoErrors()` (each test's afterEach) throws with all of them, bar the ones the test
 * declared it expects. Each page gets a new context: no cookie or storage carries over.
 */
export class TestBrowser {
  private readonly contexts: BrowserContext[] = [];
  private readonly problems: string[] = [];
  private expected: ExpectedBrowserError[] = [];

  private constructor(private readonly browser: Browser) {}

  static async launch(): Promise<TestBrowser> {
    if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's chromium package (or set TRIPLINE_CHROMIUM)`);
    const { chromium } = await import('playwright-core');
    return new TestBrowser(await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS }));
  }

  async newPage(viewport: { width: number; height: number } = DESKTOP): Promise<Page> {
    const context = await this.browser.newContext({ viewport, acceptDownloads: true, reducedMotion: 'reduce', timezoneId: 'UTC', locale: 'en-US' });
    this.contexts.push(context);
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' && !this.isExpected(message)) this.problems.push(`console error: ${message.text()} (${message.location().url || page.url()})`);
    });
    page.on('pageerror', (error) => this.problems.push(`page error: ${error.stack ?? error.message}`));
    return page;
  }

  /** Declares an error the page is meant to meet (until the next `assertNoErrors()`). */
  expectError(expected: ExpectedBrowserError): void {
    this.expected.push(expected);
  }

  /** Throws naming every unexpected error since the last call; forgets the expected ones. */
  assertNoErrors(): void {
    const problems = this.problems.splice(0);
    this.expected = [];
    if (problems.length > 0) throw new Error(`the browser met ${problems.length} error(s):\n${problems.join('\n')}`);
  }

  async closeContexts(): Promise<void> {
    await Promise.all(this.contexts.splice(0).map((context) => context.close()));
  }

  async close(): Promise<void> {
    await this.closeContexts();
    await this.browser.close();
  }

  private isExpected(message: ConsoleMessage): boolean {
    return this.expected.some(({ text, url }) => text.test(message.text()) && (!url || url.test(message.location().url)));
  }
}

/**
 * Screenshots for the docs (docs/console/*.png), kept current by the browser tests without
 * rewriting them on every run: each is taken again only when the console's build changed since
 * it was (its index.html names every bundle by the hash of its content) or the viewport did.
 * docs/console/screenshots.json records what each was taken of.
 */
export class DocScreenshots {
  private readonly index: string;
  private readonly taken: Record<string, string>;
  private readonly build: string;

  constructor(
    private readonly dir = path.join(REPO_ROOT, 'docs', 'console'),
    builtIndex = path.join(REPO_ROOT, 'dist', 'console', 'index.html'),
  ) {
    this.index = path.join(dir, 'screenshots.json');
    this.taken = existsSync(this.index) ? JSON.parse(readFileSync(this.index, 'utf8')) : {};
    this.build = createHash('sha256').update(readFileSync(builtIndex)).digest('hex').slice(0, 16);
  }

  /** Writes `<name>.png` of the page's viewport (or of one part of it), unless the one there shows this build already. */
  async take(page: Page, name: string, part?: Locator): Promise<void> {
    const viewport = page.viewportSize();
    const of = `${this.build} ${viewport?.width}x${viewport?.height}`;
    const file = path.join(this.dir, `${name}.png`);
    if (this.taken[`${name}.png`] === of && existsSync(file)) return;
    mkdirSync(this.dir, { recursive: true });
    const options = { path: file, animations: 'disabled', caret: 'hide' } as const;
    if (part) {
      await part.screenshot(options);
    } else {
      await page.evaluate('window.scrollTo(0, 0)'); // the page's top, wherever the test scrolled to
      await page.screenshot(options);
    }
    this.taken[`${name}.png`] = of;
    writeFileSync(this.index, `${JSON.stringify(this.taken, Object.keys(this.taken).sort(), 2)}\n`);
  }
}
