import type { Route } from 'next'
import Link from 'next/link'
import { humaniseDuration, timeAgo } from '#lib/format.ts'
import type { ProductSummary } from '#server/queries/get-product-summary.ts'
import { TierBadge } from '../tier-badge.tsx'

/** The product's name, id, description and tags (each a catalog filter), beside its tier and freshness. */
export function ProductHeader({ product, now }: { product: ProductSummary; now: Date }) {
  return (
    <div className="page-header">
      <div>
        <h1>{product.name}</h1>
        <p className="page-header__description">
          <code className="id">{product.id}</code>
          {product.description ? <> · {product.description}</> : null}
        </p>
        {product.tags.length > 0 ? (
          <ul className="tags product-tags" aria-label="Tags">
            {product.tags.map((tag) => (
              <li key={tag} className="tag">
                <Link href={`/?tag=${encodeURIComponent(tag)}` as Route}>{tag}</Link>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <dl className="stats" aria-label="Product summary">
        <div>
          <dt>tier</dt>
          <dd>
            <TierBadge tier={product.tier} />
          </dd>
        </div>
        <div>
          <dt>fresh within</dt>
          <dd>
            {product.freshnessMaxAgeSeconds === null ? '—' : humaniseDuration(product.freshnessMaxAgeSeconds)}
          </dd>
        </div>
        <div>
          <dt>last success</dt>
          <dd>{product.lastSuccessAt ? timeAgo(product.lastSuccessAt, now) : 'never'}</dd>
        </div>
      </dl>
    </div>
  )
}
