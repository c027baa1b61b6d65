import { defineProduct, freshness, schemaChange } from '@steward/pipelines'
import { dailyActivityTable, platforms } from '../src/activity/daily-activity.ts'

export const appActivityCounts = defineProduct({
  id: 'app-activity-counts',
  name: 'App activity counts',
  description:
    'Requests per action, hour, platform and web server from the access logs: bots removed, user ids hashed.',
  owners: [{ team: 'app-data', slack: '#app-data' }],
  stakeholders: [
    { name: 'Mobile leads', slack: '#mobile' },
    { name: 'Platform on-call', slack: '#platform-oncall' },
  ],
  docs: '../docs/app-activity-counts.md',
  links: [{ title: 'Activity dashboard', url: 'https://bi.example.com/d/app-activity' }],
  tier: 'silver',
  tags: ['activity', 'daily', 'access-logs', 'hashed-ids'],
  // Published by 07:00 Berlin for the day before; two hours of slack on a 24-hour cycle.
  freshness: { maxAge: '26h' },
  budget: { monthlyUsd: 30 },
  // What dashboards read: a day per host and platform, written by the pipeline's last step.
  tables: [
    {
      name: dailyActivityTable,
      timestampColumn: 'loaded_at',
      partitionColumn: 'day',
      checks: [
        { kind: 'notNull', column: 'day' },
        { kind: 'notNull', column: 'host' },
        { kind: 'unique', columns: ['day', 'host', 'platform'] },
        // A new client platform is news, not a broken table.
        { kind: 'acceptedValues', column: 'platform', values: [...platforms], severity: 'warn' },
        { kind: 'rowCount', min: 1, max: 10_000_000 },
      ],
    },
  ],
  alerts: [
    // Judged on the table itself: runs that succeed while writing nothing still go stale here.
    // Try it: STEWARD_DEMO_EMPTY_ACTIVITY=1 (README).
    freshness({ table: dailyActivityTable, maxAge: '26h' }),
    schemaChange({ table: dailyActivityTable }),
  ],
})
