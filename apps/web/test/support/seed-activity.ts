import { randomUUID } from 'node:crypto'
import { seedRuns } from '@steward/alerts/testing'
import { json, type StewardDb } from '@steward/db'
import { volume } from '@steward/pipelines/rules'
import { ingestEvents } from '@steward/usage'
import { seeded } from './seed-catalog.ts'

/** The salt the test server hashes with (support/next-app.ts), so seeded actors match page views. */
export const testUsageSalt = 'web-test-usage-salt-0123456789'

export const docsMarkdown = `# Weekly signup funnel

Signups to activation, week by week.

| stage | metric | target |
| --- | --- | ---: |
| visit | sessions | 100% |
| signup | accounts created | 12% |

- [x] backfilled to 2024
- [ ] add the mobile app

Ask in https://example.com/growth or run \`steward run signup-funnel.build\`.

<script>alert('no')</script>
`

const day = 86_400_000

/**
 * What the catalog and product pages show beyond the deploy: runs (the churn product's newest
 * run failed, a stale third product never ran), usage over 60 days, cost, an incident with its
 * Slack messages, and the funnel's docs. Call after seedCatalog.
 */
export async function seedActivity(db: StewardDb['db'], now = new Date()): Promise<void> {
  await db
    .updateTable('products')
    .set({ docs_markdown: docsMarkdown, docs_path: 'docs/funnel.md' })
    .where('id', '=', seeded.funnel.id)
    .execute()
  await db
    .insertInto('products')
    .values({
      id: 'ops-cost-cube',
      name: 'Ops cost cube',
      description: 'Infrastructure cost by team, promised hourly.',
      owners: json([{ team: 'finops', slack: '#finops' }]),
      stakeholders: json([]),
      links: json([]),
      tier: 'bronze',
      tags: ['finance'],
      freshness_max_age_seconds: 3_600,
      definition_hash: 'h-ops',
      created_at: new Date(now.getTime() - 3 * day),
    })
    .execute()
  await db
    .insertInto('pipelines')
    .values({
      id: 'ops-cost.build',
      product_id: 'ops-cost-cube',
      name: 'ops-cost.build',
      definition_hash: 'h-ops-build',
      version: 1,
      triggers: json([]),
      params_schema: json({}),
      steps: json([]),
      alert_rules: json([]),
    })
    .execute()
  const run = (pipelineId: string, productId: string, status: 'succeeded' | 'failed', ago: number) => ({
    id: randomUUID(),
    pipeline_id: pipelineId,
    product_id: productId,
    pipeline_version: 1,
    status,
    trigger: 'schedule' as const,
    params: json({}),
    created_at: new Date(now.getTime() - ago - 60_000),
    started_at: new Date(now.getTime() - ago - 60_000),
    finished_at: new Date(now.getTime() - ago),
  })
  await db
    .insertInto('runs')
    .values([
      run('signup-funnel.build', seeded.funnel.id, 'succeeded', 3_600_000),
      run('churn.features', seeded.churn.id, 'succeeded', 2 * 3_600_000),
      run('churn.features', seeded.churn.id, 'failed', 3_600_000),
      run('churn.score', seeded.churn.id, 'succeeded', 3_600_000),
    ])
    .execute()

  // churn.score is watched per host: web-3 stopped shipping two days ago (the product page's "Per source").
  await db
    .updateTable('pipelines')
    .set({
      alert_rules: json([
        volume({ metric: 'rows', by: ['host'], below: { vsSameHour: { days: 7 }, ratio: 0.5 } }),
      ]),
    })
    .where('id', '=', 'churn.score')
    .execute()
  await seedRuns(
    db,
    Array.from({ length: 6 }, (_, d) => {
      const at = new Date(now.getTime() - (6 - d) * day - 3_600_000)
      const hosts = d >= 4 ? ['web-1', 'web-2'] : ['web-1', 'web-2', 'web-3']
      return {
        pipelineId: 'churn.score',
        productId: seeded.churn.id,
        status: 'succeeded' as const,
        finishedAt: at,
        metrics: hosts.map((host) => ({ step: 'score', name: 'rows', value: 1_000, at, labels: { host } })),
      }
    }),
  )

  // The funnel: 3 viewers most days over 60 days, more lately; churn: a few queries.
  const events: unknown[] = []
  for (let d = 0; d < 60; d++) {
    const at = new Date(now.getTime() - d * day - 60_000).toISOString()
    const viewers = d < 7 ? 5 : 3
    for (let v = 0; v < viewers; v++) {
      events.push({ product: seeded.funnel.id, kind: 'view', actor: `analyst-${v}@example.com`, at })
    }
    if (d % 3 === 0) events.push({ product: seeded.funnel.id, kind: 'query', actor: 'bi-service', at })
    if (d < 10) events.push({ product: seeded.churn.id, kind: 'query', actor: 'crm-sync', at })
  }
  for (let i = 0; i < events.length; i += 500) {
    await ingestEvents(db, events.slice(i, i + 500), { salt: testUsageSalt, origin: 'seed' })
  }

  await db
    .insertInto('cost_entries')
    .values(
      Array.from({ length: 40 }, (_, d) => ({
        product_id: seeded.funnel.id,
        kind: 'reported' as const,
        item: 'warehouse',
        usd: String(d < 5 ? 12.5 : 4),
        at: new Date(now.getTime() - d * day - 60_000),
      })),
    )
    .execute()

  const incidentId = randomUUID()
  await db
    .insertInto('incidents')
    .values({
      id: incidentId,
      rule_key: 'pipeline:churn.features:run-failed',
      rule_kind: 'run-failed',
      subject_key: 'pipeline:churn.features',
      product_id: seeded.churn.id,
      pipeline_id: 'churn.features',
      severity: 'critical',
      title: 'churn.features failed',
      destinations: ['#ml-platform'],
      status: 'open',
      opened_at: new Date(now.getTime() - 3_600_000),
      last_fired_at: new Date(now.getTime() - 3_600_000),
    })
    .execute()
  const message = (kind: 'first' | 'follow_up', ago: number) => ({
    destination: '#ml-platform',
    product_id: seeded.churn.id,
    rule_key: 'pipeline:churn.features:run-failed',
    incident_id: incidentId,
    kind,
    payload: json({ text: `churn.features failed (${kind})`, blocks: [] }),
    status: 'not_sent_no_token' as const,
    created_at: new Date(now.getTime() - ago),
  })
  await db
    .insertInto('notifications')
    .values([message('first', 3_600_000), message('follow_up', 1_800_000)])
    .execute()
}
