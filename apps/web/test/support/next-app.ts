import { type ChildProcess, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { freePort } from '@steward/db/testing'

/** apps/web, wherever the checkout lives (CI included). */
export const webDir = resolve(import.meta.dirname, '../..')
export const repoRoot = resolve(webDir, '../..')
const nextBin = createRequire(join(webDir, 'package.json')).resolve('next/dist/bin/next')
const distDir = join(webDir, '.next')
// In the temp folder, not the checkout: a run killed mid-build leaves nothing to commit by mistake.
const lockDir = join(
  tmpdir(),
  `steward-web-build-${createHash('sha1').update(webDir).digest('hex').slice(0, 12)}.lock`,
)
const markerFile = join(distDir, 'steward-test-build.json')

/**
 * Makes sure apps/web/.next holds a production build of the current source, building it at most
 * once per test run. Several test files call this in parallel (vitest forks): a lock folder lets
 * one of them build while the others wait, and a marker naming the vitest process (the forks'
 * parent) lets the others reuse that build instead of rebuilding under a running server. Outside
 * that run, a build newer than every source file is reused; STEWARD_TEST_REBUILD=1 forces one.
 */
export async function ensureNextBuild(): Promise<void> {
  await withLock(async () => {
    if (await buildIsCurrent()) return
    const started = Date.now()
    await run(process.execPath, [nextBin, 'build'], webDir)
    await writeFile(markerFile, JSON.stringify({ runner: process.ppid, builtAt: new Date().toISOString() }))
    console.info(`[web test] next build took ${((Date.now() - started) / 1000).toFixed(1)} s`)
  })
}

async function buildIsCurrent(): Promise<boolean> {
  if (!existsSync(join(distDir, 'BUILD_ID')) || !existsSync(markerFile)) return false
  const marker = JSON.parse(readFileSync(markerFile, 'utf8')) as { runner: number }
  if (marker.runner === process.ppid) return true
  if (process.env.STEWARD_TEST_REBUILD === '1') return false
  const builtAt = statSync(markerFile).mtimeMs
  const sources = [
    join(webDir, 'src'),
    join(webDir, 'next.config.ts'),
    join(webDir, 'package.json'),
    join(repoRoot, 'packages'),
    join(repoRoot, 'package-lock.json'),
  ]
  for (const source of sources) {
    if ((await newestMtime(source)) > builtAt) return false
  }
  return true
}

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => undefined)
  if (!info) return 0
  if (!info.isDirectory()) return info.mtimeMs
  let newest = info.mtimeMs
  for (const entry of await readdir(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue
    newest = Math.max(newest, await newestMtime(join(path, entry.name)))
  }
  return newest
}

async function withLock(work: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 240_000
  for (;;) {
    try {
      await mkdir(lockDir)
      break
    } catch {
      // A lock older than any build is left over from a killed run.
      const age = Date.now() - ((await stat(lockDir).catch(() => undefined))?.mtimeMs ?? Date.now())
      if (age > 300_000) await rm(lockDir, { recursive: true, force: true })
      if (Date.now() > deadline) throw new Error(`timed out waiting for the build lock ${lockDir}`)
      await new Promise((r) => setTimeout(r, 250))
    }
  }
  try {
    await work()
  } finally {
    await rm(lockDir, { recursive: true, force: true })
  }
}

function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
    })
    child.stderr.on('data', (chunk) => {
      output += chunk
    })
    child.once('error', reject)
    child.once('exit', (code) => {
      if (code === 0) resolvePromise()
      else reject(new Error(`${args.join(' ')} failed with code ${code}:\n${output}`))
    })
  })
}

export interface NextServer {
  url: string
  /** Everything the server printed, for assertions and failure messages. */
  output(): string
  stop(): Promise<void>
}

/**
 * `next start` on a free port with the given settings (DATABASE_URL, REDIS_URL…), in a process
 * group of its own so `stop()` reaches every child, resolved once /api/health answers at all.
 */
export async function startNextServer(env: Record<string, string>): Promise<NextServer> {
  const port = await freePort()
  const home = join(tmpdir(), `steward-web-test-home-${process.pid}-${port}`)
  const child = spawn(
    process.execPath,
    [nextBin, 'start', '--port', String(port), '--hostname', '127.0.0.1'],
    {
      cwd: webDir,
      detached: true,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? tmpdir(),
        NODE_ENV: 'production',
        // Production refuses to start without a usage salt; tests pass their own to override it.
        STEWARD_USAGE_SALT: 'web-test-usage-salt-0123456789',
        NEXT_TELEMETRY_DISABLED: '1',
        // Never the developer's own .steward: an unset DATABASE_URL would open the embedded one.
        STEWARD_HOME: home,
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  let output = ''
  child.stdout?.on('data', (chunk) => {
    output += chunk
  })
  child.stderr?.on('data', (chunk) => {
    output += chunk
  })
  const url = `http://127.0.0.1:${port}`
  const server: NextServer = {
    url,
    output: () => output,
    stop: async () => {
      await stopGroup(child)
      await rm(home, { recursive: true, force: true })
    },
  }
  try {
    await waitForHttp(`${url}/api/health`, child, 60_000)
  } catch (error) {
    await server.stop()
    throw new Error(`${(error as Error).message}\n--- next start output ---\n${output}`)
  }
  return server
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`next start exited (${child.exitCode ?? child.signalCode}) before answering`)
    }
    try {
      await fetch(url, { signal: AbortSignal.timeout(5000) })
      return
    } catch {
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  throw new Error(`next start did not answer at ${url} within ${timeoutMs / 1000} s`)
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), name)
    } catch {
      // Already gone.
    }
  }
  signal('SIGTERM')
  const timer = setTimeout(() => signal('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}
