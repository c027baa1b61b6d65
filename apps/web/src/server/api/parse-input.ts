import type { z } from 'zod'
import { apiError } from './api-error.ts'

/** A request's input as its schema reads it, or the 400 that says what is wrong and where. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; response: Response }

/**
 * A JSON body (already read within its limit, `readJsonBody`) checked against the route's schema
 * in `schemas.ts`: 400 `BODY_INVALID` naming the field, e.g. `concurrency: must be a whole number
 * above 0`.
 */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): Parsed<z.output<S>> {
  return parsed(schema, body, 'BODY_INVALID', '')
}

/**
 * A query string checked against the route's schema: each parameter the schema knows, once (the
 * first wins); the ones in `lists` may repeat or hold commas (`?status=failed,cancelled`). 400
 * `QUERY_INVALID` naming the parameter.
 */
export function parseQuery<S extends z.ZodObject>(
  schema: S,
  request: Request,
  lists: readonly string[] = [],
): Parsed<z.output<S>> {
  const params = new URL(request.url).searchParams
  const input: Record<string, unknown> = {}
  for (const name of Object.keys(schema.shape)) {
    if (lists.includes(name)) {
      const values = params.getAll(name).flatMap((value) => value.split(',').filter(Boolean))
      if (values.length > 0) input[name] = values
    } else {
      const value = params.get(name)
      if (value !== null && value !== '') input[name] = value
    }
  }
  return parsed(schema, input, 'QUERY_INVALID', '?')
}

function parsed<S extends z.ZodType>(
  schema: S,
  input: unknown,
  code: string,
  prefix: string,
): Parsed<z.output<S>> {
  const result = schema.safeParse(input)
  if (result.success) return { ok: true, value: result.data }
  const problems = result.error.issues.slice(0, 3).map((issue) => {
    const where = issue.path.length > 0 ? `${prefix}${issue.path.map(String).join('.')}` : 'the body'
    return `${where}: ${issue.message}`
  })
  return { ok: false, response: apiError(400, code, problems.join('; ')) }
}
