import { type Kysely, type Migration, sql } from 'kysely'

/**
 * The label sets each pipeline's metrics have carried (`ctx.metric('rows', n, { host: 'web-3' })`):
 * one row per (pipeline, metric, labels), written in the same statement as the metrics. Workers
 * read it to hold a metric's distinct label sets under the configured limit, and the per-source
 * alert rules and charts read which sources exist from it rather than scanning `metrics`.
 */
export const metricLabelSets: Migration = {
  async up(db: Kysely<unknown>) {
    await sql`
      create table metric_label_sets (
        pipeline_id text not null,
        metric text not null,
        labels jsonb not null,
        first_seen_at timestamptz not null default now(),
        primary key (pipeline_id, metric, labels)
      )`.execute(db)
    // Labelled series are read per pipeline and metric over a window.
    await sql`create index metrics_pipeline_name_time_idx on metrics (pipeline_id, name, recorded_at)`.execute(
      db,
    )
  },

  async down(db: Kysely<unknown>) {
    await sql`drop index if exists metrics_pipeline_name_time_idx`.execute(db)
    await sql`drop table if exists metric_label_sets`.execute(db)
  },
}
