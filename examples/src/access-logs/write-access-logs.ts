import { join } from 'node:path'
import { writeFileAtomic } from '../write-file-atomic.ts'
import { type GenerateAccessLogsOptions, generateAccessLogs } from './generate-access-logs.ts'

export interface WrittenLog {
  path: string
  lines: number
  bytes: number
}

/** The file a day's access log lives in under `dir`: `<dir>/<day>.jsonl`. */
export function accessLogPath(dir: string, day: string): string {
  return join(dir, `${day}.jsonl`)
}

/**
 * Generates one day of access logs and writes them as JSON lines to `<dir>/<day>.jsonl`. Written to a
 * temporary file first and renamed, so a reader never sees half a day.
 *
 * @example
 * const { path, lines } = await writeAccessLogs('/tmp/logs', { seed: 7, day: '2026-11-02' })
 */
export async function writeAccessLogs(dir: string, options: GenerateAccessLogsOptions): Promise<WrittenLog> {
  const lines = generateAccessLogs(options)
  const text = lines.length === 0 ? '' : `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`
  const path = accessLogPath(dir, options.day)
  const bytes = await writeFileAtomic(path, text)
  return { path, lines: lines.length, bytes }
}
