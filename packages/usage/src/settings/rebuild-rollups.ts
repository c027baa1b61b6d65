import type { Database } from '@steward/db'
import { type Kysely, sql } from 'kysely'
import { isRealUse } from '../catalog-views.ts'
import { foldLock, foldParts } from '../ingest/fold-pending.ts'
import { localDay, monthOf, settingsRow, weekOf } from './calendar-sql.ts'

/**
 * Recomputes every usage and cost rollup from the raw events and cost entries, in the calendar of
 * `usage_settings` (catalog views as events of their kind, never as users, as the fold does).
 * Run inside a transaction: the share locks keep ingestion and new cost entries waiting until the
 * rebuilt rows commit, so none is counted twice or lost. Also how a bulk load done in plain SQL
 * (the benchmark's) is made visible.
 */
export async function rebuildRollups(db: Kysely<Database>): Promise<void> {
  // Wait for a running fold, then keep new events out until the rebuilt rows commit; the pending
  // queue is emptied because every raw event is counted below.
  for (let part = 0; part < foldParts; part++)
    await sql`select pg_advisory_xact_lock(${foldLock(part)})`.execute(db)
  await sql`lock table usage_events, usage_pending, cost_entries in share row exclusive mode`.execute(db)
  await sql`delete from usage_pending`.execute(db)
  // Aggregating millions of events: room to hash in memory instead of spilling to disk.
  await sql`set local work_mem = '256MB'`.execute(db)
  for (const table of [
    'usage_daily',
    'usage_period_actors',
    'usage_period_uniques',
    'usage_actor_last_seen',
    'usage_last_seen_days',
    'cost_daily',
  ]) {
    await sql`delete from ${sql.table(table)}`.execute(db)
  }
  const day = localDay(sql.ref('e.at'))
  await sql`
    insert into usage_daily (product_id, day, kind, events)
    select e.product_id, ${day}, e.kind, count(*)
    from usage_events e cross join ${settingsRow}
    group by 1, 2, 3`.execute(db)
  await sql`
    insert into usage_period_actors (product_id, grain, period, actor_hash)
    select distinct d.product_id, g.grain, g.period, d.actor_hash
    from (
      select distinct e.product_id, ${day} as day, e.actor_hash, s.week_starts_on
      from usage_events e cross join ${settingsRow}
      where ${isRealUse(sql.ref('e.kind'))}
    ) d
    cross join ${settingsRow}
    cross join lateral (values
      ('day', d.day), ('week', ${weekOf(sql.ref('d.day'))}), ('month', ${monthOf(sql.ref('d.day'))})
    ) as g (grain, period)`.execute(db)
  await sql`
    insert into usage_period_uniques (product_id, grain, period, actors)
    select product_id, grain, period, count(*) from usage_period_actors group by 1, 2, 3`.execute(db)
  await sql`
    insert into usage_actor_last_seen (product_id, actor_hash, last_day)
    select e.product_id, e.actor_hash, max(${day})
    from usage_events e cross join ${settingsRow}
    where ${isRealUse(sql.ref('e.kind'))}
    group by 1, 2`.execute(db)
  await sql`
    insert into usage_last_seen_days (product_id, day, actors)
    select product_id, last_day, count(*) from usage_actor_last_seen group by 1, 2`.execute(db)
  await sql`
    insert into cost_daily (product_id, day, usd)
    select c.product_id, ${localDay(sql.ref('c.at'))}, sum(c.usd)
    from cost_entries c cross join ${settingsRow}
    group by 1, 2`.execute(db)
}
