import { z } from 'zod'
import { isZodObject, type ParamsSchema } from '../definitions/pipeline.ts'

const emptyParams = z.object({})

/**
 * The JSON Schema of a pipeline's params, as callers send them (`io: 'input'`: before defaults and
 * transforms), for the UI's run form and for checking event payloads. No params: an empty object.
 * Throws when a part of the schema has no JSON Schema form; `paramsProblem` says which.
 */
export function paramsJsonSchema(params: ParamsSchema | undefined): Record<string, unknown> {
  return z.toJSONSchema(params ?? emptyParams, { io: 'input' }) as Record<string, unknown>
}

/** Why `params` cannot be a pipeline's params, or undefined when it can. */
export function paramsProblem(params: unknown): string | undefined {
  if (params === undefined) return undefined
  if (!isZodObject(params)) {
    return 'must be a zod object schema, e.g. z.object({ week: z.string().optional() }): params are named values'
  }
  try {
    paramsJsonSchema(params)
    return undefined
  } catch (error) {
    return (
      `cannot be stored as JSON Schema for the run form: ${(error as Error).message}; ` +
      'use JSON types (z.iso.datetime() rather than z.date(), z.number() rather than z.bigint())'
    )
  }
}
