import { join } from 'node:path'
import { writeFileAtomic } from '../write-file-atomic.ts'
import { generateChurnCsv } from './generate-churn-csv.ts'

/**
 * Drops a generated churn export into `dir` (the inbox) as `churn-<asOf>.csv`. With `breakLine`, that
 * line's `messages_sent_28d` is replaced by `n/a`: the malformed file the alert demo needs.
 *
 * @example
 * const path = await writeChurnFile(inbox, { seed: 7, users: 20_000, asOf: '2026-11-02' })
 */
export async function writeChurnFile(
  dir: string,
  options: { seed: number; users: number; asOf: string; breakLine?: number },
): Promise<string> {
  let text = generateChurnCsv(options)
  if (options.breakLine !== undefined) {
    const lines = text.split('\n')
    const target = lines[options.breakLine - 1]
    if (target === undefined || options.breakLine < 2)
      throw new Error(`the file has no data line ${options.breakLine}`)
    const fields = target.split(',')
    fields[2] = 'n/a'
    lines[options.breakLine - 1] = fields.join(',')
    text = lines.join('\n')
  }
  const path = join(dir, `churn-${options.asOf}${options.breakLine === undefined ? '' : '-broken'}.csv`)
  await writeFileAtomic(path, text)
  return path
}
