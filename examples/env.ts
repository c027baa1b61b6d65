import { resolve } from 'node:path'
import { parseSilenceSwitch, type Silence } from './src/access-logs/silence-switch.ts'

/**
 * The one place the examples read the environment (the pipelines call these when a step runs, never
 * at import, so loading the definitions does not depend on it). Everything under src/ takes folders
 * and salts as arguments, so its tests never touch the environment.
 */

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
