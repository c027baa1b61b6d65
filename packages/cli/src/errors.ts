import { StewardError } from '@steward/kernel'

/** Codes of the failures raised by the CLI itself (settings and database codes come from their packages). */
export type CliErrorCode =
  | 'PIPELINE_NOT_FOUND'
  | 'PARAMS_INVALID'
  | 'RUN_FAILED'
  | 'BACKFILL_FAILED'
  | 'USAGE'
  | 'INTERRUPTED'
  | 'PORT_IN_USE'
  | 'PORT_INVALID'
  | 'REDIS_UNREACHABLE'
  | 'REDIS_REFUSED'
  | 'REDIS_NOT_INSTALLED'
  | 'REDIS_INSTALL_FAILED'
  | 'REDIS_START_FAILED'
  | 'WEB_APP_MISSING'
  | 'WEB_NOT_READY'
  | 'WEB_EXITED'
  | 'WEB_BUILD_FAILED'
  | 'SDK_VERSION_MISMATCH'
  | 'SERVICE_EXITED'
  | 'OPTION_INVALID'
  | 'CONFIG_NOT_FOUND'
  | 'INIT_REFUSED'
  | 'INIT_PACKAGES_MISSING'
  | 'DATABASE_NOT_MIGRATED'
  | 'ROLE_UNKNOWN'
  | 'SETTING_REQUIRED'
  | 'STOP_TIMED_OUT'

export const cliError = (code: CliErrorCode, message: string, options?: { cause?: unknown }) =>
  new StewardError<CliErrorCode>(code, message, options)
