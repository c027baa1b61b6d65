import type { StewardDb } from '@steward/db'
import { compileCatalog, createProject, deployCatalog } from '@steward/engine'
import { afterSuccessOf, definePipeline, defineProduct } from '@steward/pipelines'

/**
 * The examples' shape, declared as item 6 of issue 20 makes them: app activity writes the daily
 * activity table, the weekly funnel reads it (and runs after it), churn scoring publishes its
 * scores from an export nobody publishes.
 */
const owners = [{ team: 'growth-data', slack: '#growth-data' }]
const activity = defineProduct({
  id: 'app-activity-counts',
  name: 'App activity counts',
  owners,
  tables: [{ name: 'analytics.daily_activity', timestampColumn: 'day' }],
})
const funnel = defineProduct({
  id: 'weekly-signup-funnel',
  name: 'Weekly signup <funnel>',
  owners,
  tables: [{ name: 'analytics.signup_funnel' }],
})
const churn = defineProduct({
  id: 'churn-scores',
  name: 'Churn scores',
  owners,
  tables: [{ name: 'analytics.churn_scores' }],
})
const activityDaily = definePipeline({
  id: 'app-activity.daily',
  product: activity,
  steps: (s) => s.step('count', { writes: ['analytics.daily_activity'], run: async () => ({}) }),
})
const funnelWeekly = definePipeline({
  id: 'signup-funnel.weekly',
  product: funnel,
  triggers: [afterSuccessOf(activityDaily)],
  steps: (s) =>
    s
      .step('sequences', { reads: ['analytics.daily_activity'], run: async () => ({}) })
      .step('funnel', { needs: ['sequences'], writes: ['analytics.signup_funnel'], run: async () => ({}) }),
})
const churnScore = definePipeline({
  id: 'churn.score',
  product: churn,
  steps: (s) =>
    s.step('score', {
      reads: ['raw.churn_export'],
      writes: ['analytics.churn_scores'],
      run: async () => ({}),
    }),
})

/** Deploys the three products and pipelines above (no worker: nothing runs). */
export async function deployLineageFixture(db: StewardDb['db']): Promise<void> {
  const project = await createProject({
    products: [activity, funnel, churn],
    pipelines: [activityDaily, funnelWeekly, churnScore],
    root: import.meta.dirname,
  })
  await deployCatalog(db, compileCatalog(project))
}

export const failedActivityRunId = '00000000-0000-4000-8000-0000000000a1'

/** App activity's newest run failed: what the funnel downstream must show. */
export async function failActivityRun(db: StewardDb['db']): Promise<void> {
  await db
    .insertInto('runs')
    .values({
      id: failedActivityRunId,
      pipeline_id: 'app-activity.daily',
      product_id: 'app-activity-counts',
      pipeline_version: 1,
      status: 'failed',
      trigger: 'schedule',
      params: '{}',
      finished_at: new Date(),
    })
    .execute()
}
