import { textProblem } from '@steward/kernel'
import type { Kysely } from 'kysely'
import type { Database } from '../schema.ts'

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * The product an audited target belongs to, found through its record: a product is its own, a
 * pipeline's, a run's, a backfill's pipeline's, an incident's. Undefined for other kinds (a token)
 * and for ids nothing has; an id that cannot be the record's (not a uuid where the column is one,
 * text PostgreSQL refuses) finds nothing instead of failing.
 */
export async function productOfTarget(
  db: Kysely<Database>,
  target: { kind: string; id: string },
): Promise<string | undefined> {
  const { kind, id } = target
  if (textProblem(id)) return undefined
  if (kind === 'product') {
    const row = await db.selectFrom('products').select('id').where('id', '=', id).executeTakeFirst()
    return row?.id
  }
  if (kind === 'pipeline') {
    const row = await db.selectFrom('pipelines').select('product_id').where('id', '=', id).executeTakeFirst()
    return row?.product_id
  }
  if (!uuid.test(id)) return undefined
  if (kind === 'run') {
    const row = await db.selectFrom('runs').select('product_id').where('id', '=', id).executeTakeFirst()
    return row?.product_id
  }
  if (kind === 'backfill') {
    const row = await db
      .selectFrom('backfills as b')
      .innerJoin('pipelines as pl', 'pl.id', 'b.pipeline_id')
      .select('pl.product_id')
      .where('b.id', '=', id)
      .executeTakeFirst()
    return row?.product_id
  }
  if (kind === 'incident') {
    const row = await db.selectFrom('incidents').select('product_id').where('id', '=', id).executeTakeFirst()
    return row?.product_id
  }
  return undefined
}
