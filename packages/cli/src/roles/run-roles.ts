import { stewardPaths } from '@steward/config'
import type { StewardDb } from '@steward/db'
import type { Project } from '@steward/engine'
import { openDatabase } from '../database/open-database.ts'
import { waitForWebApp, webExited } from '../dev/wait-for-web-app.ts'
import { inheritedEnvironment, readSlackSettings, readStartSettings, warehouseVariables } from '../env.ts'
import { cliError } from '../errors.ts'
import { assertPortFree } from '../net/port-free.ts'
import { visibleText } from '../output/visible-text.ts'
import { loadAndValidate } from '../project/deploy-project.ts'
import { assertQueueAnswers, describeQueue, type QueueTarget } from '../project/runtime-services.ts'
import { CleanupStack } from '../services/cleanup-stack.ts'
import { onShutdownSignals } from '../services/shutdown-signals.ts'
import type { SupervisedProcess } from '../services/supervised-process.ts'
import { startWebApp } from '../services/web-app.ts'
import { ensureWebBuild } from '../web/ensure-web-build.ts'
import { findWebApp } from '../web/web-app-dir.ts'
import type { Role } from './role-names.ts'
import { startSchedulerRole } from './scheduler-role.ts'
import { startWorkerRole } from './worker-role.ts'

export interface StartOptions {
  roles: ReadonlySet<Role>
  /** The project file; only the worker role needs one (it runs the step code). */
  configFile: (() => string) | undefined
  concurrency: number
}

export interface StartOutput {
  out: (line: string) => void
  err: (line: string) => void
}

/** SIGTERM to gone: what a supervisor (systemd, Kubernetes, compose) waits for before SIGKILL. */
const stopWithinMs = 10_000
/** Left for the database and queue connections after the roles' deadline. */
const stopMarginMs = 1_000

/**
 * `steward start`: production roles in this process. Everything that can be wrong is checked
 * before anything starts (settings, the project, the port, a migrated database, a queue that
 * answers), so a bad setting is one line and nothing to undo. Never starts a database or a Redis
 * and never deploys. Resolves after SIGTERM/SIGINT stopped every role; throws when startup fails
 * or the web server dies on its own.
 */
