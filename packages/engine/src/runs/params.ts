import { checkRunParams, type ParamsCheck, type ParamsSchema, paramsCheckOf } from '@steward/pipelines'
import { z } from 'zod'

export type { ParamsCheck }

const noParams = z.object({})

/**
 * Checks a run's params against the pipeline's zod schema (the worker side, where the definition
 * is loaded). The error names every field that is wrong: `params.week: expected string`. The
 * SDK's check, so a step test (`@steward/pipelines/testing`) refuses the params a run would.
 */
export function checkParams(
  pipelineId: string,
  schema: ParamsSchema | undefined,
  params: unknown,
): ParamsCheck {
  return checkRunParams(pipelineId, schema, params)
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
      : paramsCheckOf(pipelineId, noParams.safeParse(params))
  }
  const result = schema.safeParse(params ?? {})
  return result.success
    ? { ok: true, value: (params ?? {}) as Record<string, unknown> }
    : paramsCheckOf(pipelineId, result)
}
