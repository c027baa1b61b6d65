import { z } from 'zod'
import type { PartitionScheme } from '../partitions/partition-scheme.ts'
import { alertRuleIssues, ruleStepProblems } from '../rules/index.ts'
import type { AlertRule } from './alert-rule.ts'
import { type Branded, brand, type DefinitionIssue, definitionMeta, isDefinitionOf } from './brand.ts'
import { callerFile } from './caller-file.ts'
import { check, id, positiveInt, satisfies, stepIdHint, stepIdPattern, text } from './option-schemas.ts'
import { type PartitionOf, partitionSchemeSchema } from './partitions.ts'
import { isProduct, type Product } from './product.ts'
import { isStep, makeStep, type NoOutputs, type Step, type StepOutputs } from './step.ts'
import { StepList, type StepsBuilder } from './steps-builder.ts'
import type { PipelineRef, Trigger } from './triggers.ts'

/** A pipeline's params: a zod object schema (stored as JSON Schema for the UI's run form). */
export type ParamsSchema = z.ZodObject

/** The type of `ctx.params` for a params schema (or for none). */
export type ParamsOf<S> = S extends z.ZodObject ? z.output<S> : Record<string, never>

export interface Schedule {
  /** Five fields (`0 6 * * 1`), six with seconds first, or an alias such as `@daily`. */
  cron: string
  /** IANA time zone the cron is read in, e.g. `Asia/Seoul` or `UTC`. */
  timezone: string
}

/** The object form of `steps`: step values by id (see `step()`). */
export type StepRecord<O extends StepOutputs> = { readonly [K in keyof O]: Step<never, O[K]> }

export interface PipelineOptions<
  S extends ParamsSchema | undefined,
  O extends StepOutputs,
  K extends PartitionScheme | undefined = undefined,
> {
  /** Stable id: lowercase words joined by `-`, `.` or `_`, e.g. `signup-funnel.build`. */
  id: string
  /** Defaults to the id. */
  name?: string
  description?: string
  /** The product this pipeline builds: the value `defineProduct` returned, or its id. */
  product: Product | string
  schedule?: Schedule
  triggers?: readonly Trigger[]
  params?: S
  /**
   * How the pipeline's data is cut into periods or keys (`dailyPartitions({ start, timezone })`,
   * `staticPartitions([...])`): each run builds one, `ctx.partition` says which, and
   * `steward backfill` reruns a range.
   */
  partitions?: K
  /** Runs of this pipeline allowed at once; later ones wait. */
  maxConcurrentRuns?: number
  /**
   * The steps, best as a chain (`(s) => s.step('extract', …).step('funnel', …)`), which types each
   * step's `upstream` from the outputs it needs; or as an object of `step()` values.
   */
  steps:
    | ((
        s: StepsBuilder<ParamsOf<S>, NoOutputs, PartitionOf<K>>,
      ) => StepsBuilder<ParamsOf<S>, O, PartitionOf<K>>)
    | StepRecord<O>
  alerts?: readonly AlertRule[]
}

/**
 * A pipeline as its definition file made it. `P` is the params type and `O` the outputs of its
 * steps by id, both inferred by `definePipeline`; the runtime reads it as `Pipeline` (the defaults).
 */
export interface Pipeline<P = Record<string, unknown>, O extends StepOutputs = StepOutputs>
  extends Branded<'pipeline'> {
  readonly id: string
  readonly name: string
  readonly description: string
  readonly product: Product | string
  /** The product's id, whichever way `product` was given. */
  readonly productId: string
  readonly schedule: Schedule | undefined
  readonly triggers: readonly Trigger[]
  readonly params: ParamsSchema | undefined
  readonly partitions: PartitionScheme | undefined
  readonly maxConcurrentRuns: number | undefined
  /** Steps by id, in the order they were declared. */
  readonly steps: { readonly [K in keyof O]: Step<P, O[K]> }
  readonly alerts: readonly AlertRule[]
}

