/** Codes of the failures raised by @steward/db. */
export type DbErrorCode =
  | 'DATABASE_URL_INVALID'
  | 'DATABASE_UNREACHABLE'
  | 'DATABASE_NEWER_THAN_CODE'
  | 'DATABASE_MIGRATION_FAILED'
  | 'EMBEDDED_DATABASE_BUSY'
  | 'EMBEDDED_DATABASE_FAILED'