export async function runRoles(options: StartOptions, output: StartOutput): Promise<void> {
  const { out, err } = output
  const { settings, redisUrlGiven } = readStartSettings()
  if (settings.databaseUrl === undefined) {
    throw cliError(
      'SETTING_REQUIRED',
      'DATABASE_URL is not set: steward start runs on PostgreSQL (postgres://user:password@host:5432/steward), never the embedded database',
    )
  }
  if (settings.queue === 'redis' && !redisUrlGiven) {
    throw cliError(
      'SETTING_REQUIRED',
      'REDIS_URL is not set: steward start with STEWARD_QUEUE=redis (the default) needs redis://host:6379, or set STEWARD_QUEUE=postgres',
    )
  }
  const has = (role: Role) => options.roles.has(role)
  const project: Project | undefined =
    has('worker') && options.configFile ? await loadAndValidate(options.configFile()) : undefined
  const webApp = has('web') ? findWebApp() : undefined
  if (webApp) await assertPortFree(settings.port)

  const cleanup = new CleanupStack()
  const forceStops: (() => void)[] = []
  const stopRequested = new AbortController()
  const signalsDone = onShutdownSignals(
    (signal) => {
      out(`steward: ${signal}, stopping ${cleanup.names.join(', ') || 'what has started'}`)
      stopRequested.abort()
    },
    () => {
      err('steward: stopping at once')
      for (const kill of forceStops) kill()
      process.exit(130)
    },
  )
  const stopped = new Promise<'stop'>((resolve) =>
    stopRequested.signal.addEventListener('abort', () => resolve('stop')),
  )
  let db: StewardDb | undefined
  try {
    // Steps in flight, plus the heartbeat's, the reconciler's and the alerts' connections.
    db = await openDatabase(settings, { poolSize: options.concurrency + 4 })
    const opened = db
    out(`database: ${opened.displayUrl}`)
    const queue: QueueTarget = {
      backend:
        settings.queue === 'postgres'
          ? { kind: 'postgres', url: opened.url }
          : { kind: 'redis', url: settings.redisUrl },
      prefix: settings.queuePrefix,
    }
    await assertQueueAnswers(queue)
    out(`queue: ${describeQueue(queue, opened)}`)

    let web: SupervisedProcess | undefined
    if (webApp) {
      // Built at image build time in a container; in a checkout, built here when sources changed.
      await ensureWebBuild(webApp, { log: out, signal: stopRequested.signal })
      web = startWebApp(webApp, {
        port: settings.port,
        env: { ...inheritedEnvironment(), PORT: String(settings.port), NEXT_TELEMETRY_DISABLED: '1' },
        onLine: (line, stream) => {
          if (visibleText(line) !== '') (stream === 'stdout' ? out : err)(`web │ ${line}`)
        },
      })
      const child = web
      out(`web: starting the production server on port ${settings.port} (pid ${child.pid})`)
      forceStops.push(() => child.kill())
      cleanup.push('web', () => child.stop())
      if (!(await waitForWebApp(child, settings.port, stopRequested.signal))) return
      out(`web: answering on port ${settings.port}${settings.publicUrl ? ` (${settings.publicUrl})` : ''}`)
    }
    if (stopRequested.signal.aborted) return

    const slack = readSlackSettings()
    if (project) {
      const worker = await startWorkerRole({
        db: opened,
        queue,
        project,
        concurrency: options.concurrency,
        workerLoss: settings,
        retention: settings.retention,
        inboxRoot: stewardPaths(settings.home).inbox,
        warehouse: { stewardHome: settings.home, variables: warehouseVariables() },
        slack,
        receivers: settings.receivers,
        publicUrl: settings.publicUrl,
        log: out,
      })
      cleanup.push('worker', () => worker.close())
    }
    if (has('scheduler')) {
      const scheduler = startSchedulerRole({
        db: opened,
        queue,
        slack,
        receivers: settings.receivers,
        publicUrl: settings.publicUrl,
        alerts: !project,
        workerLoss: settings,
        retention: project ? undefined : settings.retention,
        // A worker role in this process observes the tables already.
        ...(project ? {} : { warehouse: { stewardHome: settings.home, variables: warehouseVariables() } }),
        log: out,
      })
      cleanup.push('scheduler', () => scheduler.close())
    }
    out(`steward: running ${[...options.roles].join(', ')} (pid ${process.pid}); SIGTERM or Ctrl-C to stop`)

    const outcome = await Promise.race([stopped, ...(web ? [web.exited.then(() => 'web' as const)] : [])])
    if (outcome === 'web' && web) throw await webExited(web)
  } catch (error) {
    if (!stopRequested.signal.aborted) throw error
  } finally {
    await stopInTime(cleanup, forceStops, err)
    await db?.close()
    signalsDone()
    if (stopRequested.signal.aborted) out('steward: stopped')
  }
}

/**
 * Stops the roles within the supervisor's grace. Steps still running at the deadline are left to
 * the reconciler of another process, which retries them once their heartbeat stops (WORKER_LOST):
 * handed back rather than lost.
 */
async function stopInTime(
  cleanup: CleanupStack,
  forceStops: readonly (() => void)[],
  err: (line: string) => void,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), stopWithinMs - stopMarginMs)
  })
  const outcome = await Promise.race([cleanup.run(err).then(() => 'done' as const), late])
  clearTimeout(timer)
  if (outcome === 'late') {
    for (const kill of forceStops) kill()
    err(
      `steward: ${cleanup.names.join(', ') || 'a role'} still stopping after ${(stopWithinMs - stopMarginMs) / 1000} s: exiting; unfinished steps are retried by another worker`,
    )
    process.exit(1)
  }
}
