import type { Incident } from '@steward/db'
import type { ProductView } from '../slack/render.ts'
import type { Trx } from './outbox.ts'

/** The products the stakeholders' messages name (name and owners), by id: one query. */
export async function productViews(trx: Trx, ids: readonly string[]): Promise<Map<string, ProductView>> {
  const unique = [...new Set(ids)]
  if (unique.length === 0) return new Map()
  const rows = await trx
    .selectFrom('products')
    .select(['id', 'name', 'owners'])
    .where('id', 'in', unique)
    .execute()
  return new Map(rows.map((row) => [row.id, { name: row.name, owners: row.owners }]))
}

/** Incidents by id, in the order asked (missing ones left out). */
export async function incidentsByIds(trx: Trx, ids: readonly string[]): Promise<Incident[]> {
  const unique = [...new Set(ids)]
  if (unique.length === 0) return []
  const rows = await trx.selectFrom('incidents').selectAll().where('id', 'in', unique).execute()
  const byId = new Map(rows.map((row) => [row.id, row]))
  return unique.flatMap((id) => byId.get(id) ?? [])
}
