import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deleteQueueKeys } from '@steward/queue'

export { freePort } from '@steward/db/testing'

/** The real binary, run the way a user runs it (through Node, tsx registered by the bin). */
export const stewardBin = fileURLToPath(new URL('../../bin/steward.mjs', import.meta.url))

export interface StewardResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** The queue prefix of this test file's stewards; `clearTestQueue()` removes its keys. */
export const testQueuePrefix = `{steward-test-${process.pid}-${Date.now().toString(36)}}`

/** Deletes every Redis key under this file's queue prefix (schedulers, jobs, events). */
export async function clearTestQueue(
  redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
): Promise<void> {
  await deleteQueueKeys(redisUrl, testQueuePrefix)
}

/** The environment of a steward under test: this one minus every setting, plus `env`. */
export function stewardEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env }
  for (const name of [
    'DATABASE_URL',
    'REDIS_URL',
    'PORT',
    'STEWARD_HOME',
    'STEWARD_DB_PORT',
    'STEWARD_DEBUG',
    'STEWARD_QUEUE',
    'STEWARD_QUEUE_PREFIX',
    'STEWARD_USAGE_SALT',
    'STEWARD_PUBLIC_URL',
    'STEWARD_OIDC_ISSUER',
    'STEWARD_SESSION_SECRET',
    'SLACK_BOT_TOKEN',
    'SLACK_API_URL',
  ]) {
    delete base[name]
  }
  // Never the machine's default queue: a test's schedules must not reach another's workers.
  return { ...base, STEWARD_QUEUE_PREFIX: testQueuePrefix, ...env }
}

/** Starts `steward <args>`; the caller reads its output and ends it. */
export function startSteward(
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string; netns?: string } = {},
): RunningSteward {
  // In a network namespace `ip netns exec` execs node in place: the child's pid is steward's.
  const [command, commandArgs] =
    options.netns === undefined
      ? [process.execPath, [stewardBin, ...args]]
      : ['ip', ['netns', 'exec', options.netns, process.execPath, stewardBin, ...args]]
  const child = spawn(command, commandArgs, {
    env: stewardEnv(env),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return new RunningSteward(child)
}

/**
 * Whether `startStewardOnTerminal` can run here: it needs util-linux's `script` (BSD's, on macOS,
 * takes other arguments).
 */
export const terminalAvailable =
  spawnSync('script', ['--version'], { encoding: 'utf8' }).stdout?.includes('util-linux') === true

/**
 * Starts `steward <args>` on a pseudo-terminal (util-linux `script`), for what it does only on a
 * terminal, such as asking questions; `type` answers them. Its stdout carries the terminal's
 * echo and escape codes, and stderr joins stdout there.
 */
export function startStewardOnTerminal(
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string } = {},
): RunningSteward {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`
  const command = [process.execPath, stewardBin, ...args].map(quote).join(' ')
  // -q: no banner, -f: flush each write, -e: exit with the command's code, -c: the command.
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: stewardEnv(env),
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  return new RunningSteward(child)
}

/** Runs `steward <args>` to the end. */
export function runSteward(
  args: string[],
  env: Record<string, string>,
  options: { cwd?: string } = {},
): Promise<StewardResult> {
  return startSteward(args, env, options).result
}

export class RunningSteward {
  stdout = ''
  stderr = ''
  readonly result: Promise<StewardResult>
  readonly #child: ChildProcess

  constructor(child: ChildProcess) {
    this.#child = child
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk
    })
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk
    })
    this.result = new Promise((resolve) => {
      child.once('close', (code, signal) =>
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr }),
      )
    })
  }

  /** Resolves once stdout contains `text`; rejects if the process ends first or `timeoutMs` passes. */
  async waitForOutput(text: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    let ended = false
    void this.result.then(() => {
      ended = true
    })
    while (!this.stdout.includes(text)) {
      if (ended || Date.now() > deadline) {
        throw new Error(
          `steward did not print "${text}" (${ended ? 'it exited' : 'timed out'})\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`,
        )
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  /** Types `line` and Enter (on a terminal from `startStewardOnTerminal`). */
  type(line: string): void {
    this.#child.stdin?.write(`${line}\n`)
  }

  get pid(): number | undefined {
    return this.#child.pid
  }

  signal(signal: NodeJS.Signals): void {
    this.#child.kill(signal)
  }

  /** For cleanup after a failed test: make sure it is gone. */
  /**
   * Ends it after a test, passed or failed: SIGINT first, so it stops the redis-server and web app
   * it started (they run in their own process groups and would outlive a SIGKILL), then SIGKILL
   * if it has not exited within 15 s.
   */
  async kill(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return
    this.#child.kill('SIGINT')
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 15_000)
    await this.result
    clearTimeout(timer)
  }
}

/** A temporary STEWARD_HOME; `dispose` deletes it. */
export async function tempHome(): Promise<{ path: string; dispose(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'steward-cli-test-'))
  return { path, dispose: () => rm(path, { recursive: true, force: true }) }
}

/** The lines of a stream's output, without the empty ones. */
export const lines = (text: string) => text.split('\n').filter((line) => line.trim() !== '')

/** A stack trace line, which users must never see. */
export const stackLine = /^\s+at /m

// From their modules, not the index: the web's tests compile what they import, with Next's types.
export { ensureWebBuild } from '../../src/web/ensure-web-build.ts'
export { findWebApp } from '../../src/web/web-app-dir.ts'
