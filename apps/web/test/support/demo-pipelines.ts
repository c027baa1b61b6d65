import { compileCatalog, createProject, deployCatalog, NonRetryableError } from '@steward/engine'
import type { RuntimeHarness } from '@steward/engine/testing'
import { dailyPartitions, definePipeline, defineProduct, manual } from '@steward/pipelines'
import { z } from 'zod'

/**
 * The product and pipelines the pipeline/run page tests deploy: a weekly report with typed params
 * and a diamond of steps that log, report metrics and cost; a pipeline whose step fails until told
 * otherwise (for retry from failed); and one that runs until cancelled.
 */
export const demoProduct = defineProduct({
  id: 'weekly-signup-funnel',
  name: 'Weekly signup funnel',
  description: 'Signups to activation, week by week, for the growth team.',
  owners: [{ team: 'growth-data', slack: '#growth-data' }],
  stakeholders: [{ name: 'Growth PMs', slack: '#growth' }],
  tier: 'gold',
  freshness: { maxAge: '8d' },
})

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      resolve()
    })
  })

export const weeklyReport = definePipeline({
  id: 'signup-funnel.weekly',
  name: 'Weekly sign-up funnel',
  description: 'Visitors → sign-ups → activation for the last complete weeks.',
  product: demoProduct,
  schedule: { cron: '0 7 * * 1', timezone: 'Asia/Seoul' },
  triggers: [manual()],
  params: z.object({
    weeks: z.number().int().min(1).max(52).default(12).describe('Complete weeks to report'),
    region: z.enum(['eu', 'us', 'apac']).describe('Which warehouse to read'),
    dryRun: z.boolean().default(false).describe('Compute, but do not publish'),
    until: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional()
      .describe('Last day, YYYY-MM-DD; today when empty'),
  }),
  steps: (s) =>
    s
      .step('extract-events', {
        run: async (ctx) => {
          ctx.log.info('reading events', { region: ctx.params.region, weeks: ctx.params.weeks })
          await pause(500, ctx.signal)
          ctx.metric('rows', 48_210 * ctx.params.weeks)
          ctx.cost({ usd: 0.0123, item: 'warehouse scan' })
          ctx.log.info('events read')
          return { table: `staging.events_${ctx.params.region}` }
        },
      })
      .step('sessions', {
        needs: ['extract-events'],
        run: async (ctx, { 'extract-events': events }) => {
          ctx.log.info('sessionising', { from: events.table })
          await pause(700, ctx.signal)
          ctx.metric('sessions', 9_876)
          return { table: 'staging.sessions' }
        },
      })
      .step('signups', {
        needs: ['extract-events'],
        run: async (ctx) => {
          await pause(300, ctx.signal)
          ctx.log.warn('3 signups without a country; counted as "unknown"')
          ctx.metric('signups', 1_204)
          return { table: 'staging.signups' }
        },
      })
      .step('funnel', {
        needs: ['sessions', 'signups'],
        run: async (ctx, { sessions, signups }) => {
          await pause(400, ctx.signal)
          ctx.log.info('joined', { sessions: sessions.table, signups: signups.table })
          return { table: 'marts.signup_funnel', weeks: ctx.params.weeks }
        },
      })
      .step('publish', {
        needs: ['funnel'],
        run: async (ctx, { funnel }) => {
          await pause(200, ctx.signal)
          if (!ctx.params.dryRun) ctx.log.info(`published ${funnel.table}`)
          return { dashboard: 'https://bi.example.com/d/funnel', published: !ctx.params.dryRun }
        },
      }),
})

/** `flaky.fail` decides whether the `score` step fails; tests flip it to show a retry succeeding. */
export const flaky = { fail: true }

export const churnScore = definePipeline({
  id: 'churn.score',
  name: 'Churn scores',
  product: demoProduct,
  steps: (s) =>
    s
      .step('features', {
        run: async (ctx) => {
          ctx.log.info('building features')
          await pause(300, ctx.signal)
          ctx.metric('accounts', 3_150)
          return { table: 'ml.churn_features' }
        },
      })
      .step('score', {
        needs: ['features'],
        retries: 1,
        backoff: { type: 'fixed', delay: '100ms' },
        run: async (ctx) => {
          ctx.log.info('loading model churn-v7')
          await pause(200, ctx.signal)
          if (flaky.fail) {
            ctx.log.error('model file missing', { path: 's3://models/churn-v7.bin' })
            throw new Error('model churn-v7 not found at s3://models/churn-v7.bin')
          }
          return { table: 'ml.churn_scores' }
        },
      })
      .step('sync-crm', {
        needs: ['score'],
        run: async (ctx) => {
          await pause(200, ctx.signal)
          if (ctx.attempt > 5) throw new NonRetryableError('never')
          return { synced: 3_150 }
        },
      }),
})

export const longBackfill = definePipeline({
  id: 'signup-funnel.backfill',
  name: 'Backfill',
  product: demoProduct,
  steps: (s) =>
    s
      .step('wait-for-warehouse', {
        run: async (ctx) => {
          ctx.log.info('waiting for the warehouse slot')
          await pause(60_000, ctx.signal)
          return {}
        },
      })
      .step('rebuild', { needs: ['wait-for-warehouse'], run: async () => ({}) }),
})

/** Partition keys whose run fails (the grid's red square) or waits until cancelled. */
export const failingPartitions = new Set<string>()
export const slowPartitions = new Set<string>()

/** The UTC date `days` before today, as a daily partition key. */
export const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10)

export const dailySignups = definePipeline({
  id: 'signup-funnel.daily',
  name: 'Daily sign-ups',
  description: 'Sign-ups per day, one partition per UTC day.',
  product: demoProduct,
  partitions: dailyPartitions({ start: daysAgo(14), timezone: 'UTC' }),
  steps: (s) =>
    s.step('count', {
      run: async (ctx) => {
        if (slowPartitions.has(ctx.partition.key)) await pause(60_000, ctx.signal)
        if (failingPartitions.has(ctx.partition.key))
          throw new NonRetryableError(`no events landed for ${ctx.partition.key}`)
        ctx.metric('rows', 1_000)
        return {}
      },
    }),
})

/** Deploys the demo catalog through the harness's database, as `steward deploy` would. */
export async function deployDemo(harness: RuntimeHarness): Promise<void> {
  harness.project = await createProject({
    products: [demoProduct],
    pipelines: [weeklyReport, churnScore, longBackfill, dailySignups],
    root: import.meta.dirname,
  })
  harness.deployed = await deployCatalog(harness.db, compileCatalog(harness.project))
}
