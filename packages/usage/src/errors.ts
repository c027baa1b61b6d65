import { StewardError } from '@steward/kernel'

/** Codes of the failures raised by @steward/usage; the web app maps them to HTTP statuses. */
export type UsageErrorCode =
  | 'TOKEN_INVALID'
  | 'TOKEN_REVOKED'
  | 'TOKEN_SCOPE'
  | 'TOKEN_PRODUCT'
  | 'TOKEN_NOT_FOUND'
  | 'TOKEN_NAME_TAKEN'
  | 'PRODUCT_NOT_FOUND'
  | 'USAGE_QUERY_INVALID'
  | 'USAGE_SETTINGS_INVALID'
  | 'USAGE_BATCH_INVALID'

export function usageError(
  code: UsageErrorCode,
  message: string,
  cause?: unknown,
): StewardError<UsageErrorCode> {
  return new StewardError<UsageErrorCode>(code, message, cause === undefined ? undefined : { cause })
}
