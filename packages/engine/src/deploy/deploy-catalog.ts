import { json, type StewardDb } from '@steward/db'
import { StewardError } from '@steward/kernel'
import type { Catalog, CatalogPipeline, CatalogProduct } from './catalog.ts'
import { deployWarehouse } from './deploy-warehouse.ts'
import { orphanedPartitions } from './orphaned-partitions.ts'

// Kysely through @steward/db, the one package that owns database access.
type Db = StewardDb['db']

/** What one deploy did to one kind of catalog entry, by id. */
export interface DeployChanges {
  created: string[]
  /** Changed definition, moved file, or back in code after being archived. */
  updated: string[]
  unchanged: string[]
  /** Gone from code: kept with their history, `archived_at` set. */
  archived: string[]
}

/** A pipeline's schedule, for the runtime's job schedulers. */
export interface ScheduleSpec {
  pipelineId: string
  cron: string
  timezone: string
}

export interface DeployResult {
  products: DeployChanges
  pipelines: DeployChanges & {
    /** Pipelines that got a new version: id and the version now current. */
    versions: { id: string; version: number }[]
  }
  /**
   * The schedule of every pipeline in the catalog now, but those people paused. The seam for the runtime: after a deploy it
   * makes BullMQ's job schedulers equal to this list (upserts these, removes every other one), so
   * a pipeline removed from code, or whose schedule was removed, stops being scheduled.
   */
  schedules: ScheduleSpec[]
}

/**
 * Writes a compiled catalog to SQL in one transaction: inserts new products and pipelines, updates
 * changed ones, archives those gone from code and un-archives those back. A pipeline's `version`
 * goes up, and a `pipeline_versions` row records the definition, only when its definition hash
 * changed. Concurrent deploys wait for each other (a transaction-scoped advisory lock, which works
 * on PostgreSQL and on PGlite behind pglite-socket alike).
 *
 * @example
 * const result = await deployCatalog(db, compileCatalog(project))
 * console.log(result.pipelines.created, result.pipelines.updated)
 * await runtime.syncSchedules(result.schedules) // the runtime's half
 */
export interface DeployOptions {
  /**
   * Deploy even when a pipeline's new partition scheme leaves partitions that already ran outside
   * it (their history stays in SQL, unreachable by backfills of the new scheme).
   */
  force?: boolean
}

export async function deployCatalog(
  db: Db,
  catalog: Catalog,
  options: DeployOptions = {},
): Promise<DeployResult> {
  return db.transaction().execute(async (trx) => {
    await trx
      .selectNoFrom((eb) =>
        eb.fn('pg_advisory_xact_lock', [eb.fn('hashtext', [eb.val('steward.deploy')])]).as('locked'),
      )
      .execute()
    const products = await deployProducts(trx, catalog.products)
    const pipelines = await deployPipelines(trx, catalog.pipelines, options)
    await deployWarehouse(trx, catalog)
    // A schedule people paused stays paused across deploys: its job scheduler is not wanted.
    const paused = new Set(
      (
        await trx.selectFrom('pipelines').select('id').where('schedule_paused_at', 'is not', null).execute()
      ).map((row) => row.id),
    )
    const schedules = catalog.pipelines.flatMap((pipeline) =>
      pipeline.schedule_cron !== null && pipeline.schedule_timezone !== null && !paused.has(pipeline.id)
        ? [{ pipelineId: pipeline.id, cron: pipeline.schedule_cron, timezone: pipeline.schedule_timezone }]
        : [],
    )
    return { products, pipelines, schedules }
  })
}

function emptyChanges(): DeployChanges {
  return { created: [], updated: [], unchanged: [], archived: [] }
}

async function deployProducts(trx: Db, products: readonly CatalogProduct[]): Promise<DeployChanges> {
  const changes = emptyChanges()
  const existing = new Map(
    (
      await trx
        .selectFrom('products')
        .select(['id', 'definition_hash', 'source_file', 'archived_at'])
        .execute()
    ).map((row) => [row.id, row]),
  )
  for (const product of products) {
    const columns = {
      name: product.name,
      description: product.description,
      owners: json(product.owners),
      stakeholders: json(product.stakeholders),
      docs_path: product.docs_path,
      docs_markdown: product.docs_markdown,
      links: json(product.links),
      tier: product.tier,
      tags: product.tags,
      freshness_max_age_seconds: product.freshness_max_age_seconds,
      budget_monthly_usd: product.budget_monthly_usd,
      alert_rules: json(product.alert_rules),
      definition_hash: product.definition_hash,
      source_file: product.source_file,
    }
    const row = existing.get(product.id)
    if (!row) {
      await trx
        .insertInto('products')
        .values({ id: product.id, ...columns })
        .execute()
      changes.created.push(product.id)
    } else if (
      row.definition_hash !== product.definition_hash ||
      row.source_file !== product.source_file ||
      row.archived_at !== null
    ) {
      await trx
        .updateTable('products')
        .set((eb) => ({ ...columns, archived_at: null, updated_at: eb.fn('now') }))
        .where('id', '=', product.id)
        .execute()
      changes.updated.push(product.id)
    } else {
      changes.unchanged.push(product.id)
    }
  }
  changes.archived = await archiveMissing(trx, 'products', existing, products)
  return changes
}

