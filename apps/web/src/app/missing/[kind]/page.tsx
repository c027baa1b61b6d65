import type { Metadata } from 'next'
import NotFound from '#app/not-found.tsx'
import PipelineNotFound from '#app/pipelines/[id]/not-found.tsx'
import ProductNotFound from '#app/products/[id]/not-found.tsx'
import RunNotFound from '#app/runs/[id]/not-found.tsx'

export const dynamic = 'force-dynamic'
export const metadata: Metadata = { title: 'Not found', robots: { index: false } }

const pages = { product: ProductNotFound, pipeline: PipelineNotFound, run: RunNotFound }

/**
 * What the proxy shows, with status 404, for a product, pipeline or run id that does not exist:
 * the segment's own not-found page, rendered on the server so it reads without JavaScript.
 */
export default async function MissingRecordPage({ params }: { params: Promise<{ kind: string }> }) {
  const { kind } = await params
  const Page = pages[kind as keyof typeof pages] ?? NotFound
  return <Page />
}
