import { join } from 'node:path'

/**
 * Where the example products keep their files under a data folder (`$STEWARD_HOME/data` when the
 * pipelines run). One place, so that the funnel finds what the activity pipeline wrote.
 *
 * data/
 *   access-logs/<day>.jsonl                      raw logs, as the web servers wrote them
 *   app-activity-counts/counts/<day>.csv         the counts table, one file a day
 *   app-activity-counts/events/<day>.jsonl       hashed per-user events, for the funnel
 *   app-activity-counts/published/<day>.csv      what consumers read; latest.json names the newest
 *   weekly-signup-funnel/<week>/…                sequences.jsonl, funnel.json, funnel.csv
 *   churn-scores/<file name>/…                   scores.csv, segments.json
 */
export function dataLayout(dataDir: string) {
  const activity = join(dataDir, 'app-activity-counts')
  return {
    accessLogs: join(dataDir, 'access-logs'),
    counts: join(activity, 'counts'),
    events: join(activity, 'events'),
    published: join(activity, 'published'),
    funnel: join(dataDir, 'weekly-signup-funnel'),
    churn: join(dataDir, 'churn-scores'),
  }
}

export type DataLayout = ReturnType<typeof dataLayout>
