import { definitionMeta } from '../definitions/brand.ts'
import type { StewardConfig } from '../definitions/config.ts'
import { isPipeline, type ParamsSchema, type Pipeline } from '../definitions/pipeline.ts'
import { isProduct, type Product } from '../definitions/product.ts'
import { paramsJsonSchema, paramsProblem } from './check-params.ts'
import { partitionIssues, partitionMappingProblem } from './check-partitions.ts'
import { cronProblem, timeZoneProblem } from './check-schedule.ts'
import { findCycles, stepGraphIssues } from './check-steps.ts'
import { tableProblems } from './check-tables.ts'
import { DefinitionError } from './definition-error.ts'
import type { DefinitionProblem } from './definition-problem.ts'
import { didYouMean } from './did-you-mean.ts'

/** A definition and the file it came from (relative to the project). */
export interface Located<T> {
  readonly definition: T
  readonly file: string
}

export interface ProjectDefinitions {
  /** The config file, relative to the project; `steward.config.ts` when not given. */
  readonly configFile?: string
  readonly config?: StewardConfig
  readonly products: readonly Located<Product>[]
  readonly pipelines: readonly Located<Pipeline>[]
}

/**
 * Every problem with a project's definitions: what the define functions recorded about their
 * options, plus what needs the whole project: unique ids, known products and upstream pipelines,
 * step graphs without unknown needs or cycles, cron and time zones, params storable as JSON Schema,
 * tables on known connections, each published by one product and written only by its pipelines.
 */
