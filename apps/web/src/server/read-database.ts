import type { StewardDb } from '@steward/db'
import { isStewardError } from '@steward/kernel'
import { getDb } from './db.ts'

/**
 * Why a page could not read the database, in words an operator can act on. Pages render these
 * instead of crashing: a fresh checkout without migrations, or a database that is not running
 * yet, are ordinary states of a development machine, not bugs.
 */
export type DatabaseProblem =
  | { code: 'DATABASE_NOT_MIGRATED'; where: string }
  | { code: 'DATABASE_UNREACHABLE'; message: string }
  | { code: 'SETTINGS_INVALID'; message: string }

export type DatabaseRead<T> = { ok: true; value: T } | { ok: false; problem: DatabaseProblem }

export type Db = StewardDb['db']

/**
 * Runs a read against the process-wide database and turns the two expected failures (schema
 * missing, database unreachable) into a `DatabaseProblem`. Anything else is a bug and is thrown
 * to the page's error boundary.
 */
export async function readDatabase<T>(query: (db: Db) => Promise<T>): Promise<DatabaseRead<T>> {
  let opened: StewardDb
  try {
    opened = await getDb()
  } catch (error) {
    // createDb's errors are one line, name the setting, and carry no password: safe to show.
    if (!isStewardError(error)) throw error
    console.error(`[steward web] ${error.message}`)
    const code = settingCodes.has(error.code) ? 'SETTINGS_INVALID' : 'DATABASE_UNREACHABLE'
    return { ok: false, problem: { code, message: error.message } }
  }
  try {
    return { ok: true, value: await query(opened.db) }
  } catch (error) {
    if (isSchemaMissing(error)) {
      console.error(`[steward web] database not migrated (${opened.displayUrl}): ${(error as Error).message}`)
      return { ok: false, problem: { code: 'DATABASE_NOT_MIGRATED', where: opened.displayUrl } }
    }
    if (isConnectionLost(error)) {
      const message = `the database stopped answering (${opened.displayUrl}): ${(error as Error).message}`
      console.error(`[steward web] ${message}`)
      return { ok: false, problem: { code: 'DATABASE_UNREACHABLE', message } }
    }
    throw error
  }
}

// A malformed DATABASE_URL (from @steward/db) or any other bad setting (from @steward/config).
const settingCodes = new Set(['DATABASE_URL_INVALID', 'SETTING_INVALID'])

// PostgreSQL error codes: undefined_table, undefined_column, invalid_schema_name. A database
// migrated by an older Steward lacks newer columns and tables the same way an empty one does.
const schemaMissingCodes = new Set(['42P01', '42703', '3F000'])

function isSchemaMissing(error: unknown): boolean {
  return schemaMissingCodes.has(String((error as { code?: unknown })?.code))
}

// Socket errors from `pg`, and PostgreSQL's admin_shutdown / cannot_connect_now.
const connectionLostCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', '57P01', '57P03'])

function isConnectionLost(error: unknown): boolean {
  if (connectionLostCodes.has(String((error as { code?: unknown })?.code))) return true
  return (
    error instanceof Error &&
    /Connection terminated|timeout exceeded when trying to connect/.test(error.message)
  )
}
