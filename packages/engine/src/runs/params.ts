import type { ParamsSchema } from '@steward/pipelines'
import { z } from 'zod'
import { StewardError } from '../errors.ts'

export type ParamsCheck =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; error: StewardError<'PARAMS_INVALID'> }

const noParams = z.object({})

/**
 * Checks a run's params against the pipeline's zod schema (the worker side, where the definition
 * is loaded). The error names every field that is wrong: `params.week: expected string`.
 */
export function checkParams(
  pipelineId: string,
  schema: ParamsSchema | undefined,
  params: unknown,
): ParamsCheck {
  return fromResult(pipelineId, (schema ?? noParams).safeParse(params ?? {}))
}

/**
 * Checks params against the JSON Schema stored at deploy (`pipelines.params_schema`), for callers
 * that have the catalog but not the code: the HTTP API and `steward run`. Transforms and refinements
 * do not survive JSON Schema; the worker checks again with the zod schema itself.
 */
export function checkParamsAgainstJsonSchema(
  pipelineId: string,
  jsonSchema: Record<string, unknown>,
  params: unknown,
): ParamsCheck {
  let schema: z.ZodType
  try {
    schema = z.fromJSONSchema(jsonSchema as Parameters<typeof z.fromJSONSchema>[0])
  } catch {
    // A schema zod cannot read back: leave the check to the worker, which has the real one.
    return typeof params === 'object' && params !== null && !Array.isArray(params)
      ? { ok: true, value: params as Record<string, unknown> }
      : fromResult(pipelineId, noParams.safeParse(params))
  }
  const result = schema.safeParse(params ?? {})
  return result.success
    ? { ok: true, value: (params ?? {}) as Record<string, unknown> }
    : fromResult(pipelineId, result)
}

function fromResult(
  pipelineId: string,
  result: { success: true; data: unknown } | { success: false; error: z.ZodError },
): ParamsCheck {
  if (result.success) return { ok: true, value: result.data as Record<string, unknown> }
  const problems = result.error.issues.map((issue) => {
    const field = ['params', ...issue.path.map(String)].join('.')
    return `${field}: ${issue.message}`
  })
  return {
    ok: false,
    error: new StewardError(
      'PARAMS_INVALID',
      `params of pipeline ${pipelineId} are invalid: ${problems.join('; ')}`,
      { cause: result.error },
    ),
  }
}
