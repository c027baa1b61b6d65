import type { Metadata } from 'next'
import { CatalogEmpty } from '../components/catalog-empty.tsx'
import { CatalogTable } from '../components/catalog-table.tsx'
import { DatabaseProblemNotice } from '../components/database-problem-notice.tsx'
import { PageHeader } from '../components/page-header.tsx'
import { noun } from '../lib/format.ts'
import { type CatalogProduct, listCatalogProducts } from '../server/queries/list-catalog-products.ts'
import { readDatabase } from '../server/read-database.ts'

// The catalog changes on every deploy: read it on each request, never at build time.
export const dynamic = 'force-dynamic'

// The root layout's title template reaches nested segments only; this page shares its segment.
export const metadata: Metadata = { title: 'Catalog · Steward' }

export default async function CatalogPage() {
  const read = await readDatabase(listCatalogProducts)
  const products = read.ok ? read.value : []
  return (
    <>
      <PageHeader
        title="Catalog"
        description="Every data product deployed from code, with who owns it and what it promises."
        aside={products.length > 0 ? <CatalogStats products={products} /> : undefined}
      />
      {!read.ok ? (
        <DatabaseProblemNotice problem={read.problem} />
      ) : products.length === 0 ? (
        <CatalogEmpty />
      ) : (
        <CatalogTable products={products} />
      )}
    </>
  )
}

function CatalogStats({ products }: { products: CatalogProduct[] }) {
  const pipelines = products.reduce((sum, product) => sum + product.pipelineCount, 0)
  const teams = new Set(products.flatMap((product) => product.owners.map((o) => o.team ?? o.name ?? o.slack)))
  return (
    <dl className="stats" aria-label="Catalog summary">
      <div>
        <dt>{noun(products.length, 'product')}</dt>
        <dd>{products.length}</dd>
      </div>
      <div>
        <dt>{noun(pipelines, 'pipeline')}</dt>
        <dd>{pipelines}</dd>
      </div>
      <div>
        <dt>{noun(teams.size, 'owner')}</dt>
        <dd>{teams.size}</dd>
      </div>
    </dl>
  )
}
