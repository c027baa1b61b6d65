import { existsSync } from 'node:fs'
import { type Browser, chromium, type Page } from 'playwright-core'

export const chromiumPath = '/usr/bin/chromium'

/**
 * Debian's Chromium driven by playwright-core (`npx playwright install` cannot download here).
 * Each launch gets a fresh temporary profile from Playwright.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is missing at ${chromiumPath}: install it with \`apt-get install -y chromium fonts-liberation\` ` +
        '(the repo test runner does this) and run the tests again',
    )
  }
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  })
  // Every page of every context is watched, however a test opens it; closing the browser fails
  // the test file if any page printed a console error, threw, or reported a hydration mismatch.
  const problems: string[] = []
  browserProblems.set(browser, problems)
  const newContext = browser.newContext.bind(browser)
  browser.newContext = async (...args) => {
    const context = await newContext(...args)
    context.on('page', (page) => watchConsole(page, [], problems))
    return context
  }
  const newPage = browser.newPage.bind(browser)
  browser.newPage = async (...args) => {
    const page = await newPage(...args)
    watchConsole(page, [], problems)
    return page
  }
  const close = browser.close.bind(browser)
  browser.close = async (...args) => {
    await close(...args)
    const unexpected = problems.filter((problem) => !problem.startsWith('expected:'))
    if (unexpected.length > 0) throw new Error(`pages printed errors:\n${unexpected.join('\n')}`)
  }
  return browser
}

/** How a test looks at a page: the window's width, the colour scheme, and whether scripts run. */
export interface PageOptions {
  width?: number
  dark?: boolean
  javaScript?: boolean
  /**
   * Console errors this page is expected to print (a 404 page logs its own status): any other
   * console error, uncaught exception or React hydration warning fails the test at `closePage`.
   */
  expectConsole?: RegExp[]
}

interface PageWatch {
  problems: string[]
  expected: RegExp[]
}

const watches = new WeakMap<Page, PageWatch>()

/** React reports a hydration mismatch as a console error, or as a warning in some versions. */
const hydration = /hydrat|did not match|server rendered HTML/i

/** Every problem any page of a browser met, reported when the browser closes. */
const browserProblems = new WeakMap<Browser, string[]>()

function watchConsole(page: Page, expected: RegExp[], all?: string[]): void {
  if (watches.has(page)) return
  const watch: PageWatch = { problems: all ?? [], expected }
  watches.set(page, watch)
  page.on('console', (message) => {
    const text = message.text()
    const type = message.type()
    // A failed HTTP load is logged by Chromium as a console error without its URL; the tests check
    // the statuses of pages and API calls they expect, and the `response` watch below fails on a
    // page's own assets that are missing.
    if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(text)) return
    if (type === 'error' || (type === 'warning' && hydration.test(text))) {
      if (!watch.expected.some((pattern) => pattern.test(text)))
        watch.problems.push(`console.${type}: ${text} (${page.url()})`)
    }
  })
  // A missing script, stylesheet, font or image of the page itself (the favicon, once) is a bug.
  page.on('response', (response) => {
    const kind = response.request().resourceType()
    if (response.status() >= 400 && ['script', 'stylesheet', 'font', 'image', 'other'].includes(kind))
      watch.problems.push(`${kind} ${response.url()} answered ${response.status()} (${page.url()})`)
  })
  page.on('pageerror', (error) => {
    watch.problems.push(`uncaught: ${error.message} (${page.url()})`)
  })
}

/** Lets a page print a console error it is expected to (see `expectConsole`) after it was opened. */
export function expectConsole(page: Page, pattern: RegExp): void {
  watches.get(page)?.expected.push(pattern)
}

/** Opens `url` in a context of its own (closed with the page by `closePage`); answers the HTTP status. */
export async function openPage(
  browser: Browser,
  url: string,
  options: PageOptions = {},
): Promise<{ page: Page; status: number | undefined }> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: 800 },
    colorScheme: options.dark ? 'dark' : 'light',
    javaScriptEnabled: options.javaScript ?? true,
  })
  const page = await context.newPage()
  // The context's watcher registered the page already; this page's own expectations join it.
  for (const pattern of options.expectConsole ?? []) expectConsole(page, pattern)
  const response = await page.goto(url)
  return { page, status: response?.status() }
}

/** A full-page screenshot from the top: the sticky header would otherwise be drawn where the page was scrolled to. */
export async function screenshotFromTop(page: Page, path: string): Promise<void> {
  await page.evaluate(() => window.scrollTo(0, 0)).catch(() => {})
  await page.screenshot({ path, fullPage: true })
}

export async function closePage(page: Page): Promise<void> {
  await page.context().close()
}
