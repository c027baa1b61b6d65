import { join } from 'node:path'

/** Where things live under the Steward home folder. */
export const stewardPaths = (home: string) => ({
  /** The embedded PGlite database and its server.json. */
  database: join(home, 'db'),
  /** A local Redis started by `steward dev`: its data, pid file and log. */
  redis: join(home, 'redis'),
  /** Secrets generated for local use (never in production). */
  secrets: join(home, 'secrets'),
  /** Files that trigger pipelines when they land (the churn example's inbox). */
  inbox: join(home, 'inbox'),
  logs: join(home, 'logs'),
  /** The queue backend a running `steward dev` picked on its own (STEWARD_QUEUE unset), for other commands. */
  devQueue: join(home, 'dev-queue.json'),
})
