import { readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { formatCsv } from '../format-csv.ts'
import { writeFileAtomic } from '../write-file-atomic.ts'
import type { ChurnFeatures } from './churn-features.ts'
import { type ChurnModel, churnProbability } from './churn-model.ts'
import { parseChurnCsv } from './parse-churn-csv.ts'
import { type ScoredUser, type SegmentSummary, segmentOf, summarizeSegments } from './segment.ts'

export interface ValidatedChurnFile {
  file: string
  users: number
  bytes: number
  /** The export day: the latest `last_seen` in the file. */
  asOf: string
}

/**
 * Reads and strictly checks a churn export (throws ChurnFileError naming line and column).
 *
 * @example
 * const { users, asOf } = await validateChurnFile('/home/steward/inbox/churn/2026-11-02.csv')
 */
export async function validateChurnFile(
  file: string,
): Promise<ValidatedChurnFile & { rows: ChurnFeatures[] }> {
  const text = await readFile(file, 'utf8')
  const rows = parseChurnCsv(text, basename(file))
  let asOf = ''
  for (const row of rows) if (row.last_seen > asOf) asOf = row.last_seen
  return { file, users: rows.length, bytes: Buffer.byteLength(text), asOf, rows }
}

const scoreColumns = ['user_id', 'probability', 'segment', 'paid'] as const

/**
 * Scores every user of a validated file and writes `<outDir>/scores.csv` (user_id, probability,
 * segment, paid).
 */
export async function scoreChurnFile(options: {
  file: string
  model: ChurnModel
  outDir: string
}): Promise<{ scoresPath: string; users: number; bytes: number; meanProbability: number }> {
  const { rows, asOf, bytes } = await validateChurnFile(options.file)
  const scored: ScoredUser[] = rows.map((row) => {
    const probability = churnProbability(row, options.model, asOf)
    return {
      user_id: row.user_id,
      probability: Math.round(probability * 10_000) / 10_000,
      segment: segmentOf(probability, options.model.segments),
      paid: row.paid,
    }
  })
  const scoresPath = join(options.outDir, 'scores.csv')
  await writeFileAtomic(scoresPath, formatCsv(scoreColumns, scored))
  const mean = scored.reduce((sum, user) => sum + user.probability, 0) / scored.length
  return { scoresPath, users: scored.length, bytes, meanProbability: Math.round(mean * 10_000) / 10_000 }
}

/** Reads a scores.csv this module wrote. */
export function parseScoresCsv(text: string): ScoredUser[] {
  const users: ScoredUser[] = []
  for (const line of text.split('\n').slice(1)) {
    if (line === '') continue
    const [user_id = '', probability = '', segment = '', paid = ''] = line.split(',')
    if (segment !== 'low' && segment !== 'medium' && segment !== 'high')
      throw new Error(`bad segment in scores: ${line}`)
    users.push({ user_id, probability: Number(probability), segment, paid: paid === 'true' })
  }
  return users
}

/** Summarises `scores.csv` per segment into `<outDir>/segments.json` and `segments.csv`. */
export async function writeSegmentSummary(options: {
  scoresPath: string
  outDir: string
}): Promise<{ summaryPath: string; segments: SegmentSummary[] }> {
  const segments = summarizeSegments(parseScoresCsv(await readFile(options.scoresPath, 'utf8')))
  const summaryPath = join(options.outDir, 'segments.json')
  await writeFileAtomic(summaryPath, `${JSON.stringify(segments, null, 2)}\n`)
  await writeFileAtomic(
    join(options.outDir, 'segments.csv'),
    formatCsv(['segment', 'users', 'share', 'paid_users', 'mean_probability', 'expected_churners'], segments),
  )
  return { summaryPath, segments }
}
