import { join } from 'node:path'
import { type Settings, stewardPaths } from '@steward/config'
import { migrateDatabase, openDatabase } from '../database/open-database.ts'
import { inheritedEnvironment, readSlackSettings } from '../env.ts'
import { cliError } from '../errors.ts'
import { ensureHome } from '../home/ensure-home.ts'
import { ensureUsageSalt } from '../home/ensure-usage-salt.ts'
import { assertPortFree } from '../net/port-free.ts'
import { visibleText } from '../output/visible-text.ts'
import { deployProject } from '../project/deploy-project.ts'
import type { ConfigLookup } from '../project/find-config.ts'
import { CleanupStack } from '../services/cleanup-stack.ts'
import { startDevWorker } from '../services/dev-worker.ts'
import type { Service } from '../services/service.ts'
import { onShutdownSignals } from '../services/shutdown-signals.ts'
import { startWebApp } from '../services/web-app.ts'
import { ensureWebBuild } from '../web/ensure-web-build.ts'
import { findWebApp } from '../web/web-app-dir.ts'
import { banner } from './banner.ts'
import { ensureDevQueue } from './dev-queue.ts'
import { startReloader } from './reload/start-reloader.ts'
import { waitForWebApp, webExited } from './wait-for-web-app.ts'

export interface DevOptions {
  /** Start the web UI (`--no-web` turns it off). */
  web: boolean
  /**
   * The project file (`--config`, else found walking up from the working directory). Not found:
   * dev starts without a project and says where it looked; a `--config` that does not exist fails.
   */
  config: ConfigLookup
  /** Start scheduled pipelines that never ran once (`--no-first-runs` turns it off). */
  firstRuns: boolean
}

export interface DevOutput {
  out: (line: string) => void
  err: (line: string) => void
}

/**
 * Everything on one machine: the database (embedded unless DATABASE_URL is set), the queue (Redis
 * when one answers or STEWARD_QUEUE=redis starts one, else the PostgreSQL queue in the database),
 * the web UI and the worker. Resolves after a
 * SIGINT/SIGTERM stopped it all; throws if startup fails or a service dies on its own.
 */
export async function runDev(settings: Settings, options: DevOptions, output: DevOutput): Promise<void> {
  const { out, err } = output
  const cleanup = new CleanupStack()
  // What a second Ctrl-C kills at once; children sit in process groups of their own, so the
  // terminal's signal does not reach them.
  const forceStops: (() => void)[] = []
  const stopRequested = new AbortController()
  const signalsDone = onShutdownSignals(
    (signal) => {
      out(
        `\nsteward: ${signal}, stopping ${cleanup.names.join(', ') || 'what has started'} (Ctrl-C again to force)`,
      )
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

  try {
    // Before anything starts: a taken port is then one line and nothing to undo.
    if (options.web) await assertPortFree(settings.port)

    const db = await openDatabase(settings, { migrates: true })
    cleanup.push('database', () => db.close())
    out(`database: ${db.displayUrl}${db.embedded ? ` served at ${new URL(db.url).host}` : ''}`)
    await migrateDatabase(db, out)
    let deployed: Awaited<ReturnType<typeof deployProject>> | undefined
    if (options.config.found) {
      deployed = await deployProject(db, options.config.path, out)
    } else {
      out(`deploy: nothing deployed: ${options.config.message}`)
    }
    if (stopRequested.signal.aborted) return

    await ensureHome(settings.home)
    const usageSalt = settings.usageSalt ?? (await ensureUsageSalt(settings.home)).salt
    const redisDir = stewardPaths(settings.home).redis
    const queue = await ensureDevQueue(settings, db, redisDir, out)
    cleanup.push('queue choice', () => queue.release())
    const redis = queue.redis
    const watched: Service[] = []
    if (redis?.startedHere) {
      cleanup.push('redis-server', () => redis.stop())
      forceStops.push(() => redis.kill())
      watched.push({ name: 'redis-server', exited: redis.exited, lastLines: () => [] })
    }
    if (stopRequested.signal.aborted) return

    let webUrl: string | undefined
    if (options.web) {
      const webApp = findWebApp()
      await ensureWebBuild(webApp, { log: out, signal: stopRequested.signal })
      await assertPortFree(settings.port)
      const web = startWebApp(webApp, {
        port: settings.port,
        env: {
          ...inheritedEnvironment(),
          DATABASE_URL: db.url,
          STEWARD_QUEUE: queue.target.backend.kind,
          ...(redis ? { REDIS_URL: redis.url } : {}),
          PORT: String(settings.port),
          STEWARD_HOME: settings.home,
          STEWARD_USAGE_SALT: usageSalt,
          NEXT_TELEMETRY_DISABLED: '1',
        },
        onLine: (line, stream) => {
          // Next spaces its output with blank lines and resets the cursor on exit: noise here.
          if (visibleText(line) !== '') (stream === 'stdout' ? out : err)(`web │ ${line}`)
        },
      })
      out(`web: starting the production server on port ${settings.port} (pid ${web.pid})`)
      forceStops.push(() => web.kill())
      cleanup.push('web', () => web.stop())
      watched.push(web)
      if (!(await waitForWebApp(web, settings.port, stopRequested.signal))) return
      webUrl = `http://localhost:${settings.port}`
    }

    const worker = await startDevWorker({
      project: deployed?.project,
      schedules: deployed?.result.schedules ?? [],
      db,
      queue: queue.target,
      concurrency: 4,
      inboxRoot: stewardPaths(settings.home).inbox,
      firstRuns: options.firstRuns,
      log: out,
      slack: readSlackSettings(),
      receivers: settings.receivers,
      retention: settings.retention,
      // Links in Slack: where people reach the UI (STEWARD_PUBLIC_URL), else this machine's.
      ...(settings.publicUrl || webUrl ? { webUrl: settings.publicUrl ?? webUrl } : {}),
    })
    // Stopped before the database closes: running steps finish and are recorded first.
    cleanup.push('worker', () => worker.stop())
    if (worker.service) watched.push(worker.service)
    if (deployed && worker.loadCode) {
      const { root, configFile } = deployed.project
      const reloader = await startReloader({
        configFile: join(root, configFile),
        db,
        queue: queue.target,
        worker: { loadCode: worker.loadCode },
        out,
        err,
      })
      cleanup.push('reloader', () => reloader.close())
    }

    for (const line of banner({
      webUrl,
      database: db.displayUrl,
      queue: queue.description,
      worker: worker.status,
    })) {
      out(line)
    }

    const outcome = await Promise.race([
      stopped,
      ...watched.map((service) => service.exited.then(() => service)),
    ])
    if (outcome !== 'stop') throw await serviceDied(outcome, err)
  } catch (error) {
    // Interrupted during startup (an aborted apt-get, a half-started child): a stop, not a failure.
    if (!stopRequested.signal.aborted) throw error
  } finally {
    await cleanup.run(err)
    signalsDone()
    if (stopRequested.signal.aborted) out('steward: stopped')
  }
}

async function serviceDied(service: Service, err: (line: string) => void): Promise<Error> {
  const lines = service.lastLines().filter((line) => visibleText(line) !== '')
  if (lines.length > 0) {
    err(`${service.name}: exited on its own; its last lines:`)
    for (const line of lines.slice(-20)) err(`${service.name} │ ${line}`)
  }
  if (service.name === 'web') return webExited(service)
  const status = await service.exited
  return cliError(
    'SERVICE_EXITED',
    `${service.name} exited on its own (${status.signal ?? `code ${status.code}`}): everything else was stopped`,
  )
}
