import type { Route } from 'next'
import Link from 'next/link'
import { formatUsd, humaniseDuration } from '../lib/format.ts'
import type { CatalogProduct } from '../server/queries/list-catalog-products.ts'
import { OwnerList } from './owner-list.tsx'
import { TierBadge } from './tier-badge.tsx'

/**
 * The catalog as a table. `data-label` on each cell names it when phones show each row as a
 * card (see globals.css).
 */
export function CatalogTable({ products }: { products: CatalogProduct[] }) {
  return (
    <div className="card table-card">
      <table className="data-table">
        <caption className="visually-hidden">Data products</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Owners</th>
            <th scope="col">Tier</th>
            <th scope="col">Tags</th>
            <th scope="col">Fresh within</th>
            <th scope="col" className="numeric">
              Budget / month
            </th>
            <th scope="col" className="numeric">
              Pipelines
            </th>
          </tr>
        </thead>
        <tbody>
          {products.map((product) => (
            <tr key={product.id}>
              <td className="product">
                <Link href={`/products/${product.id}` as Route} className="product__name">
                  {product.name}
                </Link>
                <span className="product__id">{product.id}</span>
                {product.description ? <p className="product__description">{product.description}</p> : null}
              </td>
              <td data-label="Owners">
                <OwnerList owners={product.owners} />
              </td>
              <td data-label="Tier">
                <TierBadge tier={product.tier} />
              </td>
              <td data-label="Tags">
                {product.tags.length > 0 ? (
                  <ul className="tags">
                    {product.tags.map((tag) => (
                      <li key={tag} className="tag">
                        {tag}
                      </li>
                    ))}
                  </ul>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td data-label="Fresh within">
                {product.freshnessMaxAgeSeconds === null ? (
                  <span className="muted">No promise</span>
                ) : (
                  humaniseDuration(product.freshnessMaxAgeSeconds)
                )}
              </td>
              <td data-label="Budget / month" className="numeric">
                {product.budgetMonthlyUsd === null ? (
                  <span className="muted">—</span>
                ) : (
                  formatUsd(product.budgetMonthlyUsd)
                )}
              </td>
              <td data-label="Pipelines" className="numeric">
                {product.pipelineCount}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
