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
    <div className="filters__field">
      <label htmlFor={`filter-${name}`} className="filters__label">
        {label}
      </label>
      <select id={`filter-${name}`} name={name} defaultValue={query[name]} className="input">
        <option value="">{all}</option>
        {values.map((value) => (
          <option key={value} value={value}>
            {value}
          </option>
        ))}
      </select>
    </div>
  )
  return (
    <form id={formId} className="card filters" method="get" action="/" aria-label="Filter products">
      <div className="filters__field filters__field--search">
        <label htmlFor="filter-q" className="filters__label">
          Search
        </label>
        <input
          id="filter-q"
          type="search"
          name="q"
          defaultValue={query.q}
          placeholder="Name, id or description"
          className="input"
          maxLength={200}
        />
      </div>
      {select('owner', 'Owner', options.owners, 'All owners')}
      {select('tier', 'Tier', options.tiers, 'All tiers')}
      {select('tag', 'Tag', options.tags, 'All tags')}
      <div className="filters__field">
        <label htmlFor="filter-status" className="filters__label">
          Status
        </label>
        <select id="filter-status" name="status" defaultValue={query.status} className="input">
          <option value="">Any status</option>
          {productStatuses.map((status) => (
            <option key={status} value={status}>
              {status[0]?.toUpperCase()}
              {status.slice(1)}
            </option>
          ))}
        </select>
      </div>
      <div className="filters__field">
        <label htmlFor="filter-sort" className="filters__label">
          Sort by
        </label>
        <select id="filter-sort" name="sort" defaultValue={query.sort} className="input">
          {catalogSortKeys.map((key) => (
            <option key={key} value={key}>
              {sortLabels[key]}
            </option>
          ))}
        </select>
      </div>
      <div className="filters__field">
        <label htmlFor="filter-dir" className="filters__label">
          Order
        </label>
        <select id="filter-dir" name="dir" defaultValue={query.dir} className="input">
          <option value="asc">Ascending</option>
          <option value="desc">Descending</option>
        </select>
      </div>
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
