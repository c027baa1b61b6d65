import { json, migrateToLatest } from '@steward/db'
import { testBackends } from '@steward/db/testing'
import { ingestEvents, validateBatch, hashActor } from '@steward/usage'
import { sql } from 'kysely'
export async function run() {
  const t = await testBackends[0]!.open()
  const { db } = t
  await migrateToLatest(db)
  await db.insertInto('products').values(Array.from({ length: 200 }, (_, i) => ({ id: `p${i}`, name: `P${i}`, owners: json([]), stakeholders: json([]), links: json([]), tags: [], definition_hash: 'b' }))).execute()
  const batch = (b: number) => Array.from({ length: 1000 }, (_, i) => ({ product: `p${(i * 7 + b) % 200}`, kind: 'view', actor: `u${(i * 13 + b) % 5000}`, at: new Date(Date.now() - ((i * 7919 + b) % 30) * 86400000).toISOString(), id: `${b}-${i}` }))
  let s = performance.now()
  for (let i = 0; i < 20; i++) validateBatch(batch(i))
  console.log('validate per batch', (performance.now() - s) / 20)
  s = performance.now()
  for (let i = 0; i < 20000; i++) hashActor('salt-salt-salt-salt', `u${i}`)
  console.log('hash per 1000', (performance.now() - s) / 20)
  for (let i = 0; i < 5; i++) { s = performance.now(); await ingestEvents(db, batch(i), { salt: 'x', origin: 'o' }); console.log('ingest serial', performance.now() - s) }
  s = performance.now()
  await Promise.all(Array.from({ length: 20 }, (_, i) => ingestEvents(db, batch(100 + i), { salt: 'x', origin: 'o' })))
  console.log('20 concurrent batches', performance.now() - s)
  await t.dispose()
}
