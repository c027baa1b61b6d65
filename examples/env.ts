import { resolve } from 'node:path'
import type { ConnectionDecl } from '@steward/pipelines'
import { parseSilenceSwitch, type Silence } from './src/access-logs/silence-switch.ts'

/**
 * The one place the examples read the environment. The pipelines call these when a step runs, never
 * at import, so loading the definitions does not depend on it; only steward.config.ts asks, when it
 * loads, which warehouse to declare. Everything under src/ takes folders, salts and connections as
 * arguments, so its tests never touch the environment.
 */

/** The variable that, when set, holds a PostgreSQL URL for the examples' tables. */
export const warehouseUrlVariable = 'EXAMPLES_WAREHOUSE_URL'

/**
 * The examples' `warehouse` connection: the embedded DuckDB file (`$STEWARD_HOME/warehouse.duckdb`)
 * unless `EXAMPLES_WAREHOUSE_URL` is set, then that PostgreSQL database. Only the variable's NAME
 * goes into the config: the process that connects reads the URL, and it never reaches the catalog.
 */
export function warehouseConnection(): ConnectionDecl {
  return process.env[warehouseUrlVariable]?.trim()
    ? { kind: 'postgres', urlEnv: warehouseUrlVariable }
    : { kind: 'duckdb' }
}

/** STEWARD_HOME as the CLI reads it: `./.steward` unless set. */
export function stewardHome(): string {
  return resolve(process.env.STEWARD_HOME?.trim() || '.steward')
}

/** Where the example pipelines keep their data: `$STEWARD_HOME/data`. */
export function dataDir(): string {
  return resolve(stewardHome(), 'data')
}

/** Where churn export files land: `$STEWARD_HOME/inbox/churn`. */
export function churnInbox(): string {
  return resolve(stewardHome(), 'inbox', 'churn')
}

/**
 * Salt for hashing user ids. A real deployment sets its own secret; the default keeps the demo
 * working out of the box, and it only has to be stable for hashed ids to join across days.
 */
export function userIdSalt(): string {
  return process.env.STEWARD_EXAMPLES_SALT?.trim() || 'steward-examples-demo-salt'
}

/**
 * The demo switch: `STEWARD_DEMO_SILENCE_HOST=web-3` (and optionally `STEWARD_DEMO_SILENCE_FROM`, an
 * ISO hour) makes the generated access logs miss that host from then on, so the per-host volume
 * alert has something to catch.
 */
export function demoSilence(): Silence | undefined {
  return parseSilenceSwitch(process.env.STEWARD_DEMO_SILENCE_HOST, process.env.STEWARD_DEMO_SILENCE_FROM)
}

/**
 * The second demo switch: `STEWARD_DEMO_EMPTY_ACTIVITY=1` makes `app-activity.daily` keep succeeding
 * while it writes no rows into `analytics.daily_activity`, so the table's freshness alert fires with
 * every run green. `1`/`true`/`on` turn it on; unset, empty or `0`/`false`/`off` leave it off; anything
 * else stops the step naming the setting, rather than guessing.
 */
export function demoEmptyActivity(): boolean {
  const value = process.env.STEWARD_DEMO_EMPTY_ACTIVITY?.trim().toLowerCase() ?? ''
  if (value === '' || value === '0' || value === 'false' || value === 'off') return false
  if (value === '1' || value === 'true' || value === 'on') return true
  throw new Error(
    `STEWARD_DEMO_EMPTY_ACTIVITY: "${value.slice(0, 40)}" is not a switch; write 1 to turn it on, or unset it`,
  )
}
