// Browser tests drive Debian's Chromium with playwright-core (browser downloads fail here).
// Installs it with apt-get when it is missing and we may; otherwise says how.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

export const chromiumPath = '/usr/bin/chromium'

export function ensureChromium() {
  if (existsSync(chromiumPath)) return true
  const canApt = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get']).status === 0
  if (!canApt) {
    console.error(
      `› ${chromiumPath} is missing and apt-get is not usable here: install Debian's chromium and fonts-liberation packages for the browser tests`,
    )
    return false
  }
  console.log('› installing Chromium for the browser tests (apt-get install chromium fonts-liberation)…')
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env })
  const install = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium', 'fonts-liberation'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env,
  })
  if (update.status !== 0 || install.status !== 0 || !existsSync(chromiumPath)) {
    console.error('› apt-get could not install chromium; the browser tests will fail')
    return false
  }
  return true
}