export function validateProject(project: ProjectDefinitions): DefinitionProblem[] {
  const problems: DefinitionProblem[] = []
  validateConfig(project, problems)

  const productsById = new Map<string, Located<Product>>()
  for (const located of project.products) {
    const { definition: product, file } = located
    const label = `product ${product.id || '(no id)'}`
    const add = (field: string, message: string) => problems.push({ file, definition: label, field, message })
    for (const issue of definitionMeta(product)?.issues ?? []) add(issue.field, issue.message)
    const first = productsById.get(product.id)
    if (first) add('id', `another product has the id "${product.id}" (in ${first.file})`)
    else productsById.set(product.id, located)
  }

  const pipelinesById = new Map<string, Located<Pipeline>>()
  for (const located of project.pipelines) {
    const first = pipelinesById.get(located.definition.id)
    if (first) {
      problems.push({
        file: located.file,
        definition: `pipeline ${located.definition.id}`,
        field: 'id',
        message: `another pipeline has the id "${located.definition.id}" (in ${first.file})`,
      })
    } else {
      pipelinesById.set(located.definition.id, located)
    }
  }

  for (const { definition: pipeline, file } of project.pipelines) {
    const add = (field: string, message: string) =>
      problems.push({ file, definition: `pipeline ${pipeline.id || '(no id)'}`, field, message })
    const meta = definitionMeta(pipeline)
    for (const issue of meta?.issues ?? []) add(issue.field, issue.message)
    const badFields = new Set((meta?.issues ?? []).map((issue) => issue.field.split(/[.[]/)[0]))

    if (!badFields.has('product')) {
      const known = productsById.get(pipeline.productId)
      if (!known) {
        add(
          'product',
          isProduct(pipeline.product)
            ? `product "${pipeline.productId}" is not exported from any definition file; export it so it is deployed`
            : `no product has the id "${pipeline.productId}"${didYouMean(pipeline.productId, productsById.keys())}`,
        )
      }
    }

    if (pipeline.schedule && !badFields.has('schedule')) {
      const zoneProblem = timeZoneProblem(pipeline.schedule.timezone)
      if (zoneProblem) add('schedule.timezone', zoneProblem)
      const cron = cronProblem(pipeline.schedule.cron, pipeline.schedule.timezone)
      if (cron) add('schedule.cron', cron)
    }

    const params = paramsProblem(pipeline.params)
    if (params) add('params', params)
    if (!badFields.has('partitions'))
      for (const issue of partitionIssues(pipeline.partitions)) add(issue.field, issue.message)

    const steps = Object.entries(pipeline.steps).map(([id, step]) => ({ id, needs: step.needs }))
    for (const issue of stepGraphIssues(steps)) add(issue.field, issue.message)

    if (!badFields.has('triggers')) {
      pipeline.triggers.forEach((trigger, index) => {
        if (trigger.kind === 'file') {
          const problem = params ? undefined : fileParamProblem(pipeline.params, trigger.param)
          if (problem) add(`triggers[${index}].param`, problem)
          return
        }
        if (trigger.kind !== 'upstream') return
        const upstreamId = upstreamIdOf(trigger.pipeline)
        if (upstreamId === pipeline.id) {
          add(
            `triggers[${index}].pipeline`,
            'a pipeline cannot run after its own success: that would never stop',
          )
        } else if (!pipelinesById.has(upstreamId)) {
          add(
            `triggers[${index}].pipeline`,
            `no pipeline has the id "${upstreamId}"${didYouMean(upstreamId, pipelinesById.keys())}`,
          )
        } else {
          const upstream = pipelinesById.get(upstreamId)?.definition.partitions
          const mapping = partitionMappingProblem(upstreamId, upstream, pipeline.partitions)
          if (mapping) add(`triggers[${index}].pipeline`, mapping)
        }
      })
    }
  }

  // Pipelines that trigger each other in a ring would run forever once one of them succeeds.
  const following = [...pipelinesById.values()].map(({ definition }) => ({
    id: definition.id,
    needs: definition.triggers.flatMap((trigger) =>
      trigger.kind === 'upstream' && pipelinesById.has(upstreamIdOf(trigger.pipeline))
        ? [upstreamIdOf(trigger.pipeline)]
        : [],
    ),
  }))
  for (const cycle of findCycles(following)) {
    const start = cycle[0] ?? ''
    problems.push({
      file: pipelinesById.get(start)?.file ?? '',
      definition: `pipeline ${start}`,
      field: 'triggers',
      message: `pipelines trigger each other in a cycle and would run forever: ${cycle.join(' → ')}`,
    })
  }
  problems.push(...tableProblems(project.config, project.products, project.pipelines))
  return problems
}

/** Throws a `DefinitionError` listing every problem, if there is any. */
export function assertValidProject(
  project: ProjectDefinitions,
  extraProblems: readonly DefinitionProblem[] = [],
): void {
  const problems = [...extraProblems, ...validateProject(project)]
  if (problems.length > 0) throw new DefinitionError(problems)
}

function validateConfig(project: ProjectDefinitions, problems: DefinitionProblem[]): void {
  const { config } = project
  if (!config) return
  const file = project.configFile ?? 'steward.config.ts'
  const add = (field: string, message: string) =>
    problems.push({ file, definition: 'config', field, message })
  const issues = definitionMeta(config)?.issues ?? []
  for (const issue of issues) add(issue.field, issue.message)
  if (config.usage && !issues.some((issue) => issue.field.startsWith('usage'))) {
    const zone = timeZoneProblem(config.usage.timezone)
    if (zone) add('usage.timezone', zone)
  }
}

function upstreamIdOf(ref: unknown): string {
  if (typeof ref === 'string') return ref
  return isPipeline(ref) ? ref.id : ''
}

/** A file trigger hands the file's name to a param: it must be a string param of the pipeline. */
function fileParamProblem(params: ParamsSchema | undefined, param: string): string | undefined {
  const schema = paramsJsonSchema(params) as { properties?: Record<string, { type?: unknown }> }
  const property = schema.properties?.[param]
  if (!property)
    return `the pipeline has no param "${param}" to receive the file name: add ${param}: z.string() to params`
  if (property.type !== 'string') return `the param "${param}" must be a string to receive the file name`
  return undefined
}
