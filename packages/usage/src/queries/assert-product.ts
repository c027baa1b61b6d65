import type { Database } from '@steward/db'
import type { Kysely } from 'kysely'
import { usageError } from '../errors.ts'

/** Throws PRODUCT_NOT_FOUND (404 in the API) when no product has this id. */
export async function assertProduct(db: Kysely<Database>, productId: string): Promise<void> {
  const row = await db.selectFrom('products').select('id').where('id', '=', productId).executeTakeFirst()
  if (!row) throw usageError('PRODUCT_NOT_FOUND', `no product has the id "${productId}"`)
}
