import Link from 'next/link'
import {
  type CatalogQuery,
  type CatalogSortKey,
  catalogSortKeys,
  isFiltered,
  productStatuses,
} from '../lib/catalog-query.ts'
import { CatalogAutoSubmit } from './catalog-autosubmit.tsx'

export const sortLabels: Record<CatalogSortKey, string> = {
  name: 'Name',
  owner: 'Owner',
  tier: 'Tier',
  status: 'Status',
  freshness: 'Freshness',
  users: 'Users (30 d)',
  views: 'Views (30 d)',
  cost: 'Cost (30 d)',
  alerts: 'Alerts (30 d)',
}

const formId = 'catalog-filters'

/**
 * Search, filters and sort as a plain GET form: submitting it is the query string, so it works
 * without JavaScript and every state is a link. The sort selects matter on phones, where the
 * table's sortable headers are hidden.
 */
export function CatalogFilters({
  query,
  options,
}: {
  query: CatalogQuery
  options: { owners: string[]; tiers: string[]; tags: string[] }
}) {
  const select = (name: 'owner' | 'tier' | 'tag', label: string, values: string[], all: string) => (
    <label className="filters__field">
      <span className="filters__label">{label}</span>
      <select name={name} defaultValue={query[name]} className="input">
        <option value="">{all}</option>
        {values.map((value) => (
          <option key={value} value={value}>
            {value}
          </option>
        ))}
      </select>
    </label>
  )
  return (
    <form
      id={formId}
      className="card filters"
      method="get"
      action="/"
      aria-label="Filter products"
    >
      <label className="filters__field filters__field--search">
        <span className="filters__label">Search</span>
        <input
          type="search"
          name="q"
          defaultValue={query.q}
          placeholder="Name, id or description"
          className="input"
          maxLength={200}
        />
      </label>
      {select('owner', 'Owner', options.owners, 'All owners')}
      {select('tier', 'Tier', options.tiers, 'All tiers')}
      {select('tag', 'Tag', options.tags, 'All tags')}
      <label className="filters__field">
        <span className="filters__label">Status</span>
        <select name="status" defaultValue={query.status} className="input">
          <option value="">Any status</option>
          {productStatuses.map((status) => (
            <option key={status} value={status}>
              {status[0]?.toUpperCase()}
              {status.slice(1)}
            </option>
          ))}
        </select>
      </label>
      <label className="filters__field">
        <span className="filters__label">Sort by</span>
        <select name="sort" defaultValue={query.sort} className="input">
          {catalogSortKeys.map((key) => (
            <option key={key} value={key}>
              {sortLabels[key]}
            </option>
          ))}
        </select>
      </label>
      <label className="filters__field">
        <span className="filters__label">Order</span>
        <select name="dir" defaultValue={query.dir} className="input">
          <option value="asc">Ascending</option>
          <option value="desc">Descending</option>
        </select>
      </label>
      <div className="filters__actions">
        <button type="submit" className="button button--primary">
          Apply
        </button>
        {isFiltered(query) ? (
          <Link href="/" className="button">
            Clear
          </Link>
        ) : null}
      </div>
      <CatalogAutoSubmit formId={formId} />
    </form>
  )
}
