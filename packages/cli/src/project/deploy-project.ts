import type { StewardDb } from '@steward/db'
import {
  type ConnectionEnvironment,
  checkSqlProblems,
  compileCatalog,
  type DeployChanges,
  type DeployOptions,
  type DeployResult,
  deployCatalog,
  loadProject,
  type Project,
} from '@steward/engine'
import { DefinitionError } from '@steward/pipelines'
import { applyUsageCalendar, defaultUsageCalendar } from '@steward/usage'
import { auditCli } from '../audit/audit-cli.ts'
import { assertSdkMatches } from '../version.ts'

/**
 * Loads and validates the project whose config file is `file` (an absolute path, from
 * `findConfig`); a DefinitionError lists every problem with file, definition and field.
 */
export async function loadAndValidate(file: string): Promise<Project> {
  assertSdkMatches(file)
  return loadProject(file)
}

/**
 * Validates, then syncs the catalog into SQL and says what changed. The caller turns
 * `result.schedules` into BullMQ job schedulers (`syncProjectSchedules`) once Redis answers.
 */
export async function deployProject(
  db: StewardDb,
  file: string,
  log: (line: string) => void,
  options: DeployOptions & {
    /** Where the warehouse connections lead: with it, check SQL is tried on each that answers first. */
    warehouse?: ConnectionEnvironment
  } = {},
): Promise<{ project: Project; result: DeployResult }> {
  const { warehouse, ...deployOptions } = options
  const project = await loadAndValidate(file)
  if (warehouse) {
    const problems = await checkSqlProblems(project, warehouse)
    if (problems.length > 0) throw new DefinitionError(problems)
  }
  const result = await deployCatalog(db.db, compileCatalog(project), deployOptions)
  log(`deploy: products ${describeChanges(result.products)}`)
  log(`deploy: pipelines ${describeChanges(result.pipelines)}`)
  for (const { id, version } of result.pipelines.versions) log(`deploy: ${id} is now version ${version}`)
  await auditCli(
    db.db,
    'deploy',
    { kind: 'project', id: file, productId: null },
    {
      products: changedOnly(result.products),
      pipelines: { ...changedOnly(result.pipelines), versions: result.pipelines.versions },
    },
  )
  const calendar = project.config.usage ?? defaultUsageCalendar
  if (await applyUsageCalendar(db.db, calendar)) {
    log(
      `deploy: usage is counted in ${calendar.timezone}, weeks from ${calendar.weekStartsOn}; rollups rebuilt`,
    )
  }
  return { project, result }
}

/** What a deploy changed, for the audit log (unchanged ones are only counted). */
function changedOnly(changes: DeployChanges) {
  const { created, updated, archived, unchanged } = changes
  return { created, updated, archived, unchanged: unchanged.length }
}

function describeChanges(changes: DeployChanges): string {
  const named = (label: string, ids: string[]) => (ids.length > 0 ? `${label} ${ids.join(', ')}` : '')
  const parts = [
    named('created', changes.created),
    named('updated', changes.updated),
    named('archived', changes.archived),
    changes.unchanged.length > 0 ? `${changes.unchanged.length} unchanged` : '',
  ].filter((part) => part !== '')
  return parts.length > 0 ? parts.join('; ') : 'none defined'
}
