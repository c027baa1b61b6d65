import { uuid } from '#server/api/path-id.ts'
import { getDb } from './db.ts'

export type RecordKind = 'product' | 'pipeline' | 'run'

const routes: { pattern: RegExp; kind: RecordKind }[] = [
  { pattern: /^\/products\/([^/]+)\/?$/, kind: 'product' },
  { pattern: /^\/pipelines\/([^/]+)\/?$/, kind: 'pipeline' },
  { pattern: /^\/runs\/([^/]+)\/?$/, kind: 'run' },
]

/**
 * For a product, pipeline or run page whose id does not exist: which kind it asks for. The proxy
 * answers those with a 404 page rendered on the server, because `notFound()` in a dynamic page
 * leaves the production HTML blank until JavaScript runs (vercel/next.js#98295). Undefined for any
 * other path, for an id that exists, and when the database cannot say (the page then explains).
 */
export async function missingRecord(pathname: string): Promise<RecordKind | undefined> {
  const route = routes.find((r) => r.pattern.test(pathname))
  if (!route) return undefined
  let id: string
  try {
    id = decodeURIComponent(route.pattern.exec(pathname)?.[1] ?? '')
  } catch {
    return route.kind
  }
  if (route.kind === 'run' && !uuid.test(id)) return 'run'
  try {
    const { db } = await getDb()
    const table = route.kind === 'product' ? 'products' : route.kind === 'pipeline' ? 'pipelines' : 'runs'
    const found = await db.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst()
    return found ? undefined : route.kind
  } catch {
    return undefined
  }
}
