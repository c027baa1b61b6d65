import { type Database, json } from '@steward/db'
import type { Kysely } from 'kysely'

/** Inserts a product row the way deploy would, for usage tests (no definitions needed). */
export async function seedProduct(
  db: Kysely<Database>,
  id: string,
  options: { budgetUsd?: number; createdAt?: Date; owners?: { team: string; slack: string }[] } = {},
): Promise<void> {
  await db
    .insertInto('products')
    .values({
      id,
      name: `Product ${id}`,
      owners: json(options.owners ?? [{ team: 'data', slack: '#data' }]),
      stakeholders: json([]),
      links: json([]),
      tags: [],
      tier: 'silver',
      budget_monthly_usd: options.budgetUsd ?? null,
      definition_hash: 'test',
      created_at: options.createdAt ?? new Date('2020-01-01T00:00:00Z'),
    })
    .execute()
}
