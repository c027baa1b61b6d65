import { join } from 'node:path'
import { formatCsv } from '../format-csv.ts'
import { writeFileAtomic } from '../write-file-atomic.ts'
import { readEvents } from './read-events.ts'
import { computeWeeklyFunnel, type FunnelWeek, stages } from './weekly-funnel.ts'

export interface FunnelFile {
  jsonPath: string
  csvPath: string
  weeks: number
  /** The newest week's row: small, and what a Slack summary would quote. */
  latest: FunnelWeek | null
}

const columns = [
  'week',
  ...stages,
  'sign_ups_of_previous',
  'sign_ups_of_visitors',
  'profile_completed_of_previous',
  'profile_completed_of_visitors',
  'first_photo_of_previous',
  'first_photo_of_visitors',
  'first_connection_of_previous',
  'first_connection_of_visitors',
] as const satisfies readonly (keyof FunnelWeek)[]

/**
 * Computes the weekly funnel from a sequences file and writes it as `funnel.json` and `funnel.csv`.
 *
 * @example
 * await buildFunnelFile({ sequencesPath, weeks: lastCompleteWeeks(now, 12), outDir })
 */
export async function buildFunnelFile(options: {
  sequencesPath: string
  weeks: readonly string[]
  outDir: string
}): Promise<FunnelFile> {
  const sequences = await readEvents(options.sequencesPath)
  const funnel = computeWeeklyFunnel(sequences, options.weeks)
  const jsonPath = join(options.outDir, 'funnel.json')
  const csvPath = join(options.outDir, 'funnel.csv')
  await writeFileAtomic(jsonPath, `${JSON.stringify(funnel, null, 2)}\n`)
  await writeFileAtomic(csvPath, formatCsv(columns, funnel))
  return { jsonPath, csvPath, weeks: funnel.length, latest: funnel[funnel.length - 1] ?? null }
}
