import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Environment } from '@steward/config'

export interface ExitStatus {
  code: number | null
  signal: NodeJS.Signals | null
  /** Set when the process could not be started at all (ENOENT, EACCES). */
  error?: Error
}

/** A child process `steward dev` owns: it stops it, and notices when it dies on its own. */
export interface SupervisedProcess {
  readonly name: string
  readonly pid: number | undefined
  /** Resolves when the process exits, for whatever reason. */
  readonly exited: Promise<ExitStatus>
  hasExited(): boolean
  /** The last lines it printed (when its output is read), to show why it died. */
  lastLines(): string[]
  /** SIGTERM to its process group, SIGKILL after `graceMs`; resolves once it is gone. */
  stop(graceMs?: number): Promise<ExitStatus>
  /** SIGKILL to its process group, now: for a forced stop. */
  kill(): void
}

export interface StartProcessOptions {
  name: string
  command: string
  args: string[]
  cwd?: string
  env?: Environment
  /** Receives each output line; without it the output is discarded. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void
  /** How many output lines `lastLines()` keeps. */
  keepLines?: number
}

/**
 * Starts a child in a process group of its own (`detached`), so a Ctrl-C in the terminal reaches
 * only us and we stop children in order, and so stopping reaches its own children too (the web
 * runs several). Not `unref`ed: a running child keeps this process alive, as a supervisor should.
 */
export function startProcess(options: StartProcessOptions): SupervisedProcess {
  const keep = options.keepLines ?? 40
  const recent: string[] = []
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    // Next's types (present when apps/web compiles this file) make NODE_ENV a required key.
    env: options.env as NodeJS.ProcessEnv | undefined,
    detached: true,
    stdio: ['ignore', options.onLine ? 'pipe' : 'ignore', options.onLine ? 'pipe' : 'ignore'],
  })

  const onLine = options.onLine
  if (onLine) {
    for (const [stream, readable] of [
      ['stdout', child.stdout],
      ['stderr', child.stderr],
    ] as const) {
      if (!readable) continue
      createInterface({ input: readable, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
        recent.push(line)
        if (recent.length > keep) recent.shift()
        onLine(line, stream)
      })
    }
  }

  let status: ExitStatus | undefined
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      status = { code, signal }
      resolve(status)
    })
    child.once('error', (error) => {
      // `error` without `exit` means it never started; after an exit it changes nothing.
      if (child.pid === undefined) {
        status = { code: null, signal: null, error }
        resolve(status)
      }
    })
  })

  // Signal 0 delivers nothing: it only asks whether any process of the group is left.
  const signalGroup = (signal: NodeJS.Signals | 0): boolean => {
    if (child.pid === undefined) return false
    try {
      process.kill(-child.pid, signal)
      return true
    } catch {
      return false // ESRCH: the whole group is gone.
    }
  }

  let stopping: Promise<ExitStatus> | undefined
  const stop = (graceMs = 5_000) => {
    stopping ??= (async () => {
      // Even after the leader exited, its children may remain in the group: signal it regardless.
      signalGroup('SIGTERM')
      const deadline = Date.now() + graceMs
      while (Date.now() < deadline && (status === undefined || signalGroup(0))) {
        await sleep(50)
      }
      signalGroup('SIGKILL')
      return exited
    })()
    return stopping
  }

  return {
    name: options.name,
    pid: child.pid,
    exited,
    hasExited: () => status !== undefined,
    lastLines: () => [...recent],
    stop,
    kill: () => {
      signalGroup('SIGKILL')
    },
  }
}
