import { catalogViewKind, ingestEvents } from '@steward/usage'
import { getDb } from '../db.ts'
import { usageSalt } from './usage-salt.ts'

/**
 * Counts a visit to a product page of the UI itself as a catalog view (kind `catalog_view`,
 * `origin` web, `source` steward-ui): shown apart, never as use of the product. `viewer`
 * is whatever identifies the person (a signed-in user's id, or a visitor cookie); it is hashed
 * with the salt and never stored. Never throws: a page must render even when counting fails.
 *
 * @example
 * // in a product page (a server component)
 * await recordPageView({ productId: product.id, viewer: visitorId })
 */
export async function recordPageView(view: {
  productId: string
  viewer: string
  at?: Date
}): Promise<boolean> {
  try {
    const { db } = await getDb()
    const result = await ingestEvents(
      db,
      [
        {
          product: view.productId,
          kind: catalogViewKind,
          actor: view.viewer,
          source: 'steward-ui',
          ...(view.at ? { at: view.at.toISOString() } : {}),
        },
      ],
      { salt: usageSalt(), origin: 'web' },
    )
    return result.stored === 1
  } catch (error) {
    console.error('steward web: a page view was not counted:', error instanceof Error ? error.message : error)
    return false
  }
}
