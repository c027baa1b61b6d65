import type { Duration } from '@steward/kernel'
import { z } from 'zod'
import type { Partition } from '../partitions/partition-scheme.ts'
import { type Branded, brand, type DefinitionIssue, isDefinitionOf } from './brand.ts'
import { backoff, check, duration, retries, satisfies, text } from './option-schemas.ts'
import type { StepContext } from './step-context.ts'
import { tableList } from './warehouse.ts'

export interface Backoff {
  /** `fixed`: wait `delay` before each retry; `exponential`: `delay`, then twice that, and so on. */
  type: 'fixed' | 'exponential'
  delay: Duration
}

/** Outputs of a pipeline's steps by step id. Outputs are small JSON: references to data, not data. */
export type StepOutputs = Record<string, unknown>

/** The outputs before any step is declared. */
export type NoOutputs = Record<never, never>

/**
 * The options of one step. `U` is what `upstream` holds: the outputs of the steps named in `needs`.
 */
export interface StepOptions<
  P,
  U,
  Out,
  N extends readonly string[] = readonly string[],
  Part = Partition | undefined,
> {
  /** Steps whose outputs this step reads. It starts when all of them have succeeded. */
  needs?: N
  /** Tries after the first failure (0: fail at once). Defaults to the config's `defaults.retries`, else 0. */
  retries?: number
  backoff?: Backoff
  /** Longest one attempt may take; `ctx.signal` fires when it is reached. */
  timeout?: Duration
  /** Tables the step reads (published by any product, or sources outside Steward): lineage. */
  reads?: readonly string[]
  /** Tables the step writes: each must be published by a product; they are observed and checked after it. */
  writes?: readonly string[]
  run: (ctx: StepContext<P, Part>, upstream: U) => Out | Promise<Out>
}

/**
 * One step of a pipeline, as stored in the pipeline's `steps`. `run` is declared with method syntax
 * on purpose: it makes a `Step<{ week: string }>` usable where a `Step` is expected (parameters of
 * methods are checked bivariantly), so typed pipelines fit in lists of pipelines.
 */
export interface Step<P = Record<string, unknown>, Out = unknown> extends Branded<'step'> {
  readonly needs: readonly string[]
  readonly retries?: number
  readonly backoff?: Backoff
  readonly timeout?: Duration
  readonly reads?: readonly string[]
  readonly writes?: readonly string[]
  run(ctx: StepContext<P>, upstream: Readonly<Record<string, unknown>>): Out | Promise<Out>
}

/** What a step's `upstream` holds when it needs the steps `N` of a pipeline with outputs `O`. */
export type UpstreamOf<O extends StepOutputs, N extends readonly string[]> = {
  readonly [K in N[number]]: K extends keyof O ? O[K] : unknown
}

const stepOptionsSchema = z.strictObject({
  needs: z.array(text('a step id'), { error: 'must be a list of step ids' }).optional(),
  retries: retries().optional(),
  backoff: backoff().optional(),
  timeout: duration({ positive: true }).optional(),
  reads: tableList().optional(),
  writes: tableList().optional(),
  run: satisfies<() => unknown>(
    (value) => typeof value === 'function',
    'must be a function: run: async (ctx, upstream) => output',
  ),
})

/** Builds a step and records the problems of its options; `prefix` places them in the pipeline (`steps.extract`). */
export function makeStep(options: unknown, definedIn: string | undefined, prefix = ''): Step {
  const issues: DefinitionIssue[] =
    typeof options === 'object' && options !== null
      ? check(stepOptionsSchema, options, prefix)
      : [{ field: prefix, message: 'must be the options of a step: { needs?, run }' }]
  const given = (typeof options === 'object' && options !== null ? options : {}) as Partial<
    StepOptions<unknown, unknown, unknown>
  >
  const step = {
    ...given,
    needs: Object.freeze(Array.isArray(given.needs) ? [...given.needs] : []),
  }
  return brand(step, { kind: 'step', issues, definedIn }) as unknown as Step
}

export function isStep(value: unknown): value is Step {
  return isDefinitionOf(value, 'step')
}

/**
 * A step on its own, for the object form of `steps`. Its `upstream` has exactly the keys named in
 * `needs`, typed `unknown`; the builder form (`steps: (s) => s.step(…)`) types them from the
 * outputs of the steps they come from, and is the form to prefer.
 *
 * @example
 * const load = step({
 *   needs: ['extract'],
 *   retries: 2,
 *   timeout: '5m',
 *   run: async (ctx, upstream) => {
 *     const { path } = upstream.extract as { path: string }
 *     ctx.log.info('loading', { path })
 *     return { table: 'analytics.funnel' }
 *   },
 * })
 */
export function step<const N extends readonly string[] = [], Out = unknown>(
  options: StepOptions<Record<string, unknown>, { readonly [K in N[number]]: unknown }, Out, N>,
): Step<Record<string, unknown>, Awaited<Out>> {
  return makeStep(options, undefined) as Step<Record<string, unknown>, Awaited<Out>>
}
