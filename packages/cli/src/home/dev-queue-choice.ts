import { readFile, rm, writeFile } from 'node:fs/promises'
import { type QueueKind, type Settings, stewardPaths } from '@steward/config'

/**
 * `steward dev` picks the PostgreSQL queue on its own when STEWARD_QUEUE is unset and no Redis
 * answers; the other commands (`steward run` from another terminal) must then use it too. The
 * choice lives in `$STEWARD_HOME/dev-queue.json` with dev's pid, for as long as that dev runs.
 */
interface DevQueueChoice {
  queue: QueueKind
  pid: number
}

/** Writes the choice; answers the function that forgets it (on dev's stop). */
export async function recordDevQueueChoice(home: string, queue: QueueKind): Promise<() => Promise<void>> {
  const file = stewardPaths(home).devQueue
  const choice: DevQueueChoice = { queue, pid: process.pid }
  await writeFile(file, JSON.stringify(choice))
  return () => rm(file, { force: true })
}

/**
 * The settings other commands run with: with STEWARD_QUEUE unset, the queue a running `steward dev`
 * on the same STEWARD_HOME picked (its file names a live process), else the settings as they are.
 */
export async function withDevQueueChoice(settings: Settings): Promise<Settings> {
  if (settings.queueExplicit) return settings
  try {
    const choice = JSON.parse(await readFile(stewardPaths(settings.home).devQueue, 'utf8')) as DevQueueChoice
    if (choice.queue === 'postgres' && isAlive(choice.pid)) return { ...settings, queue: 'postgres' }
  } catch {
    // No steward dev picked a queue here.
  }
  return settings
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
