import { StewardError } from '@steward/kernel'
import { z } from 'zod'
import type { ParamsSchema } from '../definitions/pipeline.ts'

export type ParamsCheck =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; error: StewardError<'PARAMS_INVALID'> }

const noParams = z.object({})

/**
 * Checks a run's params against the pipeline's zod schema (none: `{}` only). The error names every
 * field that is wrong: `params of pipeline x are invalid: params.week: expected string`.
 */
export function checkRunParams(
  pipelineId: string,
  schema: ParamsSchema | undefined,
  params: unknown,
): ParamsCheck {
  return paramsCheckOf(pipelineId, (schema ?? noParams).safeParse(params ?? {}))
}

/** A zod parse result as a params check, its error naming each field under `params.`. */
export function paramsCheckOf(
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
