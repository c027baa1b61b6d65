import { isStewardError } from '@steward/kernel'
import { apiError, apiErrorFrom } from '../api/api-error.ts'

const statusByCode: Record<string, number> = {
  TOKEN_INVALID: 401,
  TOKEN_REVOKED: 401,
  TOKEN_SCOPE: 403,
  TOKEN_PRODUCT: 403,
  PRODUCT_NOT_FOUND: 404,
  USAGE_QUERY_INVALID: 400,
  USAGE_BATCH_INVALID: 400,
  USAGE_SALT_MISSING: 503,
}

/** The usage and cost API's errors: its own codes, then the shared ones (`apiErrorFrom`). */
export function usageApiError(error: unknown): Response {
  if (isStewardError(error)) {
    const status = statusByCode[error.code]
    if (status) {
      const response = apiError(status, error.code, error.message)
      if (status === 401) response.headers.set('WWW-Authenticate', 'Bearer realm="steward"')
      return response
    }
  }
  return apiErrorFrom(error)
}
