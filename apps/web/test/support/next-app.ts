import { type ChildProcess, spawn } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { ensureWebBuild, findWebApp } from '@steward/cli/testing'
import { freePort } from '@steward/db/testing'

/** apps/web, wherever the checkout lives (CI included). */
export const webDir = resolve(import.meta.dirname, '../..')
export const repoRoot = resolve(webDir, '../..')
const nextBin = createRequire(join(webDir, 'package.json')).resolve('next/dist/bin/next')
/**
 * Makes sure apps/web/.next holds a production build of the current source: the same check and
 * lock `steward dev` uses, so a test run, a bench and a running `npm start` share one build and
 * rebuild only when a source changed. Several test files call this in parallel (vitest forks).
 */
export async function ensureNextBuild(): Promise<void> {
  const started = Date.now()
  const { built } = await ensureWebBuild(findWebApp(), { log: () => {} })
  if (built) console.info(`[web test] next build took ${((Date.now() - started) / 1000).toFixed(1)} s`)
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
