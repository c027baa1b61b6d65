import { resolve } from 'node:path'

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
