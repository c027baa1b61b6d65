import { access } from 'node:fs/promises'
import { join } from 'node:path'
import type { ActivityEvent } from '../activity/activity-event.ts'
import { writeFileAtomic } from '../write-file-atomic.ts'
import { buildSequences } from './build-sequences.ts'
import { readEvents } from './read-events.ts'
import { daysOfWeeks } from './week-start.ts'

export interface BuildSequencesFileOptions {
  /** The activity pipeline's events folder (`<day>.jsonl`). */
  eventsDir: string
  /** Week starts (Mondays), oldest first. */
  weeks: readonly string[]
  /** Where `sequences.jsonl` goes. */
  outDir: string
  /**
   * Events of a day the activity pipeline has not counted (a fresh install has one day, the funnel
   * needs twelve weeks). Written to `eventsDir` so the next run reads them.
   */
  backfill: (day: string) => ActivityEvent[] | Promise<ActivityEvent[]>
  signal?: AbortSignal
}

export interface SequencesFile {
  path: string
  events: number
  users: number
  daysRead: number
  daysBackfilled: number
  /** Bytes of events read. */
  bytes: number
}

/**
 * Reads the events of every day of `weeks` and writes per-user sequences (user, time, action,
 * sorted by user and time) to `<outDir>/sequences.jsonl`.
 *
 * @example
 * const file = await buildSequencesFile({ eventsDir, weeks: lastCompleteWeeks(now, 12), outDir, backfill })
 */
export async function buildSequencesFile(options: BuildSequencesFileOptions): Promise<SequencesFile> {
  const first = options.weeks[0]
  const last = options.weeks[options.weeks.length - 1]
  if (first === undefined || last === undefined) throw new Error('buildSequencesFile needs at least one week')
  const all: ActivityEvent[] = []
  let daysRead = 0
  let daysBackfilled = 0
  let bytes = 0
  for (const day of daysOfWeeks(first, last)) {
    options.signal?.throwIfAborted()
    const path = join(options.eventsDir, `${day}.jsonl`)
    let events: ActivityEvent[]
    if (await exists(path)) {
      events = await readEvents(path)
      daysRead++
    } else {
      events = await options.backfill(day)
      await writeFileAtomic(path, events.map((event) => `${JSON.stringify(event)}\n`).join(''))
      daysBackfilled++
    }
    for (const event of events) {
      all.push(event)
      // Pretend-scan size: the JSON line as stored.
      bytes += event.user.length + event.time.length + event.action.length + 40
    }
  }
  const sequences = buildSequences(all)
  const path = join(options.outDir, 'sequences.jsonl')
  await writeFileAtomic(path, sequences.map((event) => `${JSON.stringify(event)}\n`).join(''))
  return {
    path,
    events: sequences.length,
    users: new Set(sequences.map((e) => e.user)).size,
    daysRead,
    daysBackfilled,
    bytes,
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  )
}
