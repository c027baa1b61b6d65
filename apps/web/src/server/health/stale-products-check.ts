import { findMissingPartitions } from '@steward/engine/control'
import { humaniseDuration } from '#lib/format.ts'
import { getDb } from '../db.ts'
import type { Db } from '../read-database.ts'
import type { HealthCheck } from './health-check.ts'

/**
 * No product has broken its freshness promise: each live product with a `freshness.maxAge` and a
 * live pipeline has a run that succeeded within that age. A product younger than its promise that
 * never succeeded yet is not stale (the clock starts when it was first deployed). For partitioned
 * pipelines, each partition is judged: the newest one that ended `maxAge` ago must have succeeded.
 */
export const staleProductsCheck: HealthCheck = {
  name: 'freshness',
  target: () => 'the products with a freshness promise',
  async run() {
    const { db } = await getDb()
    const products = await readProductFreshness(db)
    const stale = staleProducts(products)
    // Per partition too: a daily pipeline that skipped a day is stale for that day.
    const missing = await findMissingPartitions(db)
    if (missing.length > 0) {
      const shown = missing
        .slice(0, 3)
        .map(
          (m) =>
            `${m.pipelineId} ${m.key} (due ${humaniseDuration((Date.now() - m.dueAt.getTime()) / 1000)} ago)`,
        )
        .join(', ')
      const also = stale.length > 0 ? `; and ${stale.length} product(s) stale by age` : ''
      throw new Error(
        `${missing.length} partition${missing.length === 1 ? ' is' : 's are'} missing past the freshness promise: ${shown}${missing.length > 3 ? ', …' : ''}${also}`,
      )
    }
    if (stale.length > 0) {
      const shown = stale
        .slice(0, 3)
        .map(
          (s) =>
            `${s.id} (${s.lastSuccessAt ? `last success ${humaniseDuration(s.ageSeconds)} ago` : 'never succeeded'}, promised ${humaniseDuration(s.maxAgeSeconds)})`,
        )
        .join(', ')
      throw new Error(
        `${stale.length} product${stale.length === 1 ? ' is' : 's are'} stale: ${shown}${stale.length > 3 ? ', …' : ''}`,
      )
    }
  },
}

/** Each live product with a freshness promise and a live pipeline, with its newest success. */
export function readProductFreshness(db: Db): Promise<ProductFreshnessState[]> {
  return db
    .selectFrom('products as p')
    .select([
      'p.id',
      'p.freshness_max_age_seconds',
      'p.created_at',
      (eb) =>
        eb
          .selectFrom('runs as r')
          .select('r.finished_at')
          .whereRef('r.product_id', '=', 'p.id')
          .where('r.status', '=', 'succeeded')
          .orderBy('r.created_at', 'desc')
          .limit(1)
          .as('last_success_at'),
      (eb) => eb.fn<Date>('now').as('now'),
    ])
    .where('p.archived_at', 'is', null)
    .where('p.freshness_max_age_seconds', 'is not', null)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('pipelines as pl')
          .select('pl.id')
          .whereRef('pl.product_id', '=', 'p.id')
          .where('pl.archived_at', 'is', null),
      ),
    )
    .execute()
}

export interface ProductFreshnessState {
  id: string
  freshness_max_age_seconds: number | null
  created_at: Date
  last_success_at: Date | string | null
  now: Date | string
}

export interface StaleProduct {
  id: string
  lastSuccessAt: Date | null
  ageSeconds: number
  maxAgeSeconds: number
}

/** Products whose newest success (or, without one, their creation) is older than their promise. */
export function staleProducts(products: readonly ProductFreshnessState[]): StaleProduct[] {
  const stale: StaleProduct[] = []
  for (const product of products) {
    if (product.freshness_max_age_seconds === null) continue
    const now = new Date(product.now).getTime()
    const lastSuccessAt = product.last_success_at === null ? null : new Date(product.last_success_at)
    const since = lastSuccessAt ?? new Date(product.created_at)
    const ageSeconds = (now - since.getTime()) / 1000
    if (ageSeconds > product.freshness_max_age_seconds) {
      stale.push({
        id: product.id,
        lastSuccessAt,
        ageSeconds,
        maxAgeSeconds: product.freshness_max_age_seconds,
      })
    }
  }
  return stale
}