/** A zod 4 object schema, recognised by its shape so that a copy of zod loaded by the user's files counts too. */
export function isZodObject(value: unknown): value is ParamsSchema {
  if (typeof value !== 'object' || value === null || !('_zod' in value)) return false
  const internals: unknown = value._zod
  if (typeof internals !== 'object' || internals === null || !('def' in internals)) return false
  const def: unknown = internals.def
  return typeof def === 'object' && def !== null && 'type' in def && def.type === 'object'
}

const trigger = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({
      kind: z.literal('upstream'),
      pipeline: z.union(
        [
          text(),
          satisfies<PipelineRef>(
            (value) => isDefinitionOf(value, 'pipeline'),
            'must be a pipeline or its id',
          ),
        ],
        { error: 'must be a pipeline (the value definePipeline returned) or its id' },
      ),
    }),
    z.strictObject({ kind: z.literal('event'), name: text().optional() }),
    z.strictObject({
      kind: z.literal('file'),
      inbox: z
        .string()
        .regex(/^[A-Za-z0-9_-]+$/, { error: 'must be a folder name: letters, digits, - and _' }),
      param: text(),
    }),
    z.strictObject({ kind: z.literal('manual') }),
  ],
  { error: 'must be afterSuccessOf(pipeline), onEvent(), onFile() or manual()' },
)

const pipelineOptionsSchema = z.strictObject({
  id: id(),
  name: text().optional(),
  description: text().optional(),
  product: z.union([text(), satisfies<Product>(isProduct, 'must be a product')], {
    error: 'must be a product (the value defineProduct returned) or its id',
  }),
  schedule: z
    .strictObject({
      cron: text('a cron expression, e.g. "0 6 * * 1"'),
      timezone: text('an IANA time zone, e.g. "UTC"'),
    })
    .optional(),
  triggers: z.array(trigger).optional(),
  // Whether it is a z.object and storable as JSON Schema is checked by validation, with the reason.
  params: z.unknown().optional(),
  partitions: partitionSchemeSchema.optional(),
  maxConcurrentRuns: positiveInt('a whole number above 0').optional(),
  // Checked by collectSteps, which knows both forms.
  steps: z.unknown().optional(),
  // Checked by the alerts package (alertRuleIssues), which names each rule's field.
  alerts: z.unknown().optional(),
})

/**
 * Declares a pipeline: a DAG of steps that builds a product, with typed params, a schedule and
 * triggers. Inert data: nothing runs here; options are checked and problems reported by
 * `steward validate` with this file named.
 *
 * Steps are declared as a chain, so each step's `upstream` is typed from the outputs of the steps
 * in its `needs` (and using a step it does not need is a type error):
 *
 * @example
 * export const build = definePipeline({
 *   id: 'signup-funnel.build',
 *   product: funnel,
 *   schedule: { cron: '0 6 * * 1', timezone: 'Asia/Seoul' },
 *   triggers: [afterSuccessOf(activityCounts)],
 *   params: z.object({ week: z.string().optional() }),
 *   steps: (s) =>
 *     s
 *       .step('extract', {
 *         retries: 3,
 *         timeout: '10m',
 *         run: async (ctx) => {
 *           ctx.metric('rows', 1200)
 *           return { path: `s3://events/${ctx.params.week ?? 'latest'}.jsonl` }
 *         },
 *       })
 *       .step('funnel', {
 *         needs: ['extract'],
 *         run: async (ctx, { extract }) => ({ table: 'funnel', from: extract.path }), // extract.path: string
 *       }),
 * })
 */
export function definePipeline<
  S extends ParamsSchema | undefined = undefined,
  O extends StepOutputs = NoOutputs,
  const K extends PartitionScheme | undefined = undefined,
