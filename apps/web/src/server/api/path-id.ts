import { textProblem } from '@steward/kernel'
import { apiError } from './api-error.ts'

/** Longer than any id Steward makes or accepts (product, pipeline and event ids, uuids). */
const maxIdChars = 200
// C0 and C1 control characters, DEL: no id holds them, and PostgreSQL refuses NUL.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/

/**
 * The guard every /api/v1 route with an id in its path runs first: an id that no product,
 * pipeline, run, backfill, incident or event could have (empty, too long, a control character, a
 * lone surrogate) is a 400 here, before it reaches SQL, where a NUL made a 500. Answers the error
 * response, or undefined when the id may be looked up (and may still be a 404).
 *
 * @example
 * const { id } = await context.params
 * const refused = refusePathId(id, 'pipeline')
 * if (refused) return refused
 */
export function refusePathId(id: string, what: string): Response | undefined {
  if (id.length > 0 && id.length <= maxIdChars && !controlCharacter.test(id) && !textProblem(id))
    return undefined
  return apiError(
    400,
    'PATH_INVALID',
    `the ${what} id in the path must be 1 to ${maxIdChars} printable characters (no control characters, valid Unicode)`,
  )
}

/** A record id as Steward makes them (runs, backfills, incidents): a UUID, any case. */
export const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
