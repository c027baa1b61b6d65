import type { Metadata } from 'next'
import Link from 'next/link'
import { CatalogEmpty } from '../components/catalog-empty.tsx'
import { CatalogFilters } from '../components/catalog-filters.tsx'
import { CatalogTable } from '../components/catalog-table.tsx'
import { DatabaseProblemNotice } from '../components/database-problem-notice.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { Pagination } from '../components/pagination.tsx'
import { catalogHref, isFiltered, parseCatalogQuery, type SearchParams } from '../lib/catalog-query.ts'
import { catalogPageSize, catalogView, filterOptions, ownerLabel } from '../lib/catalog-view.ts'
import { noun } from '../lib/format.ts'
import { catalogSparklines } from '../server/queries/catalog-sparklines.ts'
import { type CatalogProduct, listCatalogProducts } from '../server/queries/list-catalog-products.ts'
import { readDatabase } from '../server/read-database.ts'

// The catalog changes on every deploy: read it on each request, never at build time.
export const dynamic = 'force-dynamic'

// The root layout's title template reaches nested segments only; this page shares its segment.
export const metadata: Metadata = { title: 'Catalog · Steward' }

export default async function CatalogPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const query = parseCatalogQuery(await searchParams)
  // Every product is read (set-based queries), filtered and sorted here; sparklines only for the page shown.
  const read = await readDatabase(async (db) => {
    const products = await listCatalogProducts(db)
    const view = catalogView(products, query, catalogPageSize)
    const sparklines = await catalogSparklines(
      db,
      view.rows.map((row) => row.id),
    )
    return { products, view, sparklines }
  })
  const products = read.ok ? read.value.products : []
  return (
    <>
      <PageHeader
        title="Catalog"
        description="Every data product deployed from code: who owns it, whether it keeps its promise, who uses it and what it costs."
        aside={products.length > 0 ? <CatalogStats products={products} /> : undefined}
      />
      {!read.ok ? (
        <DatabaseProblemNotice problem={read.problem} />
      ) : products.length === 0 ? (
        <CatalogEmpty />
      ) : (
        <>
          <CatalogFilters query={query} options={filterOptions(products)} />
          <p className="catalog-count muted" aria-live="polite">
            {read.value.view.matching === products.length
              ? `${products.length} ${noun(products.length, 'product')}`
              : `${read.value.view.matching} of ${products.length} products match`}
            {read.value.view.pages > 1 ? ` · page ${read.value.view.page} of ${read.value.view.pages}` : ''}
          </p>
          {read.value.view.matching === 0 ? (
            <section className="card empty" aria-labelledby="no-match-title">
              <h2 id="no-match-title">No product matches</h2>
              <p className="muted">
                {isFiltered(query) ? 'Try fewer words or another filter, or ' : ''}
                <Link href="/">show every product</Link>.
              </p>
            </section>
          ) : (
            <CatalogTable
              products={read.value.view.rows}
              query={query}
              sparklines={read.value.sparklines}
              now={new Date()}
            />
          )}
          <Pagination
            page={read.value.view.page}
            pages={read.value.view.pages}
            hrefOf={(page) => catalogHref(query, { page })}
          />
        </>
      )}
    </>
  )
}

function CatalogStats({ products }: { products: CatalogProduct[] }) {
  const failing = products.filter((p) => p.status === 'failing').length
  const stale = products.filter((p) => p.status === 'stale').length
  const teams = new Set(products.flatMap((product) => product.owners.map(ownerLabel)))
  return (
    <dl className="stats" aria-label="Catalog summary">
      <div>
        <dt>{noun(products.length, 'product')}</dt>
        <dd>{products.length}</dd>
      </div>
      <div>
        <dt>{noun(teams.size, 'owner')}</dt>
        <dd>{teams.size}</dd>
      </div>
      <div>
        <dt>failing</dt>
        <dd>{failing}</dd>
      </div>
      <div>
        <dt>stale</dt>
        <dd>{stale}</dd>
      </div>
    </dl>
  )
}
