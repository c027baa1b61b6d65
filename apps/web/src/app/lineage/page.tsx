import type { Metadata } from 'next'
import { DatabaseProblemNotice } from '#components/database-problem-notice.tsx'
import { LineageView } from '#components/lineage-view.tsx'
import { PageHeader } from '#components/page-header.tsx'
import { focusOnProduct, lineagePage, productNodeId } from '#lib/lineage-graph.ts'
import { getCachedLineage } from '#server/queries/get-lineage.ts'
import { readDatabase } from '#server/read-database.ts'

export const dynamic = 'force-dynamic'

export const metadata: Metadata = { title: 'Lineage' }

type SearchParams = Record<string, string | string[] | undefined>

/** Nodes drawn on a page of the whole graph (whole connected parts, so a page may hold more). */
const pageNodes = 150

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)

/**
 * `/lineage` (`?page=<n>`: every product, a page of connected parts at a time), or
 * `/lineage?product=<id>` for one product's neighbourhood (an unknown id shows everything).
 */
export default async function LineagePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams
  const productId = first(params.product)
  const page = Number.parseInt(first(params.page) ?? '', 10)
  const read = await readDatabase((db) => getCachedLineage(db))
  if (!read.ok) return <DatabaseProblemNotice problem={read.problem} />
  const focused = productId === undefined ? undefined : focusOnProduct(read.value, productId)
  const focusNode = focused?.nodes.find((node) => node.id === productNodeId(productId ?? ''))
  return (
    <>
      <PageHeader
        title="Lineage"
        description="What feeds each data product and what it feeds, from the tables steps declare they read and write and the pipelines' upstream triggers."
      />
      {productId !== undefined && !focused ? (
        <p className="notice">No product {productId} is deployed; showing every product.</p>
      ) : null}
      <LineageView
        graph={focused ?? read.value}
        {...(focused
          ? focusNode && productId !== undefined
            ? { focus: { id: productId, name: focusNode.label } }
            : {}
          : { paged: lineagePage(read.value, Number.isFinite(page) ? page : 1, pageNodes) })}
      />
    </>
  )
}
