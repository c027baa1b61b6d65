import { defineProduct } from '@steward/pipelines'

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
})
