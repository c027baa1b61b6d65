import { parseDuration } from '@steward/kernel'
import type { Backoff, Pipeline, Step, StewardConfig, TableCheck, Trigger } from '@steward/pipelines'
import { checkNameOf, connectionsOf, defaultConnectionName, paramsJsonSchema } from '@steward/pipelines'
import type { LoadedProduct, Project } from '../loader/project.ts'
import { canonicalJson, sha256 } from './canonical-json.ts'
import type {
  Catalog,
  CatalogConnection,
  CatalogPipeline,
  CatalogProduct,
  CatalogStep,
  CatalogTable,
  TriggerSpec,
} from './catalog.ts'

/** Used when neither the step nor the config's `defaults` say. */
export const stepDefaults: { retries: number; backoff: Backoff; timeout: undefined } = {
  retries: 0,
  backoff: { type: 'exponential', delay: '10s' },
  // No timeout unless one is set: a step that legitimately runs for hours must not be killed by a guess.
  timeout: undefined,
}

/**
 * A step's code hash: of its `run` source, so editing a step makes a new pipeline version (and a
 * worker holding several loads finds the one a run's version was deployed from, `worker-code.ts`).
 */
export function stepCodeHash(step: Step): string {
  return sha256(String(step.run))
}

/**
 * The rows a project deploys: products and pipelines as the catalog tables hold them, each with a
 * definition hash (sha256 of canonical JSON), so the same code always gives the same hash and
 * deploy can tell what changed. Pure: reads no files and no database. Expects a valid project
 * (`loadProject` and `createProject` only return valid ones).
 *
 * @example
 * const catalog = compileCatalog(await loadProject('steward.config.ts'))
 * catalog.pipelines[0]?.steps // [{ id: 'extract', needs: [], retries: 3, backoffMs: 10000, timeoutMs: 600000, … }]
 */
export function compileCatalog(project: Project): Catalog {
  return {
    products: project.products.map(compileProduct),
    pipelines: project.pipelines.map(({ definition, file }) => compilePipeline(definition, file, project)),
    connections: compileConnections(project.config),
    tables: project.products.flatMap(compileTables),
  }
}

/** The declared connections, or the embedded DuckDB default; settings hold names, never secrets. */
function compileConnections(config: StewardConfig): CatalogConnection[] {
  return Object.entries(connectionsOf(config.connections))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, declared]) => {
      const settings =
        declared.kind === 'duckdb'
          ? { ...(declared.file === undefined ? {} : { file: declared.file }) }
          : { urlEnv: declared.urlEnv }
      return {
        name,
        kind: declared.kind,
        settings: { ...settings, ...(declared.hourUsd === undefined ? {} : { hourUsd: declared.hourUsd }) },
      }
    })
}

function compileTables({ definition: product, file }: LoadedProduct): CatalogTable[] {
  return (product.tables ?? []).map((table) => ({
    name: table.name,
    product_id: product.id,
    connection: table.connection ?? defaultConnectionName,
    timestamp_column: table.timestampColumn ?? null,
    partition_column: table.partitionColumn ?? null,
    personal: [...(table.personal ?? [])],
    checks: (table.checks ?? []).map(storedCheck),
    source_file: file,
  }))
}

/** A check with its name and severity filled in, as JSON holds it. */
function storedCheck(check: TableCheck): CatalogTable['checks'][number] {
  return JSON.parse(
    canonicalJson({ ...check, name: checkNameOf(check), severity: check.severity ?? 'error' }),
  ) as CatalogTable['checks'][number]
}

