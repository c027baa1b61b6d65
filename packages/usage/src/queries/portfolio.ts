import type { Database } from '@steward/db'
import { addDays, type CalendarDate, dateIn } from '@steward/kernel'
import { type Kysely, sql } from 'kysely'
import { isRealUse } from '../catalog-views.ts'
import { settingsRow } from '../settings/calendar-sql.ts'
import { readUsageCalendar } from '../settings/usage-settings.ts'

export interface WindowFigures {
  users: number
  events: number
  costUsd: number
  /** costUsd / users, or null with no user. */
  costPerUserUsd: number | null
}

export interface PortfolioEntry {
  id: string
  name: string
  tier: string | null
  current: WindowFigures
  previous: WindowFigures
  /** Relative change from the previous window (0.25 = +25 %), null when the previous was 0. */
  usersTrend: number | null
  costTrend: number | null
}

export interface PortfolioOptions {
  now?: Date
  /** Length of each window in days (default 30). */
  days?: number
  /**
   * The previous window's figures per product (`previousFigures` of `portfolioWindows(…).previous`),
   * when the caller keeps them: that window is made of closed days, so they only move with late
   * events, and they are most of the reading (every actor-day row of 30 days for the users).
   * Counted here when not given; products missing from the map count 0.
   */
  previous?: ReadonlyMap<string, WindowFigures>
}

/** A window of local days, `from` included, `to` excluded. */
export interface DayWindow {
  from: CalendarDate
  to: CalendarDate
}

/** The current and previous windows `portfolio` compares, in the usage calendar. */
export async function portfolioWindows(
  db: Kysely<Database>,
  options: { now?: Date; days?: number } = {},
): Promise<{ current: DayWindow; previous: DayWindow }> {
  const days = options.days ?? 30
  const { timezone } = await readUsageCalendar(db)
  const stop = addDays(dateIn(options.now ?? new Date(), timezone), 1)
  const start = addDays(stop, -days)
  return { current: { from: start, to: stop }, previous: { from: addDays(start, -days), to: start } }
}

/**
 * Users (distinct actors, from the per-day actor rollup), events and cost of every live product
 * over a window of days: the previous window of the portfolio.
 */
export async function previousFigures(
  db: Kysely<Database>,
  window: DayWindow,
): Promise<Map<string, WindowFigures>> {
  const rows = await sql<{ id: string; users: string; events: string; cost: string }>`
    with events as (
      select u.product_id, sum(u.events::int) as n from usage_daily u
      where u.day >= ${window.from}::date and u.day < ${window.to}::date and ${isRealUse(sql.ref('u.kind'))}
      group by 1
    ),
    cost as (
      select c.product_id, sum(c.usd) as usd from cost_daily c
      where c.day >= ${window.from}::date and c.day < ${window.to}::date group by 1
    )
    select p.id,
      (select count(distinct a.actor_hash) from usage_period_actors a
        where a.product_id = p.id and a.grain = 'day' and a.period >= ${window.from}::date and a.period < ${window.to}::date)::text as users,
      coalesce(events.n, 0)::text as events,
      coalesce(cost.usd, 0)::text as cost
    from products p
    left join events on events.product_id = p.id
    left join cost on cost.product_id = p.id
    where p.archived_at is null`.execute(db)
  return new Map(rows.rows.map((r) => [r.id, figures(r.users, r.events, r.cost)]))
}

/**
 * Every active product's usage against its cost over the last `days` days (default 30) and the
 * `days` before, for the portfolio view: who earns their keep, and which way each is moving.
 * One statement whatever the number of products: events and cost are summed per product from
 * the daily rollups in one pass each; current users are the actors last seen inside the window
 * (`usage_last_seen_days`, a few rows a product); the previous window's users need the distinct
 * actors of its days (`usage_period_actors`, read by primary key per product), unless the
 * caller passes that window's figures.
 */
export async function portfolio(
  db: Kysely<Database>,
  options: PortfolioOptions = {},
): Promise<PortfolioEntry[]> {
  const now = (options.now ?? new Date()).toISOString()
  const days = options.days ?? 30
  const known = options.previous
  const rows = await sql<{
    id: string
    name: string
    tier: string | null
    users: string
    events: string
    cost: string
    prev_users: string | null
    prev_events: string
    prev_cost: string
  }>`
    with t as (
      select (${now}::timestamptz at time zone s.timezone)::date as today from ${settingsRow}
    ),
    w as (
      select t.today - ${days - 1}::int as cur, t.today - ${2 * days - 1}::int as prev, t.today + 1 as stop,
        -- Where the sums start: the previous window too, unless the caller has its figures.
        case when ${known ? sql`true` : sql`false`} then t.today - ${days - 1}::int else t.today - ${2 * days - 1}::int end as scan
      from t
    ),
    events as (
      -- A day's events of one kind fit an int, and an int sum is a bigint: several times faster
      -- to add up than the numeric a bigint sum gives.
      select u.product_id,
        sum(u.events::int) filter (where u.day >= w.cur) as cur,
        sum(u.events::int) filter (where u.day < w.cur) as prev
      from usage_daily u cross join w
      where u.day >= w.scan and u.day < w.stop and ${isRealUse(sql.ref('u.kind'))}
      group by 1
    ),
    cost as (
      select c.product_id,
        sum(c.usd) filter (where c.day >= w.cur) as cur,
        sum(c.usd) filter (where c.day < w.cur) as prev
      from cost_daily c cross join w
      where c.day >= w.scan and c.day < w.stop
      group by 1
    ),
    users as (
      -- Every actor active in the window has its last day in it, and only those (an actor also
      -- active after the window, possible only when now is in the past, is not counted).
      select d.product_id, sum(d.actors) as cur
      from usage_last_seen_days d cross join w
      where d.day >= w.cur and d.day < w.stop
      group by 1
    )
    select p.id, p.name, p.tier,
      coalesce(users.cur, 0)::text as users,
      coalesce(events.cur, 0)::text as events,
      coalesce(cost.cur, 0)::text as cost,
      ${
        known
          ? sql`null`
          : sql`(select count(distinct a.actor_hash) from usage_period_actors a
        where a.product_id = p.id and a.grain = 'day' and a.period >= w.prev and a.period < w.cur)`
      }::text as prev_users,
      coalesce(events.prev, 0)::text as prev_events,
      coalesce(cost.prev, 0)::text as prev_cost
    from products p
    cross join w
    left join events on events.product_id = p.id
    left join cost on cost.product_id = p.id
    left join users on users.product_id = p.id
    where p.archived_at is null
    order by p.name, p.id`.execute(db)
  const trend = (now: number, before: number) => (before > 0 ? (now - before) / before : null)
  return rows.rows.map((r) => {
    const current = figures(r.users, r.events, r.cost)
    const previous =
      r.prev_users === null
        ? (known?.get(r.id) ?? figures('0', '0', '0'))
        : figures(r.prev_users, r.prev_events, r.prev_cost)
    return {
      id: r.id,
      name: r.name,
      tier: r.tier,
      current,
      previous,
      usersTrend: trend(current.users, previous.users),
      costTrend: trend(current.costUsd, previous.costUsd),
    }
  })
}

function figures(users: string, events: string, cost: string): WindowFigures {
  const u = Number(users)
  const c = Number(cost)
  return { users: u, events: Number(events), costUsd: c, costPerUserUsd: u > 0 ? c / u : null }
}
