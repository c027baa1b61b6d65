import type { TestDatabase } from '@steward/db/testing'
import { freshness, onFailure, stepFailed } from '@steward/pipelines/rules'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type Alerts, startAlerts } from '../start-alerts.ts'
import { closeAlertsSuite, openAlertsSuite } from '../testing/alerts-suite.ts'
import { seedPipeline, seedProduct, seedRun } from '../testing/seed.ts'
import type { SlackServer } from '../testing/slack-server.ts'
import { alertTestBackends, type TestQueues } from '../testing/test-queues.ts'
import { waitUntil } from '../testing/wait-until.ts'
import { evaluateFinishedRuns } from './evaluate-finished-runs.ts'

/** Failures alert by default: nobody has to remember `onFailure()` for a broken pipeline to be heard. */
describe.each(alertTestBackends)('failure alerts by default on $name', ({ db: backend, queue }) => {
  let t: TestDatabase
  let slack: SlackServer
  let queues: TestQueues
  let alerts: Alerts | undefined
  beforeAll(async () => {
    ;({ t, slack, queues } = await openAlertsSuite(backend, queue))
  })
  afterEach(async () => {
    await alerts?.close()
    alerts = undefined
  })
  afterAll(() => closeAlertsSuite({ slack, queues, t }))
  const incidentsOf = (productId: string) =>
    t.db.selectFrom('incidents').selectAll().where('product_id', '=', productId).execute()

  it('a product with no rules whose pipeline fails: an incident, and one message in the owners’ channel', async () => {
    await seedProduct(t.db, { id: 'plain', owners: ['#plain-owners'], stakeholders: ['#plain-fans'] })
    await seedPipeline(t.db, { id: 'plain.load', productId: 'plain' })
    alerts = startAlerts({
      db: t.db,
      slack: { botToken: 'xoxb-test', apiUrl: slack.apiUrl },
      paceMs: 20,
      groupWindowMs: 100,
      runPollMs: 50,
      queue: queues.location,
    })
    // Before any run: the evaluator's cursor starts now, history is not replayed.
    await alerts.evaluateNow()
    await seedRun(t.db, { pipelineId: 'plain.load', productId: 'plain', status: 'failed' })
    alerts.nudge()
    await waitUntil('the owners’ message', () => slack.posts('#plain-owners').length === 1)
    expect(slack.posts('#plain-owners')[0]?.text).toContain('plain.load failed')
    expect(slack.posts('#plain-fans')).toEqual([])
    expect(await incidentsOf('plain')).toMatchObject([
      {
        status: 'open',
        rule_key: 'pipeline:plain.load:on-failure',
        rule_kind: 'on-failure',
        severity: 'critical',
        destinations: ['#plain-owners'],
      },
    ])
  })

  it('declaring onFailure changes who hears it; onFailure(false) on the pipeline or product silences it', async () => {
    await evaluateFinishedRuns(t.db)
    // Declared: the stakeholders hear it instead of the owners.
    await seedProduct(t.db, { id: 'told', owners: ['#told-owners'], stakeholders: ['#told-fans'] })
    await seedPipeline(t.db, {
      id: 'told.load',
      productId: 'told',
      alerts: [onFailure({ notify: 'stakeholders', severity: 'warning' })],
    })
    // Off on the pipeline, although its product declares onFailure for every pipeline.
    await seedProduct(t.db, { id: 'quiet', alerts: [onFailure()] })
    await seedPipeline(t.db, { id: 'quiet.load', productId: 'quiet', alerts: [onFailure(false)] })
    await seedPipeline(t.db, { id: 'quiet.other', productId: 'quiet' })
    // Off on the product: its pipelines are silent unless one declares its own.
    await seedProduct(t.db, { id: 'hushed', alerts: [onFailure(false), freshness({ maxAge: '1d' })] })
    await seedPipeline(t.db, { id: 'hushed.load', productId: 'hushed' })
    await seedPipeline(t.db, { id: 'hushed.loud', productId: 'hushed', alerts: [onFailure()] })
    // Other rules leave the default on.
    await seedProduct(t.db, { id: 'stepwise' })
    await seedPipeline(t.db, { id: 'stepwise.load', productId: 'stepwise', alerts: [stepFailed()] })
    for (const [pipelineId, productId] of [
      ['told.load', 'told'],
      ['quiet.load', 'quiet'],
      ['quiet.other', 'quiet'],
      ['hushed.load', 'hushed'],
      ['hushed.loud', 'hushed'],
      ['stepwise.load', 'stepwise'],
    ] as const) {
      await seedRun(t.db, { pipelineId, productId, status: 'failed', steps: { main: 'failed' } })
    }
    await evaluateFinishedRuns(t.db)

    expect(await incidentsOf('told')).toMatchObject([
      { subject_key: 'pipeline:told.load', severity: 'warning', destinations: ['#told-fans'] },
    ])
    expect((await incidentsOf('quiet')).map((i) => i.subject_key)).toEqual(['pipeline:quiet.other'])
    expect((await incidentsOf('hushed')).map((i) => i.subject_key)).toEqual(['pipeline:hushed.loud'])
    expect((await incidentsOf('stepwise')).map((i) => i.rule_key).sort()).toEqual([
      'pipeline:stepwise.load:on-failure',
      'pipeline:stepwise.load:step-failed',
    ])
  })
})
