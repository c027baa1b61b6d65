import { defineProduct } from '@steward/pipelines'

export const weeklySignupFunnel = defineProduct({
  id: 'weekly-signup-funnel',
  name: 'Weekly sign-up funnel',
  description:
    'Visitors → sign-ups → profile completed → first photo → first connection, week by week for the last 12 weeks.',
  // The owners' channel gets the technical message; its failures mention the on-call user group
  // (a Slack id: `S…` for a group, `U…` for a person; handles such as '@maria' are refused).
  owners: [{ team: 'growth-data', slack: '#growth-data', mention: ['S0GROWTHONCALL'] }],
  stakeholders: [
    { name: 'Growth PMs', slack: '#growth' },
    { name: 'Marketing analytics', slack: '#marketing-analytics' },
  ],
  docs: '../docs/weekly-signup-funnel.md',
  links: [{ title: 'Funnel dashboard', url: 'https://bi.example.com/d/signup-funnel' }],
  tier: 'gold',
  tags: ['growth', 'weekly', 'funnel'],
  // Built every Monday; a missed Monday is late by the Tuesday after.
  freshness: { maxAge: '8d' },
  budget: { monthlyUsd: 40 },
})
