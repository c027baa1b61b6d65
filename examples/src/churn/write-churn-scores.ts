import type { WarehouseSql } from '@steward/pipelines'
import { insertRows } from '../warehouse/insert-rows.ts'
import type { ScoredUser } from './segment.ts'

/** The published table of churn scores: one row per user and export. */
export const churnScoresTable = 'analytics.churn_scores'

const createTable = `create table if not exists ${churnScoresTable} (
  user_id text not null,
  as_of date not null,
  probability double precision not null,
  segment text not null,
  paid boolean not null,
  model text not null,
  scored_at timestamptz not null
)`

/**
 * Replaces one export's scores in `analytics.churn_scores` (the export is its `as_of` day): deletes
 * that day's rows, then inserts every user's. A rescored export replaces itself, so retries and
 * repeated files are harmless. One statement per call, no transaction across them: a failure after
 * the delete leaves the export missing until the step's retry writes it.
 *
 * @example
 * await writeChurnScores(ctx.sql('warehouse'), { asOf: '2026-11-02', model: 'v3', users, scoredAt: new Date() })
 */
export async function writeChurnScores(
  sql: WarehouseSql,
  scores: { asOf: string; model: string; users: readonly ScoredUser[]; scoredAt: Date },
): Promise<{ deleted: number; inserted: number }> {
  await sql.query('create schema if not exists analytics')
  await sql.query(createTable)
  // Contract: deletes one export's rows (as_of = $1), nothing else.
  const { rowCount: deleted } = await sql.query(
    `delete from ${churnScoresTable} where as_of = cast($1 as date)`,
    [scores.asOf],
  )
  const inserted = await insertRows(
    sql,
    churnScoresTable,
    ['user_id', 'as_of', 'probability', 'segment', 'paid', 'model', 'scored_at'],
    scores.users.map((user) => [
      user.user_id,
      scores.asOf,
      user.probability,
      user.segment,
      user.paid,
      scores.model,
      scores.scoredAt,
    ]),
  )
  return { deleted, inserted }
}
