import { type Alerts, startAlerts } from '@steward/alerts'
import { SlackServer, waitUntil } from '@steward/alerts/testing'
import type { TestDatabase } from '@steward/db/testing'
import { NonRetryableError, type RuntimeWorker, startRun, startWorker } from '@steward/engine'
import { definePipeline, defineProduct } from '@steward/pipelines'
import { deleteQueueKeys } from '@steward/queue'
import { testRedisUrl } from '@steward/queue/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deployTestProject } from './support/deployed-project.ts'

/**
 * A step failure reaches Slack without waiting for the evaluator's poll (issue 19, item 11): the
 * worker tells the evaluator in its process when a run's end commits, whether the failing step
 * came from a queue job or was handed on to it locally by the step before. The poll is set to a
 * minute here, so an alert that waited for it would miss the bound by far.
 */
describe('step failure → Slack request, in one process', () => {
  const prefix = `{steward-test-alert-latency-${process.pid}}`
  const failedAt = new Map<string, number>()
  const product = defineProduct({ id: 'latency', name: 'Latency', owners: [{ slack: '#latency' }] })
  const fail = (channel: string) => async () => {
    failedAt.set(channel, Date.now())
    throw new NonRetryableError('the export is malformed')
  }
  const lone = definePipeline({
    id: 'latency.lone',
    product,
    alerts: [],
    steps: (s) => s.step('explode', { retries: 0, run: fail('lone') }),
  })
  // The second step is handed on locally by the first one's finish: it has no queue job.
  const chained = definePipeline({
    id: 'latency.chained',
    product,
    steps: (s) =>
      s
        .step('extract', { run: async () => ({ rows: 1 }) })
        .step('load', { needs: ['extract'], retries: 0, run: fail('chained') }),
  })
  let t: TestDatabase | undefined
  let slack: SlackServer | undefined
  let worker: RuntimeWorker | undefined
  let alerts: Alerts | undefined

  beforeAll(async () => {
    const deployed = await deployTestProject({
      products: [product],
      pipelines: [lone, chained],
      root: import.meta.dirname,
    })
    t = deployed.t
    slack = await SlackServer.start()
    worker = await startWorker({
      db: t.db,
      redisUrl: testRedisUrl,
      project: deployed.project,
      prefix,
      reconcile: false,
      concurrency: 4,
    })
    alerts = startAlerts({
      db: t.db,
      slack: { botToken: 'xoxb-test', apiUrl: slack.apiUrl },
      queue: { backend: { kind: 'redis', url: testRedisUrl }, prefix },
      runPollMs: 60_000,
      timerEveryMs: 60_000,
      groupWindowMs: 0,
      paceMs: 0,
    })
    worker.onRunsEnded(alerts.nudge)
    // The evaluator's cursor starts before the runs.
    await alerts.evaluateNow()
  }, 120_000)

  afterAll(async () => {
    await worker?.close()
    await alerts?.close()
    await slack?.close()
    await deleteQueueKeys(testRedisUrl, prefix)
    await t?.dispose()
  })

  it.each([
    ['lone', lone.id, 1],
    ['chained', chained.id, 2],
  ] as const)('a %s failing step is in Slack well under the poll', async (name, pipelineId, posts) => {
    if (!t || !worker || !slack) throw new Error('not started')
    await startRun(t.db, worker.queue, { pipelineId, trigger: 'manual' })
    const s = slack
    await waitUntil(`the alert for ${pipelineId}`, () => s.posts('#latency').length === posts, 20_000)
    const latencyMs = (s.posts('#latency').at(-1)?.at ?? 0) - (failedAt.get(name) ?? 0)
    console.log(`step failure → Slack request (${name}): ${latencyMs} ms`)
    expect(s.posts('#latency').at(-1)?.text).toContain(`${pipelineId} failed`)
    // The poll is a minute: only a nudge at the run's end gets here this soon, even on a busy machine.
    expect(latencyMs).toBeLessThan(2_000)
  })
})