>(options: PipelineOptions<S, O, K>): Pipeline<ParamsOf<S>, O> {
  const definedIn = callerFile(definePipeline)
  const given: Partial<PipelineOptions<S, O, K>> =
    typeof options === 'object' && options !== null ? options : {}
  const issues: DefinitionIssue[] = check(pipelineOptionsSchema, given)
  const steps = collectSteps(given.steps, definedIn, issues)
  if (given.alerts !== undefined) {
    const ruleIssues = alertRuleIssues(given.alerts, 'pipeline')
    issues.push(...ruleIssues)
    if (ruleIssues.length === 0) issues.push(...ruleStepProblems(given.alerts, Object.keys(steps)))
  }
  for (const [stepId, step] of Object.entries(steps)) {
    issues.push(...(definitionMeta(step)?.issues ?? []).map((issue) => withStepPrefix(issue, stepId)))
  }
  const product = given.product ?? ''
  const pipeline = {
    id: given.id ?? '',
    name: given.name ?? given.id ?? '',
    description: given.description ?? '',
    product,
    productId: typeof product === 'string' ? product : isProduct(product) ? product.id : '',
    schedule: given.schedule === undefined ? undefined : Object.freeze({ ...given.schedule }),
    triggers: Object.freeze([...(given.triggers ?? [])]),
    params: given.params as ParamsSchema | undefined,
    partitions: given.partitions,
    maxConcurrentRuns: given.maxConcurrentRuns,
    steps: Object.freeze(steps),
    alerts: Object.freeze([...(given.alerts ?? [])]),
  }
  return brand(pipeline, { kind: 'pipeline', issues, definedIn }) as unknown as Pipeline<ParamsOf<S>, O>
}

export function isPipeline(value: unknown): value is Pipeline {
  return isDefinitionOf(value, 'pipeline')
}

/**
 * Steps by id from either form. Problems go to `issues`; steps made by the builder already carry
 * their own issues with the `steps.<id>.` prefix, steps made by `step()` get it here.
 */
function collectSteps(
  input: unknown,
  definedIn: string | undefined,
  issues: DefinitionIssue[],
): Record<string, Step> {
  // A Map, then own properties: a step id such as "constructor" must not meet Object.prototype.
  const steps = new Map<string, Step>()
  if (typeof input === 'function') {
    let built: unknown
    try {
      built = input(new StepList([], definedIn))
    } catch (error) {
      issues.push({
        field: 'steps',
        message: `the steps callback threw: ${(error as Error)?.message ?? String(error)}`,
      })
      return {}
    }
    if (!(built instanceof StepList)) {
      issues.push({
        field: 'steps',
        message: 'the steps callback must return the chain it was given: (s) => s.step(…).step(…)',
      })
      return {}
    }
    for (const [stepId, step] of built.entries) {
      if (steps.has(stepId))
        issues.push({ field: `steps.${stepId}`, message: `step "${stepId}" is declared twice` })
      else steps.set(stepId, step)
    }
  } else if (typeof input === 'object' && input !== null) {
    for (const [stepId, value] of Object.entries(input)) {
      if (isStep(value)) {
        steps.set(stepId, value)
      } else {
        issues.push({ field: `steps.${stepId}`, message: 'must be a step: step({ needs?, run })' })
        // A stand-in, so that steps needing this one are not also reported as needing an unknown step.
        steps.set(stepId, makeStep({ run: () => undefined }, definedIn))
      }
    }
  } else {
    issues.push({
      field: 'steps',
      message: "is required: (s) => s.step('extract', { run }).step('load', { needs: ['extract'], run })",
    })
  }
  for (const stepId of steps.keys()) {
    if (!stepIdPattern.test(stepId)) {
      issues.push({
        field: `steps.${stepId}`,
        message: `"${stepId}" is not a valid step id: use ${stepIdHint}`,
      })
    }
  }
  if (steps.size === 0 && issues.every((issue) => !issue.field.startsWith('steps'))) {
    issues.push({ field: 'steps', message: 'a pipeline needs at least one step' })
  }
  return Object.fromEntries(steps)
}

function withStepPrefix(issue: DefinitionIssue, stepId: string): DefinitionIssue {
  const prefix = `steps.${stepId}`
  if (issue.field === prefix || issue.field.startsWith(`${prefix}.`)) return issue
  return { field: issue.field === '' ? prefix : `${prefix}.${issue.field}`, message: issue.message }
}
