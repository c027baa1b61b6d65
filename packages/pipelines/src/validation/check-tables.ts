import { definitionMeta } from '../definitions/brand.ts'
import type { StewardConfig } from '../definitions/config.ts'
import type { Pipeline } from '../definitions/pipeline.ts'
import type { Product } from '../definitions/product.ts'
import { connectionsOf, defaultConnectionName } from '../definitions/warehouse.ts'
import type { DefinitionProblem } from './definition-problem.ts'
import { didYouMean } from './did-you-mean.ts'
import type { Located } from './validate-project.ts'

/** Where a table is published: by which product, in which file, at which index of `tables`. */
interface Publisher {
  productId: string
  file: string
  index: number
  connection: string
}

/**
 * What needs the whole project about tables: each table on a declared connection (or the default
 * one), published by one product only, relationship checks on the same connection as their
 * target, and steps writing only tables their own product publishes. Reads may name any table:
 * sources outside Steward are tables too. Fields of a definition whose options are already wrong
 * are skipped (the define function reported them).
 */
export function tableProblems(
  config: StewardConfig | undefined,
  products: readonly Located<Product>[],
  pipelines: readonly Located<Pipeline>[],
): DefinitionProblem[] {
  const problems: DefinitionProblem[] = []
  const configIssues = config ? hasIssues(config, 'connections') : false
  const connections = connectionsOf(config?.connections)
  const names = Object.keys(connections)
  const publishers = new Map<string, Publisher>()

  for (const { definition: product, file } of products) {
    if (!Array.isArray(product.tables) || hasIssues(product, 'tables')) continue
    const add = (field: string, message: string) =>
      problems.push({ file, definition: `product ${product.id}`, field, message })
    product.tables.forEach((table, index) => {
      const connection = table.connection ?? defaultConnectionName
      if (!configIssues && !Object.hasOwn(connections, connection)) {
        add(
          `tables[${index}].connection`,
          `no connection is named "${connection}"${didYouMean(connection, names)}; steward.config.ts declares ${names.map((name) => `"${name}"`).join(', ')}`,
        )
      }
      const first = publishers.get(table.name)
      if (first) {
        add(
          `tables[${index}].name`,
          first.productId === product.id
            ? `the table "${table.name}" is listed twice (also tables[${first.index}])`
            : `the table "${table.name}" is already published by product ${first.productId} (in ${first.file}); a table has one publishing product`,
        )
      } else {
        publishers.set(table.name, { productId: product.id, file, index, connection })
      }
    })
  }

  // Relationship checks join two tables in one query: both must live on one connection.
  for (const { definition: product, file } of products) {
    if (hasIssues(product, 'tables')) continue
    ;(product.tables ?? []).forEach((table, index) => {
      const connection = table.connection ?? defaultConnectionName
      ;(table.checks ?? []).forEach((check, checkIndex) => {
        if (check.kind !== 'relationship') return
        const target = publishers.get(check.to.table)
        if (target && target.connection !== connection) {
          problems.push({
            file,
            definition: `product ${product.id}`,
            field: `tables[${index}].checks[${checkIndex}].to.table`,
            message: `"${check.to.table}" is on connection "${target.connection}", "${table.name}" on "${connection}": a relationship check needs both on one connection`,
          })
        }
      })
    })
  }

  // Rules that watch a table must name a published one; freshness reads its timestamp column.
  const tablesByName = new Map<string, { timestampColumn?: string | undefined }>()
  for (const { definition: product } of products)
    for (const table of hasIssues(product, 'tables') ? [] : (product.tables ?? []))
      tablesByName.set(table.name, table)
  const ruleOwners = [
    ...products.map(({ definition, file }) => ({
      file,
      label: `product ${definition.id}`,
      alerts: definition.alerts,
    })),
    ...pipelines.map(({ definition, file }) => ({
      file,
      label: `pipeline ${definition.id}`,
      alerts: definition.alerts,
    })),
  ]
  for (const { file, label, alerts } of ruleOwners) {
    ;(Array.isArray(alerts) ? alerts : []).forEach((rule: unknown, index) => {
      const { kind, table } = (rule ?? {}) as { kind?: unknown; table?: unknown }
      if (
        typeof table !== 'string' ||
        (kind !== 'freshness' && kind !== 'schema-change' && kind !== 'volume' && kind !== 'check-failed')
      )
        return
      const add = (message: string) =>
        problems.push({ file, definition: label, field: `alerts[${index}].table`, message })
      const published = tablesByName.get(table)
      if (!published)
        add(`no product publishes the table "${table}"${didYouMean(table, tablesByName.keys())}`)
      else if (kind === 'freshness' && !published.timestampColumn)
        add(`freshness of "${table}" is read from its timestampColumn: declare one on the table`)
    })
  }

  for (const { definition: pipeline, file } of pipelines) {
    if (hasIssues(pipeline, 'steps') || hasIssues(pipeline, 'product')) continue
    for (const [stepId, step] of Object.entries(pipeline.steps)) {
      ;(step.writes ?? []).forEach((name, index) => {
        const field = `steps.${stepId}.writes[${index}]`
        const publisher = publishers.get(name)
        const add = (message: string) =>
          problems.push({ file, definition: `pipeline ${pipeline.id}`, field, message })
        if (!publisher) {
          add(
            `no product publishes the table "${name}"${didYouMean(name, publishers.keys())}: add it to the tables of product ${pipeline.productId}`,
          )
        } else if (publisher.productId !== pipeline.productId) {
          add(
            `the table "${name}" is published by product ${publisher.productId} (in ${publisher.file}); a pipeline of product ${pipeline.productId} may write only its own product's tables`,
          )
        }
      })
    }
  }
  return problems
}

function hasIssues(definition: object, field: string): boolean {
  return (definitionMeta(definition)?.issues ?? []).some(
    (issue) =>
      issue.field === field || issue.field.startsWith(`${field}.`) || issue.field.startsWith(`${field}[`),
  )
}
