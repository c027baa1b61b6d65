import type { RunStatus } from '@steward/db'
import { findMissingPartitions } from '@steward/engine/control'
import { sql } from 'kysely'
import {
  type LineageEdge,
  type LineageGraph,
  type LineageNode,
  type LineageStatus,
  markUpstreamProblems,
  pipelineNodeId,
  productNodeId,
  tableNodeId,
} from '#lib/lineage-graph.ts'
import { staleWhileRevalidate } from '../cache/stale-while-revalidate.ts'
import { readProductFreshness, staleProducts } from '../health/stale-products-check.ts'
import type { Db } from '../read-database.ts'

/** How old the graph the pages draw may be: its statuses move with runs, its shape with deploys. */
const pageMaxAgeMs = 10_000

/**
 * The graph for the lineage page and the product page's Lineage panel, read at most every ten
 * seconds (served at once, refreshed in the background): with thousands of pipelines a read is a
 * newest-run lookup per pipeline and a freshness read per product, too much for every page view.
 * `GET /api/v1/lineage` reads it fresh.
 */
export function getCachedLineage(db: Db): Promise<LineageGraph> {
  return staleWhileRevalidate('lineage', pageMaxAgeMs, () => getLineage(db))
}

interface PipelineRow {
  id: string
  name: string
  product_id: string
  run_id: string | null
  run_status: RunStatus | null
  run_at: Date | null
}

interface TableRow {
  name: string
  product_id: string
  observed_at: Date | null
  row_count: string | null
  newest_at: Date | null
  error: string | null
}

/**
 * The whole lineage graph as deployed (see `#lib/lineage-graph.ts`), each node with its status:
 * a pipeline by its newest run, a product by its own pipelines, open incidents and freshness (as
 * the catalog and the health check judge it), a table by its newest observation and its open
 * incidents (`freshness({ table })` makes it stale, `schemaChange` failing). One set-based
 * query per concern, whatever the number of products; nothing is locked.
 */
