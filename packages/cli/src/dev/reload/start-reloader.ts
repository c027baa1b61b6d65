import { dirname } from 'node:path'
import type { StewardDb } from '@steward/db'
import type { Project } from '@steward/engine'
import { reportError } from '../../output/report-error.ts'
import { deployProject } from '../../project/deploy-project.ts'
import { type QueueTarget, syncProjectSchedules } from '../../project/runtime-services.ts'
import { forgetReloads, recordReload } from './dev-loop-state.ts'
import { reloadProblem } from './reload-problem.ts'
import { type ProjectWatcher, watchProject } from './watch-project.ts'

export interface ReloaderOptions {
  /** Absolute path of the project's steward.config.ts; its folder is watched. */
  configFile: string
  db: StewardDb
  /** Where the schedules go, as `steward deploy` syncs them. */
  queue: QueueTarget
  /** The in-process worker: takes the new load of the code. */
  worker: { loadCode(project: Project): Promise<void> }
  out: (line: string) => void
  err: (line: string) => void
  /** Quiet time after the last file event before reloading. Default 100 ms. */
  debounceMs?: number
}

export interface Reloader {
  /** Stops watching, waits for a reload under way, and removes the loop's row from SQL. */
  close(): Promise<void>
}

/**
 * `steward dev`'s reload on save. Watches the project folder; after each burst of saves it does
 * what `steward deploy` does (validate, sync the catalog, sync the schedules) and hands the new
 * code to the worker: new runs run it, runs in flight finish on the code they started with. A
 * save that does not load (a syntax error, a throwing import, a validation error) is reported with
 * file and line in the terminal and in `dev_loops` (the web UI's banner), and changes nothing:
 * the last good version keeps running. Reloads run one at a time; saves during one make one more.
 *
 * @example
 * const reloader = await startReloader({ configFile, db, queue, worker, out, err })
 * cleanup.push('reloader', () => reloader.close())
 */
export async function startReloader(options: ReloaderOptions): Promise<Reloader> {
  const { db, out, err } = options
  const root = dirname(options.configFile)
  let running: Promise<void> | undefined
  let waiting = new Set<string>()
  let lastGood = new Date()

  const reload = async (paths: ReadonlySet<string>) => {
    const savedAt = performance.now()
    const shown = [...paths].slice(0, 3).join(', ') + (paths.size > 3 ? `, +${paths.size - 3} more` : '')
    out(`reload: ${shown} changed`)
    try {
      const { project, result } = await deployProject(db, options.configFile, out)
      await syncProjectSchedules(options.queue, result.schedules, out)
      await options.worker.loadCode(project)
      lastGood = new Date()
      await recordReload(db.db, root, { ok: true })
      out(`reload: the worker runs the new code (${Math.round(performance.now() - savedAt)} ms)`)
    } catch (error) {
      reportError(error, false, (line) => err(line.replace(/^steward: /, 'reload: ')))
      await recordReload(db.db, root, {
        ok: false,
        problem: reloadProblem(error, root, options.configFile),
      }).catch((recordError) =>
        err(`reload: could not record the problem for the web UI: ${String(recordError)}`),
      )
      err(
        `reload: still running the version deployed at ${lastGood.toLocaleTimeString()}; fix it and save again`,
      )
    }
  }

  const schedule = (paths: ReadonlySet<string>) => {
    for (const path of paths) waiting.add(path)
    if (running) return
    const next = waiting
    waiting = new Set()
    running = reload(next).finally(() => {
      running = undefined
      if (waiting.size > 0) schedule(new Set())
    })
  }

  await recordReload(db.db, root, { ok: true })
  let watcher: ProjectWatcher | undefined
  try {
    watcher = await watchProject(root, schedule, {
      ...(options.debounceMs === undefined ? {} : { debounceMs: options.debounceMs }),
      onError: (error) => err(`reload: watching ${root}: ${error.message}`),
    })
    out(`reload: watching ${root} (saves validate, deploy and reload the worker)`)
  } catch (error) {
    // Say so and go on: everything else of steward dev works without it (inotify limits, say).
    err(`reload: cannot watch ${root} (${(error as Error).message}): restart steward dev after changes`)
  }
  return {
    async close() {
      watcher?.close()
      waiting.clear()
      await running
      await forgetReloads(db.db, root).catch(() => {})
    },
  }
}
