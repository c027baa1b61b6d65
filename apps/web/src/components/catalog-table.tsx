import type { Route } from 'next'
import Link from 'next/link'
import { type CatalogQuery, type CatalogSortKey, sortHref } from '../lib/catalog-query.ts'
import { formatCost, formatUsd, humaniseDuration, timeAgo } from '../lib/format.ts'
import type { DailyViews } from '../server/queries/catalog-sparklines.ts'
import type { CatalogProduct } from '../server/queries/list-catalog-products.ts'
import { sortLabels } from './catalog-filters.tsx'
import { CatalogStatus } from './catalog-status.tsx'
import { OwnerList } from './owner-list.tsx'
import { Sparkline } from './sparkline.tsx'
import { TierBadge } from './tier-badge.tsx'

const count = new Intl.NumberFormat('en-US')

/** A column header that sorts by it: a link (works without JavaScript), with aria-sort saying how. */
function SortHeader({
  query,
  sort,
  numeric,
  label = sortLabels[sort],
}: {
  query: CatalogQuery
  sort: CatalogSortKey
  numeric?: boolean
  label?: string
}) {
  const active = query.sort === sort
  return (
    <th
      scope="col"
      className={numeric ? 'numeric' : undefined}
      aria-sort={active ? (query.dir === 'asc' ? 'ascending' : 'descending') : undefined}
    >
      <Link href={sortHref(query, sort) as Route} className="sort-link" data-active={active || undefined}>
        {label}
        <span className="sort-link__arrow" aria-hidden="true">
          {active ? (query.dir === 'asc' ? '↑' : '↓') : '↕'}
        </span>
      </Link>
    </th>
  )
}

function Freshness({ product, now }: { product: CatalogProduct; now: Date }) {
  const promise = product.freshnessMaxAgeSeconds
  const since = product.lastSuccessAt ? timeAgo(product.lastSuccessAt, now) : 'never'
  if (promise === null) {
    return (
      <span className="freshness">
        <span>{since}</span>
        <span className="muted">no promise</span>
      </span>
    )
  }
  const ratio = product.freshnessRatio ?? 0
  return (
    <span className="freshness" data-late={ratio > 1 || undefined}>
      <span>{since}</span>
      <span className="freshness__meter" aria-hidden="true">
        <span style={{ width: `${Math.min(100, ratio * 100)}%` }} />
      </span>
      <span className="muted">promise {humaniseDuration(promise)}</span>
    </span>
  )
}

/**
 * The catalog as a table: one row per product, headers that sort. `data-label` on each cell names
 * it when phones show each row as a card (see globals.css).
 */
export function CatalogTable({
  products,
  query,
  sparklines,
  now,
}: {
  products: CatalogProduct[]
  query: CatalogQuery
  sparklines: Map<string, DailyViews>
  now: Date
}) {
  return (
    <div className="card table-card catalog-table">
      <table className="data-table">
        <caption className="visually-hidden">Data products</caption>
        <thead>
          <tr>
            <SortHeader query={query} sort="name" label="Product" />
            <SortHeader query={query} sort="owner" />
            <SortHeader query={query} sort="tier" />
            <SortHeader query={query} sort="status" />
            <SortHeader query={query} sort="freshness" />
            <SortHeader query={query} sort="users" numeric label="Users" />
            <SortHeader query={query} sort="views" numeric label="Views" />
            <SortHeader query={query} sort="cost" numeric label="Cost" />
            <SortHeader query={query} sort="alerts" numeric label="Alerts" />
          </tr>
        </thead>
        <tbody>
          {products.map((product) => (
            <tr key={product.id}>
              <td className="product">
                <Link href={`/products/${encodeURIComponent(product.id)}` as Route} className="product__name">
                  {product.name}
                </Link>
                <span className="product__id">{product.id}</span>
                {product.description ? <p className="product__description">{product.description}</p> : null}
                {product.tags.length > 0 ? (
                  <ul className="tags product__tags" aria-label="Tags">
                    {product.tags.map((tag) => (
                      <li key={tag} className="tag">
                        {tag}
                      </li>
                    ))}
                  </ul>
                ) : null}
              </td>
              <td data-label="Owners">
                <OwnerList owners={product.owners} />
              </td>
              <td data-label="Tier">
                <TierBadge tier={product.tier} />
              </td>
              <td data-label="Status">
                <span className="cell">
                  <CatalogStatus status={product.status} />
                  {product.failingPipelines > 0 ? (
                    <span className="catalog-table__note muted">
                      {product.failingPipelines} of {product.pipelineCount} pipelines
                    </span>
                  ) : null}
                </span>
              </td>
              <td data-label="Freshness">
                <Freshness product={product} now={now} />
              </td>
              <td data-label="Users (30 d)" className="numeric">
                {count.format(product.users30d)}
              </td>
              <td data-label="Views (30 d)" className="numeric">
                <span className="views">
                  <Sparkline
                    values={sparklines.get(product.id) ?? []}
                    label={`Views per day over 30 days, ${count.format(product.views30d)} in all`}
                  />
                  {count.format(product.views30d)}
                </span>
              </td>
              <td data-label="Cost (30 d)" className="numeric">
                <span className="cell">
                  {formatCost(product.cost30dUsd)}
                  {product.budgetMonthlyUsd !== null ? (
                    <span className="catalog-table__note muted">
                      budget {formatUsd(product.budgetMonthlyUsd)}/mo
                    </span>
                  ) : null}
                </span>
              </td>
              <td data-label="Alerts (30 d)" className="numeric">
                {product.alerts30d > 0 ? count.format(product.alerts30d) : <span className="muted">0</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
