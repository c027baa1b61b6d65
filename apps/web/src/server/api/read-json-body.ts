import { findTextProblem, jsonDepth } from '@steward/kernel'
import { apiError } from './api-error.ts'
import { bodyLimits, maxJsonDepth } from './body-limits.ts'
import { readBodyText } from './read-body.ts'

/** The JSON a request carries, or the error response that refuses it. */
export type JsonValue = { ok: true; value: unknown } | { ok: false; response: Response }

/**
 * A body read within `limit` bytes (`readBodyText`: 413 past it) and parsed as JSON nested at most
 * `maxJsonDepth` deep: anything else is a 400 that says so. `empty` is what an empty body reads as.
 */
export async function readJson(
  request: Request,
  options: { limit: number; shape: string; empty?: unknown },
): Promise<JsonValue> {
  const body = await readBodyText(request, options.limit)
  if (!body.ok) return body
  if (body.text.trim() === '' && options.empty !== undefined) return { ok: true, value: options.empty }
  let value: unknown
  try {
    value = JSON.parse(body.text)
  } catch {
    return invalid(`the body is not JSON: send ${options.shape}`)
  }
  if (jsonDepth(value, maxJsonDepth) > maxJsonDepth)
    return invalid(`the body nests deeper than ${maxJsonDepth} levels: send ${options.shape}`)
  return { ok: true, value }
}

/** The JSON object a POST carries, or the response that refuses it. An empty body reads as `{}`. */
export type JsonBody = { ok: true; value: Record<string, unknown> } | { ok: false; response: Response }

/**
 * The JSON object of a POST to a control route (runs, backfills, events, incidents), at most
 * `bodyLimits.json` bytes. Its text must be storable: a string or key holding a NUL character or a
 * lone surrogate is a 400 naming where (`params.file`), before anything reaches the database.
 */
export async function readJsonBody(request: Request, shape: string): Promise<JsonBody> {
  const read = await readJson(request, { limit: bodyLimits.json, shape: `${shape} or nothing`, empty: {} })
  if (!read.ok) return read
  const parsed = read.value
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return invalid(`the body must be a JSON object: ${shape}`)
  }
  const unstorable = findTextProblem(parsed)
  if (unstorable) return invalid(`${unstorable.path || 'the body'} ${unstorable.problem}`)
  return { ok: true, value: parsed as Record<string, unknown> }
}

function invalid(message: string): { ok: false; response: Response } {
  return { ok: false, response: apiError(400, 'BODY_INVALID', message) }
}
