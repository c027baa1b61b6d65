import { type ChildProcess, spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { freePort } from '@steward/db/testing'
import { pingRedis } from '@steward/queue'
import { processDirEnv, workerIdEnv } from './pipelines.ts'
import { readySignal, type WorkerMainSettings, workerSettingsEnv } from './settings.ts'

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
const workerMain = join(import.meta.dirname, 'worker-main.ts')

/** Every child process the helpers started and that has not exited: `killAllChildren` ends them. */
const alive = new Set<ChildProcess>()

export interface Exit {
  code: number | null
  signal: NodeJS.Signals | null
}

/** A child process with its output kept, and a promise of its exit. */
export class Child {
  private out = ''
  readonly exited: Promise<Exit>

  constructor(
    readonly label: string,
    readonly process: ChildProcess,
  ) {
    alive.add(process)
    process.stdout?.on('data', (chunk: Buffer) => {
      this.out += chunk.toString()
    })
    process.stderr?.on('data', (chunk: Buffer) => {
      this.out += chunk.toString()
    })
    this.exited = new Promise((resolve) => {
      process.once('exit', (code, signal) => {
        alive.delete(process)
        resolve({ code, signal })
      })
    })
  }

  get pid(): number {
    return this.process.pid ?? -1
  }

  /** Everything the child wrote to stdout and stderr so far. */
  get output(): string {
    return this.out
  }

  /** Resolves once `text` appears in the output; rejects if the child exits or `timeoutMs` passes first. */
  async waitFor(text: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    let exit: Exit | undefined
    void this.exited.then((e) => {
      exit = e
    })
    while (!this.out.includes(text)) {
      if (exit) {
        throw new Error(`${this.label} exited (${JSON.stringify(exit)}) before "${text}":\n${this.out}`)
      }
      if (Date.now() > deadline)
        throw new Error(`${this.label}: no "${text}" after ${timeoutMs} ms:\n${this.out}`)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  }

  /** Sends `signal` (default SIGKILL) and waits for the exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<Exit> {
    if (this.process.exitCode === null && this.process.signalCode === null) this.process.kill(signal)
    return this.exited
  }
}

/**
 * Starts `worker-main.ts` in a child process (`node --import tsx`) and answers once it printed
 * READY. The step code writes its files under `dir`.
 */
export async function startWorkerProcess(
  settings: WorkerMainSettings,
  dir: string,
  options: { waitReady?: boolean } = {},
): Promise<Child> {
  const child = new Child(
    settings.workerId,
    spawn(process.execPath, ['--import', tsxLoader, workerMain], {
      env: {
        ...process.env,
        [workerSettingsEnv]: JSON.stringify(settings),
        [processDirEnv]: dir,
        [workerIdEnv]: settings.workerId,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  )
  // A cold `node --import tsx` on a busy 2-core machine, plus the queue's own start-up (BullMQ's
  // PostgreSQL backend checks its schema in a transaction) can take most of 30 s.
  if (options.waitReady ?? true) await child.waitFor(readySignal, 90_000)
  return child
}

/** SIGKILLs every child still running and waits for them: call in afterEach/afterAll. */
export async function killAllChildren(): Promise<void> {
  const exits = [...alive].map(
    (child) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          alive.delete(child)
          resolve()
          return
        }
        child.once('exit', () => resolve())
        child.kill('SIGKILL')
      }),
  )
  await Promise.all(exits)
  alive.clear()
}

/** A throw-away redis-server on a free port with extra config arguments (e.g. an evicting policy). */
export async function startRedisServer(args: readonly string[]): Promise<{ url: string; child: Child }> {
  const port = await freePort()
  const child = new Child(
    `redis-server:${port}`,
    spawn(
      '/usr/bin/redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', ...args],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    ),
  )
  const url = `redis://127.0.0.1:${port}`
  const deadline = Date.now() + 10_000
  for (;;) {
    const ping = await pingRedis(url)
    if (ping.ok) return { url, child }
    if (Date.now() > deadline) {
      await child.kill()
      throw new Error(`redis-server on ${port} did not answer: ${ping.reason}\n${child.output}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}
