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
  return chromium.launch({
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
}

/** How a test looks at a page: the window's width, the colour scheme, and whether scripts run. */
export interface PageOptions {
  width?: number
  dark?: boolean
  javaScript?: boolean
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
