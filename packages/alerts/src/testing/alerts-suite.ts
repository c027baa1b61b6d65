import { migrateToLatest } from '@steward/db'
import type { TestBackend, TestDatabase } from '@steward/db/testing'
import type { TestQueueKind } from '@steward/queue/testing'
import type { Alerts } from '../start-alerts.ts'
import { SlackServer } from './slack-server.ts'
import { TestQueues } from './test-queues.ts'

/** What an alerts suite runs on: a migrated database, a Slack stand-in and a delivery queue of its own. */
export interface AlertsSuite {
  t: TestDatabase
  slack: SlackServer
  queues: TestQueues
}

/**
 * Opens a suite's services: a database of its own on `backend` (migrated), a Slack stand-in, and
 * a delivery queue of `queue`'s kind (on that database for the PostgreSQL queue).
 *
 * @example
 * beforeAll(async () => {
 *   ;({ t, slack, queues } = await openAlertsSuite(backend, queue))
 * })
 * afterAll(() => closeAlertsSuite({ alerts: [alerts], slack, queues, t }))
 */
export async function openAlertsSuite(backend: TestBackend, queue: TestQueueKind): Promise<AlertsSuite> {
  const t = await backend.open()
  await migrateToLatest(t.db)
  return { t, slack: await SlackServer.start(), queues: new TestQueues(queue, t) }
}

/**
 * Closes what a suite opened: its alerts first (they use the rest), then the Slack stand-in, the
 * queue's keys and the database. What never opened (a failed `beforeAll`) is skipped.
 */
export async function closeAlertsSuite(
  suite: Partial<AlertsSuite> & { alerts?: readonly (Alerts | undefined)[] },
): Promise<void> {
  for (const alerts of suite.alerts ?? []) await alerts?.close()
  await suite.slack?.close()
  await suite.queues?.dispose()
  await suite.t?.dispose()
}
