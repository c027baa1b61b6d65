import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

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
