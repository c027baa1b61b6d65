import { existsSync } from 'node:fs'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Environment } from '@steward/config'
import { inheritedEnvironment } from '../env.ts'
import { cliError } from '../errors.ts'
import { startProcess } from '../services/supervised-process.ts'
import { webBuildInputs } from './build-inputs.ts'
import { withBuildLock } from './build-lock.ts'
import { linkExternalAliases } from './external-aliases.ts'
import type { WebAppDir } from './web-app-dir.ts'

/** Written beside Next's output once a build succeeded: what it was built from. */
const stampName = 'steward-build.json'

interface BuildStamp {
  inputs: string
  builtAt: string
}

export interface EnsureWebBuildOptions {
  /** Progress and Next's own output, one line at a time. */
  log: (line: string) => void
  env?: Environment
  signal?: AbortSignal
}

/**
 * Makes sure the web app has a production build of its current sources: built once, rebuilt only
 * when what it is made from changed (`build-inputs.ts`). The installed package ships its build and
 * is used as it is. Resolves `built: true` when this call ran `next build`.
 */
export async function ensureWebBuild(
  app: WebAppDir,
  options: EnsureWebBuildOptions,
): Promise<{ built: boolean }> {
  const distDir = join(app.dir, '.next')
  if (!app.fromSource) {
    if (!existsSync(join(distDir, 'BUILD_ID'))) {
      throw cliError(
        'WEB_APP_MISSING',
        `the web UI package at ${app.dir} has no production build (.next/BUILD_ID)`,
      )
    }
    try {
      await linkExternalAliases(app.dir)
    } catch (error) {
      throw cliError('WEB_APP_MISSING', `${(error as Error).message}: run npm install`)
    }
    return { built: false }
  }
  const inputs = await webBuildInputs(app.dir)
  if (await isCurrent(distDir, inputs)) return { built: false }
  return withBuildLock(
    app.dir,
    async () => {
      // Another process may have built it while this one waited.
      if (await isCurrent(distDir, inputs)) return { built: false }
      await runNextBuild(app, options)
      const stamp: BuildStamp = { inputs, builtAt: new Date().toISOString() }
      await writeFile(join(distDir, stampName), `${JSON.stringify(stamp)}\n`)
      return { built: true }
    },
    {
      ...(options.signal ? { signal: options.signal } : {}),
      onWait: () => options.log('web: another process is building the web UI; waiting for it'),
    },
  )
}

async function isCurrent(distDir: string, inputs: string): Promise<boolean> {
  if (!existsSync(join(distDir, 'BUILD_ID'))) return false
  try {
    const stamp = JSON.parse(await readFile(join(distDir, stampName), 'utf8')) as BuildStamp
    return stamp.inputs === inputs
  } catch {
    return false
  }
}

async function runNextBuild(app: WebAppDir, options: EnsureWebBuildOptions): Promise<void> {
  const started = Date.now()
  options.log('web: building the UI for production (first start, or its sources changed; about a minute)')
  const build = startProcess({
    name: 'web build',
    command: process.execPath,
    args: [app.nextBin, 'build'],
    cwd: app.dir,
    env: { ...(options.env ?? inheritedEnvironment()), NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
    keepLines: 60,
    onLine: (line) => {
      if (line.trim() !== '') options.log(`web build │ ${line}`)
    },
  })
  const abort = () => void build.stop()
  options.signal?.addEventListener('abort', abort, { once: true })
  try {
    const status = await build.exited
    options.signal?.throwIfAborted()
    if (status.code !== 0) {
      throw cliError(
        'WEB_BUILD_FAILED',
        `next build ${status.error ? `could not start (${status.error.message})` : `exited with ${status.signal ?? `code ${status.code}`}`}: its output is above`,
      )
    }
  } finally {
    options.signal?.removeEventListener('abort', abort)
  }
  options.log(`web: built in ${Math.round((Date.now() - started) / 1000)} s`)
}
