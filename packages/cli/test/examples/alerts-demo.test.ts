import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Alerts, startAlerts } from '@steward/alerts'
import { SlackServer, waitUntil } from '@steward/alerts/testing'
import type { TestDatabase } from '@steward/db/testing'
import {
  type InboxWatcher,
  type RuntimeWorker,
  startWorker,
  WarehousePools,
  watchInboxes,
} from '@steward/engine'
import { churnScore } from '@steward/examples/pipelines/churn-score.ts'
import { churnScores } from '@steward/examples/products/churn-scores.ts'
import { writeChurnFile } from '@steward/examples/src/churn/write-churn-file.ts'
import { deleteQueueKeys } from '@steward/queue'
import { testRedisUrl } from '@steward/queue/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deployTestProject, type TempStewardHome, useTempStewardHome } from '../support/deployed-project.ts'

/** The examples project (a workspace of this repository, which Steward's own tests exercise). */
const examplesDir = fileURLToPath(new URL('../../../../examples', import.meta.url))
/**
 * The alert demo end to end: the churn pipeline on a real worker watching its inbox, alerts
 * evaluated and delivered to a local Slack-compatible server, as `steward dev` wires them.
 */
describe('the churn alert demo', () => {
  const prefix = `{steward-test-alerts-demo-${process.pid}}`
  let home: TempStewardHome
  let t: TestDatabase | undefined
  let slack: SlackServer | undefined
  let worker: RuntimeWorker | undefined
  let inboxes: InboxWatcher | undefined
  let alerts: Alerts | undefined
  let pools: WarehousePools | undefined

  beforeAll(async () => {
    home = await useTempStewardHome()
    const deployed = await deployTestProject(
      { products: [churnScores], pipelines: [churnScore], root: examplesDir },
      'pglite',
    )
    t = deployed.t
    slack = await SlackServer.start()
    // The scores go into analytics.churn_scores, in the embedded DuckDB under this home.
    pools = new WarehousePools({ stewardHome: home.path, variables: {} })
    worker = await startWorker({
      warehouses: { pools },
      db: t.db,
      redisUrl: testRedisUrl,
      project: deployed.project,
      prefix,
      reconcile: false,
      heartbeatMs: 100,
    })
    inboxes = watchInboxes(t.db, worker.queue, { root: join(home.path, 'inbox') })
    alerts = startAlerts({
      db: t.db,
      slack: { botToken: 'xoxb-demo', apiUrl: slack.apiUrl },
      // Next to the worker's queue, as `steward dev` runs them.
      queue: { backend: { kind: 'redis', url: testRedisUrl }, prefix },
      paceMs: 50,
      groupWindowMs: 200,
    })
    // Told once a run's end commits, whether its step came from a queue job or was handed on in
    // this worker: a job returns before its end is recorded, so the queue's job events come too early.
    worker.onRunsEnded(alerts.nudge)
  }, 60_000)

  afterAll(async () => {
    await inboxes?.close()
    await worker?.close()
    await alerts?.close()
    await pools?.close()
    await slack?.close()
    await deleteQueueKeys(testRedisUrl, prefix)
    await t?.dispose()
    await home?.restore()
  })

  it('a malformed export posts one message to the owners; a good one resolves it in place', async () => {
    const server = slack as SlackServer
    await writeChurnFile(join(home.path, 'inbox/churn'), {
      seed: 3,
      users: 200,
      asOf: '2026-11-05',
      breakLine: 7,
    })
    await waitUntil(
      'the failure in #lifecycle-data',
      () => server.posts('#lifecycle-data').length === 1,
      30_000,
    )
    const first = server.posts('#lifecycle-data')[0]
    expect(first?.text).toBe('Churn scoring failed')
    expect(JSON.stringify(first?.blocks)).toContain('line 7')
    // Owners only: the stakeholders' channels stay quiet.
    expect(server.posts('#crm')).toEqual([])

    await writeChurnFile(join(home.path, 'inbox/churn'), { seed: 3, users: 200, asOf: '2026-11-06' })
    await waitUntil(
      'the resolution',
      () => server.updates().length === 1 && server.posts('#lifecycle-data').length === 2,
      30_000,
    )
    expect(server.updates()[0]).toMatchObject({ ts: first?.ts, text: 'Resolved: Churn scoring failed' })
    expect(server.posts('#lifecycle-data')[1]).toMatchObject({ threadTs: first?.ts })
    expect(server.posts('#lifecycle-data')[1]?.text).toContain('Resolved')
    expect(server.requests).toHaveLength(3)
    // Only the good export reached the table.
    const scores = await pools
      ?.get('warehouse', { kind: 'duckdb' })
      .query<{ as_of: Date; users: bigint }>(
        'select as_of, count(*) as users from analytics.churn_scores group by as_of',
      )
    expect(scores?.rows).toEqual([{ as_of: new Date('2026-11-06T00:00:00Z'), users: 200n }])
  }, 60_000)
})
