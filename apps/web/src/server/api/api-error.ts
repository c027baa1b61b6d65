import { isStewardError } from '@steward/kernel'

/**
 * The error body of every /api/v1 route: `{"error":{"code":"PARAMS_INVALID","message":"…"}}`,
 * with a status that says whose fault it is. Unexpected errors are logged here and answered
 * without their details, never with a stack.
 */
export function apiError(status: number, code: string, message: string): Response {
  return Response.json({ error: { code, message } }, { status, headers: { 'Cache-Control': 'no-store' } })
}

const statusByCode: Record<string, number> = {
  PARAMS_INVALID: 400,
  PIPELINE_NOT_FOUND: 404,
  SCHEDULE_NOT_FOUND: 404,
  RUN_NOT_FOUND: 404,
  RUN_NOT_RETRYABLE: 409,
  PIPELINE_BUSY: 409,
  PIPELINE_ARCHIVED: 409,
  BACKFILL_NOT_FOUND: 404,
  BACKFILL_INVALID: 400,
  PARTITION_INVALID: 400,
  PARTITION_REQUIRED: 400,
}

export function apiErrorFrom(error: unknown): Response {
  if (isStewardError(error)) {
    const status = statusByCode[error.code]
    if (status) return apiError(status, error.code, error.message)
    if (error.code === 'DATABASE_UNREACHABLE' || error.code.startsWith('SETTING')) {
      return apiError(503, error.code, error.message)
    }
  }
  console.error('steward web: unexpected API error', error)
  return apiError(500, 'INTERNAL', 'the server failed to answer; its log says why')
}
