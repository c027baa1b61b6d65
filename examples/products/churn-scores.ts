import { defineProduct } from '@steward/pipelines'
import { segments } from '../src/churn/segment.ts'
import { churnScoresTable } from '../src/churn/write-churn-scores.ts'

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
  // Every user of every export, scored: what the CRM's retention campaigns read.
  tables: [
    {
      name: churnScoresTable,
      timestampColumn: 'scored_at',
      // The CRM's user id is personal: check results never sample it.
      personal: ['user_id'],
      checks: [
        { kind: 'unique', columns: ['user_id', 'as_of'], name: 'one score per user and export' },
        { kind: 'notNull', column: 'probability' },
        { kind: 'acceptedValues', column: 'segment', values: [...segments] },
        {
          kind: 'sql',
          name: 'probability between 0 and 1',
          sql: `select as_of, segment, probability from ${churnScoresTable} where probability < 0 or probability > 1`,
          severity: 'warn',
        },
      ],
    },
  ],
})
