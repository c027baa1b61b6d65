import { defineProduct } from '@steward/pipelines'

export const churnScores = defineProduct({
  id: 'churn-scores',
  name: 'Churn scores',
  description:
    'Churn probability and risk segment for every user in the CRM export, scored when the export lands.',
  owners: [{ team: 'lifecycle-data', slack: '#lifecycle-data' }],
  stakeholders: [
    { name: 'CRM team', slack: '#crm' },
    { name: 'Customer success', slack: '#customer-success' },
  ],
  docs: '../docs/churn-scores.md',
  links: [{ title: 'Retention campaigns', url: 'https://crm.example.com/campaigns/retention' }],
  tier: 'silver',
  tags: ['churn', 'ml', 'file-triggered'],
  // The CRM exports daily; scores older than two days mean an export (or a run) went missing.
  freshness: { maxAge: '2d' },
  budget: { monthlyUsd: 20 },
})
