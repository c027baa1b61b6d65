import { type Kysely, type Migration, sql } from 'kysely'

/**
 * Scoped tokens and the audit log.
 *
 * `api_tokens.product_ids`: the products a token may act on or read (and so their pipelines, runs,
 * backfills and incidents); null for every product, as before.
 *
 * `audit_log`: one row per action that changed something (a deploy, a run started, cancelled or
 * retried, a backfill, an incident acknowledged or snoozed, a schedule paused or resumed, a token
 * created or revoked, a consumer labelled), written by `recordAudit` at each action site. Rows are
 * only inserted and, past STEWARD_RETAIN_AUDIT_DAYS, deleted by the pruner; no foreign keys, so
 * the log outlives what it names. Read newest first by id (the primary key: the page's and the
 * API's cursor), per product (`audit_log_product_idx`: the filter and scoped tokens), and by time
 * (`audit_log_at_idx`: the time filter and the pruner).
 */
export const scopedTokensAndAuditLog: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`alter table api_tokens add column product_ids text[]`.execute(db)
    await sql`
      create table audit_log (
        id bigint generated always as identity primary key,
        at timestamptz not null default now(),
        actor_kind text not null,
        actor text not null,
        via text not null,
        source text,
        action text not null,
        target_kind text not null,
        target_id text not null,
        product_id text,
        details jsonb not null default '{}'
      )`.execute(db)
    await sql`create index audit_log_at_idx on audit_log (at)`.execute(db)
    await sql`create index audit_log_product_idx on audit_log (product_id, id desc)`.execute(db)
  },

  async down(db: Kysely<unknown>) {
    await sql`drop table if exists audit_log`.execute(db)
    await sql`alter table api_tokens drop column if exists product_ids`.execute(db)
  },
}
