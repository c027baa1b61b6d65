import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { AccessLogLine } from '../access-logs/access-log-line.ts'
import { formatCsv } from '../format-csv.ts'
import { writeFileAtomic } from '../write-file-atomic.ts'
import { countColumns } from './count-row.ts'
import { userIdHasher } from './hash-user-id.ts'
import { parseAccessLogLine } from './parse-access-log-line.ts'
import { summarizeActivity } from './summarize-activity.ts'

export interface CountAccessLogFileOptions {
  /** The day's access log (JSON lines). */
  logPath: string
  day: string
  /** Where `<day>.csv` of counts goes. */
  countsDir: string
  /** Where `<day>.jsonl` of hashed events goes. */
  eventsDir: string
  /** Salt for hashing user ids (see hashUserId). */
  salt: string
}

/** What the count step returns: references and numbers, never the data. */
export interface CountedActivity {
  countsPath: string
  eventsPath: string
  /** Log lines counted, bots excluded. */
  rows: number
  rowsByHost: Record<string, number>
  /** Bytes of log read. */
  bytes: number
  botsRemoved: number
  malformedLines: number
  /** Rows of the counts table. */
  tableRows: number
  events: number
}

/**
 * Reads a day's access log, counts it (bots removed) and writes the counts table as CSV and the
 * funnel's events as JSON lines with user ids hashed. Malformed lines are skipped and counted: a
 * server cut off mid-line must not lose the day.
 *
 * @example
 * const counted = await countAccessLogFile({ logPath, day: '2026-11-02', countsDir, eventsDir, salt })
 */
export async function countAccessLogFile(options: CountAccessLogFileOptions): Promise<CountedActivity> {
  const text = await readFile(options.logPath, 'utf8')
  const lines: AccessLogLine[] = []
  let malformedLines = 0
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue
    const parsed = parseAccessLogLine(raw)
    if (parsed.ok) lines.push(parsed.line)
    else malformedLines++
  }
  const summary = summarizeActivity(lines, userIdHasher(options.salt))
  const countsPath = join(options.countsDir, `${options.day}.csv`)
  const eventsPath = join(options.eventsDir, `${options.day}.jsonl`)
  await writeFileAtomic(countsPath, formatCsv(countColumns, summary.counts))
  await writeFileAtomic(eventsPath, summary.events.map((event) => `${JSON.stringify(event)}\n`).join(''))
  return {
    countsPath,
    eventsPath,
    rows: summary.rows,
    rowsByHost: summary.rowsByHost,
    bytes: Buffer.byteLength(text),
    botsRemoved: summary.botsRemoved,
    malformedLines,
    tableRows: summary.counts.length,
    events: summary.events.length,
  }
}
