import { mkdir, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { json } from '@steward/db'
import type { RuntimeQueue } from '../queue/runtime-queue.ts'
import { startRun } from '../runs/create-run.ts'
import type { Db } from '../store/db.ts'

export interface InboxWatcherOptions {
  /** The inbox root, `$STEWARD_HOME/inbox`; a pipeline's `onFile({ inbox })` is a folder below it. */
  root: string
  /** How often the folders are scanned. Default 2 s. */
  everyMs?: number
  /** A file is taken once it has not changed for this long (still being copied otherwise). Default 1 s. */
  settleMs?: number
  log?: (line: string) => void
  onError?: (error: unknown) => void
}

export interface InboxWatcher {
  /** Scans now; answers how many runs it started. */
  scanNow(): Promise<number>
  close(): Promise<void>
}

interface FileListener {
  pipelineId: string
  inbox: string
  param: string
}

/**
 * File triggers: polls `<root>/<inbox>/` for every deployed pipeline with `onFile({ inbox, param })`
 * and starts one run per file that landed, with the file's name in `param`. Each file is keyed by
 * its name, size and modification time, so a restart, a second watcher on the same folder or a
 * file left in place never starts a second run, while a new file of the same name does. Polling,
 * not fs.watch: it behaves the same on every file system, network mounts included.
 */
export function watchInboxes(db: Db, queue: RuntimeQueue, options: InboxWatcherOptions): InboxWatcher {
  const seen = new Set<string>()
  const settleMs = options.settleMs ?? 1000
  let scanning: Promise<number> | undefined

  const scan = async (): Promise<number> => {
    const listeners = await fileListeners(db)
    let started = 0
    for (const listener of listeners) {
      const dir = join(options.root, listener.inbox)
      await mkdir(dir, { recursive: true })
      for (const name of (await readdir(dir)).sort()) {
        if (name.startsWith('.')) continue
        const info = await stat(join(dir, name)).catch(() => undefined)
        if (!info?.isFile() || Date.now() - info.mtimeMs < settleMs) continue
        const key = `file:${listener.inbox}/${name}:${info.size}:${Math.round(info.mtimeMs)}`
        if (seen.has(`${listener.pipelineId} ${key}`)) continue
        const run = await startRun(db, queue, {
          pipelineId: listener.pipelineId,
          params: { [listener.param]: name },
          trigger: 'event',
          triggerDetail: { file: name, inbox: listener.inbox },
          // The run shows a params problem on its page rather than the file vanishing unnoticed.
          skipParamsCheck: true,
          idempotencyKey: key,
        })
        seen.add(`${listener.pipelineId} ${key}`)
        if (run.created) {
          started += 1
          options.log?.(`inbox: ${listener.inbox}/${name} → run ${run.runId} of ${listener.pipelineId}`)
        }
      }
    }
    return started
  }

  const scanNow = () => {
    // One scan at a time: a slow folder must not stack scans on each other.
    scanning ??= scan().finally(() => {
      scanning = undefined
    })
    return scanning
  }
  const timer = setInterval(() => {
    scanNow().catch((error: unknown) => options.onError?.(error))
  }, options.everyMs ?? 2000)
  timer.unref()

  return {
    scanNow,
    async close() {
      clearInterval(timer)
      await scanning?.catch(() => 0)
    },
  }
}

async function fileListeners(db: Db): Promise<FileListener[]> {
  const rows = await db
    .selectFrom('pipelines')
    .select(['id', 'triggers'])
    .where('archived_at', 'is', null)
    .where((eb) => eb('triggers', '@>', eb.cast<unknown[]>(eb.val(json([{ kind: 'file' }])), 'jsonb')))
    .orderBy('id')
    .execute()
  return rows.flatMap((row) =>
    (row.triggers as { kind: string; inbox?: string; param?: string }[]).flatMap((trigger) =>
      trigger.kind === 'file' && trigger.inbox && trigger.param
        ? [{ pipelineId: row.id, inbox: trigger.inbox, param: trigger.param }]
        : [],
    ),
  )
}
