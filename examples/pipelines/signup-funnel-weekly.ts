import { join } from 'node:path'
import { afterSuccessOf, definePipeline, manual, weeklyPartitions } from '@steward/pipelines'
import { z } from 'zod'
import { dataDir, userIdSalt } from '../env.ts'
import { weeklySignupFunnel } from '../products/weekly-signup-funnel.ts'
import { dailyActivityTable } from '../src/activity/daily-activity.ts'
import { userIdHasher } from '../src/activity/hash-user-id.ts'
import { simulateDayEvents } from '../src/activity/simulate-day-events.ts'
import { warehouseScanCost } from '../src/churn/warehouse-cost.ts'
import { dataLayout } from '../src/data-layout.ts'
import { exampleSeed, linesPerDay, warehouseUsdPerMb } from '../src/example-settings.ts'
import { buildFunnelFile } from '../src/funnel/build-funnel-file.ts'
import { buildSequencesFile } from '../src/funnel/build-sequences-file.ts'
import { countWeekActivity } from '../src/funnel/count-week-activity.ts'
import { lastCompleteWeeks } from '../src/funnel/week-start.ts'
import { appActivityDaily } from './app-activity-daily.ts'

/**
 * The weekly sign-up funnel: per-user sequences from the activity pipeline's hashed events, then the
 * funnel of the weeks up to its partition's week. Runs on Monday morning in Seoul for the week that
 * ended, and as soon as the activity counts have succeeded for all seven days of a week.
 */
export const signupFunnelWeekly = definePipeline({
  id: 'signup-funnel.weekly',
  name: 'Weekly sign-up funnel',
  description: 'Visitors → sign-ups → profile → photo → connection for the last 12 complete weeks.',
  product: weeklySignupFunnel,
  schedule: { cron: '0 7 * * 1', timezone: 'Asia/Seoul' },
  triggers: [afterSuccessOf(appActivityDaily), manual()],
  params: z.object({
    weeks: z
      .number()
      .int()
      .min(1)
      .max(52)
      .default(12)
      .describe('Weeks to report, ending with the partition’s week'),
  }),
  // Monday weeks in UTC, like the activity counts' days: a week runs once its seven days succeeded.
  partitions: weeklyPartitions({ start: '2026-01-05', timezone: 'UTC', weekStartsOn: 'monday' }),
  maxConcurrentRuns: 1,
  steps: (s) =>
    s
      .step('sequences', {
        retries: 1,
        timeout: '20m',
        reads: [dailyActivityTable],
        run: async (ctx) => {
          // A sanity figure from the activity table: the funnel itself is built from the events files.
          const week = await countWeekActivity(ctx.sql('warehouse'), ctx.partition.start, ctx.partition.end)
          if (week) {
            ctx.metric('activity_rows', week.rows)
            ctx.metric('activity_days', week.days)
            if (week.days < 7)
              ctx.log.warn('the activity table is missing days of this week', { days: week.days })
          } else {
            ctx.log.info('no activity table yet', { table: dailyActivityTable })
          }
          // The weeks before the one after this partition: this week and the ones before it.
          const weeks = lastCompleteWeeks(ctx.partition.end, ctx.params.weeks)
          const layout = dataLayout(dataDir())
          const hash = userIdHasher(userIdSalt())
          const lastWeek = weeks[weeks.length - 1] ?? ''
          const file = await buildSequencesFile({
            eventsDir: layout.events,
            weeks,
            outDir: join(layout.funnel, lastWeek),
            backfill: (day) => simulateDayEvents({ seed: exampleSeed, day, linesPerDay, hash }),
            signal: ctx.signal,
          })
          ctx.metric('rows', file.events)
          ctx.metric('users', file.users)
          ctx.metric('days_backfilled', file.daysBackfilled)
          ctx.cost(warehouseScanCost(file.bytes, warehouseUsdPerMb))
          if (file.daysBackfilled > 0) {
            ctx.log.info('backfilled days the activity pipeline had not counted', {
              days: file.daysBackfilled,
            })
          }
          return { path: file.path, weeks, events: file.events, users: file.users }
        },
      })
      .step('funnel', {
        needs: ['sequences'],
        retries: 2,
        timeout: '5m',
        run: async (ctx, { sequences }) => {
          const lastWeek = sequences.weeks[sequences.weeks.length - 1] ?? ''
          const funnel = await buildFunnelFile({
            sequencesPath: sequences.path,
            weeks: sequences.weeks,
            outDir: join(dataLayout(dataDir()).funnel, lastWeek),
          })
          ctx.metric('weeks', funnel.weeks)
          if (funnel.latest) {
            ctx.metric('visitors', funnel.latest.visitors)
            ctx.metric('sign_ups', funnel.latest.sign_ups)
          }
          return { jsonPath: funnel.jsonPath, csvPath: funnel.csvPath, week: lastWeek, latest: funnel.latest }
        },
      }),
})
