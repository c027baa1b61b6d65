import type { Database, StewardDb } from '@steward/db'
import type { ExpressionBuilder } from 'kysely'

/** Kysely through @steward/db, the one package that owns database access; a transaction is one too. */
export type Db = StewardDb['db']

/** The database's clock plus `ms` (negative: in the past): one clock for every worker and reconciler. */
export function dbNowPlus<TB extends keyof Database>(eb: ExpressionBuilder<Database, TB>, ms: number) {
  // make_interval(years, months, weeks, days, hours, mins, secs): the one interval Kysely can build without raw SQL.
  const interval = eb.fn<Date>('make_interval', [
    eb.val(0),
    eb.val(0),
    eb.val(0),
    eb.val(0),
    eb.val(0),
    eb.val(0),
    eb.val(ms / 1000),
  ])
  return eb(eb.fn<Date>('now'), '+', interval)
}

export const terminalRunStatuses = ['succeeded', 'failed', 'cancelled'] as const
