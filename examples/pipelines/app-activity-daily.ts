import { access, readFile } from 'node:fs/promises'
import { dailyPartitions, definePipeline, manual, volume } from '@steward/pipelines'
import { dataDir, demoEmptyActivity, demoSilence, userIdSalt } from '../env.ts'
import { appActivityCounts } from '../products/app-activity-counts.ts'
import { parseDay } from '../src/access-logs/generate-access-logs.ts'
import { silencesDay } from '../src/access-logs/silence-switch.ts'
import { accessLogPath, writeAccessLogs } from '../src/access-logs/write-access-logs.ts'
import { countAccessLogFile } from '../src/activity/count-access-log-file.ts'
import { dailyActivityRows, dailyActivityTable } from '../src/activity/daily-activity.ts'
import { publishCounts } from '../src/activity/publish-counts.ts'
import { ensureDailyActivityTable, writeDailyActivity } from '../src/activity/write-daily-activity.ts'
import { dataLayout } from '../src/data-layout.ts'
import { exampleSeed, linesPerDay } from '../src/example-settings.ts'

/**
 * Counts a day of app activity from the access logs: extract → count → publish (the counts files,
 * and the day per host and platform into the `analytics.daily_activity` table). One run per UTC
 * day (a daily partition): the schedule counts yesterday, `steward backfill` recounts a range after
 * a fix. Each step is a thin wrapper: the work is in src/, where it is tested.
 */
export const appActivityDaily = definePipeline({
  id: 'app-activity.daily',
  name: 'App activity counts (daily)',
  description:
    'Counts yesterday’s requests per action, hour, platform and host; bots removed, user ids hashed.',
  product: appActivityCounts,
  schedule: { cron: '0 6 * * *', timezone: 'Europe/Berlin' },
  triggers: [manual()],
  // The access logs are written per UTC day, so the partitions are UTC days too.
  partitions: dailyPartitions({ start: '2026-01-01', timezone: 'UTC' }),
  alerts: [
    // One incident per quiet web server, judged against its own same hour on the last 7 days; the
    // total of ten hosts barely moves when one stops. Try it: STEWARD_DEMO_SILENCE_HOST (README).
    volume({
      name: 'rows-per-host',
      metric: 'rows',
      step: 'count',
      by: ['host'],
      below: { vsSameHour: { days: 7 }, ratio: 0.5 },
    }),
  ],
  steps: (s) =>
    s
      .step('extract', {
        retries: 3,
        backoff: { type: 'exponential', delay: '30s' },
        timeout: '5m',
        run: async (ctx) => {
          const day = ctx.partition.key
          const dir = dataLayout(dataDir()).accessLogs
          const logPath = accessLogPath(dir, day)
          // The demo's web servers are a generator: a day already on disk is kept as it is (so a
          // hand-edited log shows up in the counts), a missing one is written; with the demo switch
          // on (STEWARD_DEMO_SILENCE_HOST), a day it reaches is written again without that host.
          const silence = demoSilence()
          const silenced = silencesDay(silence, parseDay(day))
          const present = await access(logPath).then(
            () => true,
            () => false,
          )
          if (present && !silenced) {
            ctx.log.info('access log already on disk', { logPath })
            return { day, logPath }
          }
          const written = await writeAccessLogs(dir, {
            seed: exampleSeed,
            day,
            linesPerDay,
            ...(silenced && silence ? { silence } : {}),
          })
          if (silenced && silence)
            ctx.log.warn('demo switch: a web server stopped logging', {
              host: silence.host,
              from: silence.from.toISOString(),
            })
          ctx.log.info('access log written', { logPath, lines: written.lines, bytes: written.bytes })
          return { day, logPath }
        },
      })
      .step('count', {
        needs: ['extract'],
        retries: 2,
        timeout: '10m',
        run: async (ctx, { extract }) => {
          const layout = dataLayout(dataDir())
          const counted = await countAccessLogFile({
            logPath: extract.logPath,
            day: extract.day,
            countsDir: layout.counts,
            eventsDir: layout.events,
            salt: userIdSalt(),
          })
          // Per host: a server that stops logging is a drop in its own series, not a dent in the
          // total. The total is the sum over hosts (what the total volume rule and charts read).
          for (const [host, rows] of Object.entries(counted.rowsByHost)) ctx.metric('rows', rows, { host })
          ctx.metric('bytes', counted.bytes)
          ctx.metric('bots_removed', counted.botsRemoved)
          ctx.metric('malformed_lines', counted.malformedLines)
          ctx.metric('table_rows', counted.tableRows)
          if (counted.malformedLines > 0) {
            ctx.log.warn('skipped malformed log lines', { malformedLines: counted.malformedLines })
          }
          return {
            day: extract.day,
            countsPath: counted.countsPath,
            eventsPath: counted.eventsPath,
            rows: counted.rows,
            tableRows: counted.tableRows,
            botsRemoved: counted.botsRemoved,
          }
        },
      })
      .step('publish', {
        needs: ['count'],
        retries: 3,
        timeout: '2m',
        writes: [dailyActivityTable],
        run: async (ctx, { count }) => {
          const now = new Date()
          const published = await publishCounts({
            countsPath: count.countsPath,
            publishedDir: dataLayout(dataDir()).published,
            day: count.day,
            rows: count.tableRows,
            now,
          })
          ctx.log.info('counts published', { path: published.path, day: published.day })
          const sql = ctx.sql('warehouse')
          if (demoEmptyActivity()) {
            // The demo of a pipeline that succeeds while writing nothing: the table is there, the
            // day's rows are not, and only the table's freshness rule notices.
            await ensureDailyActivityTable(sql)
            ctx.log.warn('demo switch: wrote no rows into the table', { table: dailyActivityTable })
            ctx.metric('daily_activity_rows', 0)
            return { ...published, tableRows: 0 }
          }
          const rows = dailyActivityRows(count.day, await readFile(count.countsPath, 'utf8'))
          const written = await writeDailyActivity(sql, count.day, rows, now)
          ctx.metric('daily_activity_rows', written.inserted)
          ctx.log.info('daily activity written', {
            table: dailyActivityTable,
            day: count.day,
            inserted: written.inserted,
            replaced: written.deleted,
          })
          return { ...published, tableRows: written.inserted }
        },
      }),
})