export async function getLineage(db: Db): Promise<LineageGraph> {
  const [products, pipelines, triggers, tables, access, incidents, freshness, missing, tableIncidents] =
    await Promise.all([
      db
        .selectFrom('products')
        .select(['id', 'name'])
        .where('archived_at', 'is', null)
        .orderBy('id')
        .execute(),
      /*
       * Live pipelines with their newest run.
       * In: nothing. Out: one row per live pipeline. Reads `runs` once per pipeline through
       * runs_pipeline_created_idx (lateral, limit 1); no locks.
       */
      sql<PipelineRow>`
      select pl.id, pl.name, pl.product_id, r.id as run_id, r.status as run_status,
        coalesce(r.finished_at, r.created_at) as run_at
      from pipelines pl
      left join lateral (
        select id, status, created_at, finished_at from runs
        where pipeline_id = pl.id order by created_at desc limit 1
      ) r on true
      where pl.archived_at is null
      order by pl.id`
        .execute(db)
        .then((result) => result.rows),
      /*
       * Upstream triggers between live pipelines (`afterSuccessOf`), as deploy stored them in
       * `pipelines.triggers`. Out: (upstream, follower) pairs; a trigger naming a pipeline that is
       * gone is left out. No locks.
       */
      sql<{ upstream: string; follower: string }>`
      select distinct t.trigger->>'pipeline' as upstream, pl.id as follower
      from pipelines pl
      cross join lateral jsonb_array_elements(pl.triggers) as t(trigger)
      join pipelines up on up.id = t.trigger->>'pipeline' and up.archived_at is null
      where pl.archived_at is null and t.trigger->>'kind' = 'upstream'
      order by 1, 2`
        .execute(db)
        .then((result) => result.rows),
      /*
       * Published tables of live products with their newest observation.
       * In: nothing. Out: one row per table. Reads `table_observations` once per table through
       * table_observations_table_idx (lateral, limit 1); no locks.
       */
      sql<TableRow>`
      select t.name, t.product_id, o.observed_at, o.row_count::text as row_count, o.newest_at, o.error
      from published_tables t
      join products p on p.id = t.product_id and p.archived_at is null
      left join lateral (
        select observed_at, row_count, newest_at, error from table_observations
        where table_name = t.name order by observed_at desc limit 1
      ) o on true
      order by t.name`
        .execute(db)
        .then((result) => result.rows),
      db
        .selectFrom('step_tables as st')
        .innerJoin('pipelines as pl', 'pl.id', 'st.pipeline_id')
        .select(['st.pipeline_id', 'st.access', 'st.table_name'])
        .distinct()
        .where('pl.archived_at', 'is', null)
        .orderBy('st.table_name')
        .orderBy('st.pipeline_id')
        .execute(),
      db
        .selectFrom('incidents')
        .select(['product_id', (eb) => eb.fn.countAll<string>().as('count')])
        .where('status', '=', 'open')
        .groupBy('product_id')
        .execute(),
      readProductFreshness(db),
      findMissingPartitions(db),
      // Open incidents about a table (`freshness({ table })`, `schemaChange`): few rows, all open.
      db
        .selectFrom('incidents')
        .select(['subject_key', 'rule_kind'])
        .where('status', '=', 'open')
        .where('subject_key', 'like', 'table:%')
        .execute(),
    ])

  const incidentsOf = new Map(incidents.map((row) => [row.product_id, Number(row.count)]))
  // The incidents' subject key is the table's node id (`table:<name>`).
  const tableTrouble = new Map<string, LineageStatus>()
  for (const incident of tableIncidents) {
    const status = incident.rule_kind === 'freshness' ? 'stale' : 'failing'
    if (tableTrouble.get(incident.subject_key) !== 'failing') tableTrouble.set(incident.subject_key, status)
  }
  const stale = new Set([...staleProducts(freshness).map((s) => s.id), ...missing.map((m) => m.productId)])
  const ratioOf = new Map(
    freshness.map((row) => {
      const since = row.last_success_at === null ? row.created_at : row.last_success_at
      const age = (new Date(row.now).getTime() - new Date(since).getTime()) / 1000
      return [row.id, row.freshness_max_age_seconds ? age / row.freshness_max_age_seconds : null]
    }),
  )
  const failingProducts = new Set(pipelines.filter((p) => p.run_status === 'failed').map((p) => p.product_id))
  const liveProducts = new Set(products.map((p) => p.id))

  const nodes: LineageNode[] = []
  const edges: LineageEdge[] = []
  const node = (fields: Omit<LineageNode, 'upstreamProblem' | 'upstreamProblems'>) =>
    nodes.push({ ...fields, upstreamProblem: false, upstreamProblems: [] })

  for (const product of products) {
    const openIncidents = incidentsOf.get(product.id) ?? 0
    const status: LineageStatus =
      failingProducts.has(product.id) || openIncidents > 0
        ? 'failing'
        : stale.has(product.id)
          ? 'stale'
          : 'ok'
    node({
      id: productNodeId(product.id),
      kind: 'product',
      label: product.name,
      status,
      productId: product.id,
      href: `/products/${encodeURIComponent(product.id)}`,
      openIncidents,
      freshnessRatio: ratioOf.get(product.id) ?? null,
    })
  }
  for (const pipeline of pipelines) {
    if (!liveProducts.has(pipeline.product_id)) continue
    node({
      id: pipelineNodeId(pipeline.id),
      kind: 'pipeline',
      label: pipeline.id,
      status: runStatus(pipeline.run_status),
      productId: pipeline.product_id,
      href: `/pipelines/${encodeURIComponent(pipeline.id)}`,
      lastRun:
        pipeline.run_id === null || pipeline.run_status === null || pipeline.run_at === null
          ? null
          : { id: pipeline.run_id, status: pipeline.run_status, at: new Date(pipeline.run_at).toISOString() },
    })
    edges.push({ from: pipelineNodeId(pipeline.id), to: productNodeId(pipeline.product_id), kind: 'owns' })
  }
  const published = new Set<string>()
  for (const table of tables) {
    published.add(table.name)
    node({
      id: tableNodeId(table.name),
      kind: 'table',
      label: table.name,
      status:
        table.error !== null
          ? 'failing'
          : (tableTrouble.get(tableNodeId(table.name)) ?? (table.observed_at === null ? 'unknown' : 'ok')),
      productId: table.product_id,
      href: `/products/${encodeURIComponent(table.product_id)}#tables-title`,
      observation:
        table.observed_at === null
          ? null
          : {
              at: new Date(table.observed_at).toISOString(),
              rowCount: table.row_count === null ? null : Number(table.row_count),
              newestAt: table.newest_at === null ? null : new Date(table.newest_at).toISOString(),
              error: table.error,
            },
    })
    edges.push({ from: tableNodeId(table.name), to: productNodeId(table.product_id), kind: 'publishes' })
  }
  const livePipelines = new Set(nodes.filter((n) => n.kind === 'pipeline').map((n) => n.id))
  for (const row of access) {
    const pipeline = pipelineNodeId(row.pipeline_id)
    if (!livePipelines.has(pipeline)) continue
    if (!published.has(row.table_name)) {
      // Read or written but published by no product (a raw source): shown, with no status of its own.
      published.add(row.table_name)
      node({
        id: tableNodeId(row.table_name),
        kind: 'table',
        label: row.table_name,
        status: 'unknown',
        productId: null,
        href: null,
        observation: null,
      })
    }
    const table = tableNodeId(row.table_name)
    edges.push(
      row.access === 'write'
        ? { from: pipeline, to: table, kind: 'writes' }
        : { from: table, to: pipeline, kind: 'reads' },
    )
  }
  for (const trigger of triggers) {
    const from = pipelineNodeId(trigger.upstream)
    const to = pipelineNodeId(trigger.follower)
    if (livePipelines.has(from) && livePipelines.has(to)) edges.push({ from, to, kind: 'triggers' })
  }
  return markUpstreamProblems({ nodes, edges })
}

function runStatus(status: RunStatus | null): LineageStatus {
  if (status === 'failed') return 'failing'
  if (status === null || status === 'cancelled') return 'unknown'
  return 'ok'
}
