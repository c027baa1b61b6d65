// Installs the workspace's packages when node_modules is missing or was installed from another
// lockfile or Node major version. Plain Node with no dependencies: it runs before anything is
// installed. The stamp records what the last successful `npm ci` installed.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export function ensureInstall(root) {
  const lock = readFileSync(join(root, 'package-lock.json'))
  const want = `${createHash('sha256').update(lock).digest('hex')} node${process.versions.node.split('.')[0]}`
  const stamp = join(root, 'node_modules', '.steward-install-stamp')
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === want) return

  console.log(
    existsSync(join(root, 'node_modules'))
      ? '› packages changed since the last install: npm ci'
      : '› first run: installing packages (npm ci)',
  )
  const started = Date.now()
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', TURBO_TELEMETRY_DISABLED: '1' },
  })
  if (result.status !== 0) {
    console.error('steward: npm ci failed (see above): check your network access to the npm registry')
    process.exit(result.status ?? 1)
  }
  writeFileSync(stamp, want)
  console.log(`› packages installed in ${Math.round((Date.now() - started) / 1000)} s`)
}
