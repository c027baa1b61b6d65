import { ingestEvents } from '@steward/usage'
import { getDb } from '../db.ts'
import { usageSalt } from './usage-salt.ts'

/**
 * Counts a view of a product page of the UI itself (`origin` web, `source` steward-ui). `viewer`
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
          kind: 'view',
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