function compileProduct({
  definition: product,
  file,
  docsPath,
  docsMarkdown,
}: LoadedProduct): CatalogProduct {
  const columns = {
    id: product.id,
    name: product.name,
    description: product.description ?? '',
    owners: product.owners.map(
      ({ team, name, email, slack, mention, mentionAt, webhook, pagerduty, alertEmail }) => ({
        team,
        name,
        email,
        slack,
        mention: mention ? [...mention] : undefined,
        mentionAt,
        webhook,
        pagerduty,
        alertEmail,
      }),
    ),
    stakeholders: (product.stakeholders ?? []).map(({ name, slack, webhook, pagerduty, alertEmail }) => ({
      name,
      slack,
      webhook,
      pagerduty,
      alertEmail,
    })),
    docs_path: docsPath,
    docs_markdown: docsMarkdown,
    links: (product.links ?? []).map(({ title, url }) => ({ title, url })),
    tier: product.tier ?? null,
    tags: [...(product.tags ?? [])],
    freshness_max_age_seconds: product.freshness
      ? Math.ceil(parseDuration(product.freshness.maxAge) / 1000)
      : null,
    budget_monthly_usd: product.budget?.monthlyUsd ?? null,
    alert_rules: [...(product.alerts ?? [])] as unknown[],
    // Only when declared, so products without tables keep their hash. Hashed, not a column:
    // `published_tables` holds them.
    ...(product.tables?.length
      ? {
          tables: compileTables({ definition: product, file, docsPath, docsMarkdown }).map(
            ({ source_file: _, ...table }) => table,
          ),
        }
      : {}),
  }
  // Round-trip through JSON so the row holds exactly what is hashed (no `undefined` members).
  const hashed = JSON.parse(canonicalJson(columns)) as typeof columns & { tables?: unknown }
  const { tables: _tables, ...row } = hashed
  return { ...row, source_file: file, definition_hash: sha256(canonicalJson(hashed)) }
}

function compilePipeline(pipeline: Pipeline, file: string, project: Project): CatalogPipeline {
  const defaults = project.config.defaults ?? {}
  const steps: CatalogStep[] = Object.entries(pipeline.steps).map(([id, step]) => {
    const backoff = step.backoff ?? defaults.backoff ?? stepDefaults.backoff
    const timeout = step.timeout ?? defaults.timeout ?? stepDefaults.timeout
    return {
      id,
      needs: [...step.needs],
      retries: step.retries ?? defaults.retries ?? stepDefaults.retries,
      backoffType: backoff.type,
      backoffMs: parseDuration(backoff.delay),
      timeoutMs: timeout === undefined ? null : parseDuration(timeout),
      codeHash: stepCodeHash(step),
      // Only when declared, so pipelines without them keep the hash (and version) they had.
      ...(step.reads?.length ? { reads: [...step.reads] } : {}),
      ...(step.writes?.length ? { writes: [...step.writes] } : {}),
    }
  })
  const definition = {
    id: pipeline.id,
    product_id: pipeline.productId,
    name: pipeline.name,
    description: pipeline.description,
    schedule_cron: pipeline.schedule?.cron ?? null,
    schedule_timezone: pipeline.schedule?.timezone ?? null,
    triggers: pipeline.triggers.map(compileTrigger),
    params_schema: paramsJsonSchema(pipeline.params),
    steps,
    max_concurrent_runs: pipeline.maxConcurrentRuns ?? null,
    alert_rules: [...pipeline.alerts],
    // Only when declared, so pipelines without partitions keep the hash (and version) they had.
    ...(pipeline.partitions ? { partitions: pipeline.partitions } : {}),
  }
  const canonical = canonicalJson(definition)
  const row = JSON.parse(canonical) as typeof definition
  return {
    ...row,
    partitions: pipeline.partitions ?? null,
    source_file: file,
    definition_hash: sha256(canonical),
    definition: row,
  }
}

function compileTrigger(trigger: Trigger): TriggerSpec {
  switch (trigger.kind) {
    case 'upstream':
      return {
        kind: 'upstream',
        pipeline: typeof trigger.pipeline === 'string' ? trigger.pipeline : trigger.pipeline.id,
      }
    case 'event':
      return { kind: 'event', name: trigger.name ?? null }
    case 'file':
      return { kind: 'file', inbox: trigger.inbox, param: trigger.param }
    case 'manual':
      return { kind: 'manual' }
  }
}
