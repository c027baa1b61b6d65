import { json, type StewardDb } from '@steward/db'

/** What seedCatalog inserts, for assertions. */
export const seeded = {
  funnel: {
    id: 'weekly-signup-funnel',
    name: 'Weekly signup funnel',
    team: 'growth-data',
    tier: 'gold',
    freshness: '8 days',
    budget: '$200',
    pipelines: 1,
  },
  churn: {
    id: 'churn-risk-scores',
    name: 'Churn risk scores',
    team: 'ml-platform',
    tier: 'silver',
    freshness: '1 day 12 hours',
    budget: '$1,250.50',
    pipelines: 2,
  },
  archived: { id: 'legacy-revenue-cube', name: 'Legacy revenue cube' },
} as const

/** Two live products, one archived product, and pipelines (one of them archived), as a deploy would. */
export async function seedCatalog(db: StewardDb['db']): Promise<void> {
  await db
    .insertInto('products')
    .values([
      {
        id: seeded.funnel.id,
        name: seeded.funnel.name,
        description: "Signups to activation, week by week, for the growth team's Monday review.",
        owners: json([{ team: 'growth-data', slack: '#growth-data' }]),
        stakeholders: json([{ name: 'Growth PMs', slack: '#growth' }]),
        links: json([]),
        tier: 'gold',
        tags: ['growth', 'weekly'],
        freshness_max_age_seconds: 8 * 86_400,
        budget_monthly_usd: '200.00',
        definition_hash: 'h-funnel',
      },
      {
        id: seeded.churn.id,
        name: seeded.churn.name,
        description: 'Churn probability for every paying account, refreshed daily and synced to the CRM.',
        owners: json([
          { team: 'ml-platform', slack: '#ml-platform' },
          { name: 'Dana Kim', slack: 'U024BE7LH' },
        ]),
        stakeholders: json([]),
        links: json([]),
        tier: 'silver',
        tags: ['ml', 'crm', 'daily'],
        freshness_max_age_seconds: 36 * 3_600,
        budget_monthly_usd: '1250.50',
        definition_hash: 'h-churn',
      },
      {
        id: seeded.archived.id,
        name: seeded.archived.name,
        owners: json([{ team: 'finance-data', slack: '#finance-data' }]),
        stakeholders: json([]),
        links: json([]),
        tier: 'bronze',
        definition_hash: 'h-legacy',
        archived_at: new Date(),
      },
    ])
    .execute()

  const pipeline = (id: string, productId: string, archived = false) => ({
    id,
    product_id: productId,
    name: id,
    definition_hash: `h-${id}`,
    version: 1,
    triggers: json([]),
    params_schema: json({}),
    steps: json([]),
    alert_rules: json([]),
    archived_at: archived ? new Date() : null,
  })
  await db
    .insertInto('pipelines')
    .values([
      pipeline('signup-funnel.build', seeded.funnel.id),
      pipeline('churn.features', seeded.churn.id),
      pipeline('churn.score', seeded.churn.id),
      pipeline('churn.score-v1', seeded.churn.id, true),
      pipeline('legacy-revenue.build', seeded.archived.id, true),
    ])
    .execute()
}