async function deployPipelines(
  trx: Db,
  pipelines: readonly CatalogPipeline[],
  options: DeployOptions,
): Promise<DeployResult['pipelines']> {
  const changes = { ...emptyChanges(), versions: [] as { id: string; version: number }[] }
  const existing = new Map(
    (
      await trx
        .selectFrom('pipelines')
        .select(['id', 'definition_hash', 'version', 'source_file', 'archived_at', 'partitions'])
        .execute()
    ).map((row) => [row.id, row]),
  )
  for (const pipeline of pipelines) {
    const columns = {
      product_id: pipeline.product_id,
      name: pipeline.name,
      description: pipeline.description,
      definition_hash: pipeline.definition_hash,
      schedule_cron: pipeline.schedule_cron,
      schedule_timezone: pipeline.schedule_timezone,
      triggers: json(pipeline.triggers),
      params_schema: json(pipeline.params_schema),
      steps: json(pipeline.steps),
      max_concurrent_runs: pipeline.max_concurrent_runs,
      alert_rules: json(pipeline.alert_rules),
      partitions: pipeline.partitions === null ? null : json(pipeline.partitions),
      source_file: pipeline.source_file,
    }
    const row = existing.get(pipeline.id)
    const recordVersion = async (version: number) => {
      await trx
        .insertInto('pipeline_versions')
        .values({
          pipeline_id: pipeline.id,
          version,
          definition_hash: pipeline.definition_hash,
          definition: json(pipeline.definition),
        })
        .execute()
      changes.versions.push({ id: pipeline.id, version })
    }
    if (!row) {
      await trx
        .insertInto('pipelines')
        .values({ id: pipeline.id, version: 1, ...columns })
        .execute()
      await recordVersion(1)
      changes.created.push(pipeline.id)
    } else if (row.definition_hash !== pipeline.definition_hash) {
      if (!options.force && json(row.partitions) !== json(pipeline.partitions)) {
        const orphans = await orphanedPartitions(trx, pipeline.id, pipeline.partitions)
        if (orphans.length > 0) {
          const shown = orphans
            .slice(0, 3)
            .map((key) => `"${key}"`)
            .join(', ')
          throw new StewardError(
            'PARTITIONS_ORPHANED',
            `pipeline ${pipeline.id} (${pipeline.source_file}) › partitions: the new scheme leaves ${orphans.length} partition(s) that already ran outside it (${shown}${orphans.length > 3 ? ', …' : ''}); keep the old scheme, or deploy with --force to accept it`,
          )
        }
      }
      const version = row.version + 1
      await trx
        .updateTable('pipelines')
        .set((eb) => ({ ...columns, version, archived_at: null, updated_at: eb.fn('now') }))
        .where('id', '=', pipeline.id)
        .execute()
      await recordVersion(version)
      changes.updated.push(pipeline.id)
    } else if (row.source_file !== pipeline.source_file || row.archived_at !== null) {
      await trx
        .updateTable('pipelines')
        .set((eb) => ({ source_file: pipeline.source_file, archived_at: null, updated_at: eb.fn('now') }))
        .where('id', '=', pipeline.id)
        .execute()
      changes.updated.push(pipeline.id)
    } else {
      changes.unchanged.push(pipeline.id)
    }
  }
  changes.archived = await archiveMissing(trx, 'pipelines', existing, pipelines)
  return changes
}

/** Archives the rows of `table` that are active in SQL but absent from the catalog; returns their ids. */
async function archiveMissing(
  trx: Db,
  table: 'products' | 'pipelines',
  existing: ReadonlyMap<string, { archived_at: Date | null }>,
  current: readonly { id: string }[],
): Promise<string[]> {
  const keep = new Set(current.map((entry) => entry.id))
  const gone = [...existing.entries()]
    .filter(([id, row]) => row.archived_at === null && !keep.has(id))
    .map(([id]) => id)
    .sort()
  if (gone.length > 0) {
    await trx
      .updateTable(table)
      .set((eb) => ({ archived_at: eb.fn('now'), updated_at: eb.fn('now') }))
      .where('id', 'in', gone)
      .execute()
  }
  return gone
}
