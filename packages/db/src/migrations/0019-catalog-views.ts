import { type Kysely, type Migration, sql } from 'kysely'

/**
 * Catalog views (issue 19): a visit to a product's page in Steward's own UI was stored as a `view`
 * of the product (origin `web`, source `steward-ui`), so owners looking at their runs hid an
 * unused product from the `unused` rule and the zombie list. Such visits are now their own kind,
 * `catalog_view` (@steward/usage `catalogViewKind`), which no figure of use counts. This
 * reclassifies the visits still kept as raw events, in the queue for the rollups and in the events
 * per day (`usage_daily`), so `unused` and the zombies judge real use at once.
 *
 * Left as they were: visits older than the raw events kept (STEWARD_RETAIN_USAGE_EVENTS_DAYS) and
 * the distinct users of past days, weeks and months, which cannot be recounted without the raw
 * events; new periods count no catalog visitor.
 *
 * Under both fold locks (the names of @steward/usage `foldLockName`), so no fold moves a queued
 * visit into the rollups between the statements below.
 */
export const catalogViews: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      select pg_advisory_xact_lock(hashtext('steward.usage.fold:0')),
        pg_advisory_xact_lock(hashtext('steward.usage.fold:1'))`.execute(db)
    await sql`
      with moved as (
        update usage_events set kind = 'catalog_view'
        where origin = 'web' and source = 'steward-ui' and kind = 'view'
        returning product_id, actor_hash, at
      ),
      -- Still queued: the fold will count them under their new kind.
      queued as (
        update usage_pending p set kind = 'catalog_view'
        from moved m
        where p.product_id = m.product_id and p.kind = 'view' and p.actor_hash = m.actor_hash and p.at = m.at
        returning p.product_id, p.at
      ),
      s as (select timezone from usage_settings limit 1),
      -- Already counted as views, per product and local day: counted again as catalog views.
      folded as (
        select product_id, day, sum(n) as n from (
          select m.product_id, (m.at at time zone s.timezone)::date as day, 1 as n from moved m cross join s
          union all
          select q.product_id, (q.at at time zone s.timezone)::date, -1 from queued q cross join s
        ) x
        group by 1, 2
        having sum(n) > 0
      ),
      fewer_views as (
        update usage_daily d set events = d.events - f.n
        from folded f
        where d.product_id = f.product_id and d.day = f.day and d.kind = 'view'
      )
      insert into usage_daily (product_id, day, kind, events)
      select product_id, day, 'catalog_view', n from folded
      on conflict (product_id, day, kind) do update set events = usage_daily.events + excluded.events`.execute(
      db,
    )
    // A day whose only views were the UI's own has no view left: no row, as if never used.
    await sql`delete from usage_daily where kind = 'view' and events <= 0`.execute(db)
  },

  async down(db: Kysely<unknown>) {
    await sql`
      select pg_advisory_xact_lock(hashtext('steward.usage.fold:0')),
        pg_advisory_xact_lock(hashtext('steward.usage.fold:1'))`.execute(db)
    await sql`update usage_events set kind = 'view' where kind = 'catalog_view' and origin = 'web'`.execute(
      db,
    )
    await sql`update usage_pending set kind = 'view' where kind = 'catalog_view'`.execute(db)
    await sql`
      with gone as (delete from usage_daily where kind = 'catalog_view' returning product_id, day, events)
      insert into usage_daily (product_id, day, kind, events)
      select product_id, day, 'view', events from gone
      on conflict (product_id, day, kind) do update set events = usage_daily.events + excluded.events`.execute(
      db,
    )
  },
}
