import type { Route } from 'next'
import Link from 'next/link'
import type { LineageNode } from '#lib/lineage-graph.ts'
import { statusWords } from '../lineage-graph.tsx'

/**
 * The products this one's data comes from and goes to (through declared tables and upstream
 * triggers), each with its status, and a link to the graph narrowed to this product.
 */
export function LineagePanel({
  productId,
  upstream,
  downstream,
}: {
  productId: string
  upstream: readonly LineageNode[]
  downstream: readonly LineageNode[]
}) {
  return (
    <section className="card panel" aria-labelledby="lineage-title">
      <h2 id="lineage-title" className="panel__title">
        Lineage
      </h2>
      <h3 className="lineage__subtitle">Fed by</h3>
      <NeighbourList nodes={upstream} empty="No other product feeds this one." />
      <h3 className="lineage__subtitle">Feeds</h3>
      <NeighbourList nodes={downstream} empty="No other product reads from this one." />
      <p>
        <Link href={`/lineage?product=${encodeURIComponent(productId)}` as Route}>
          Show the lineage graph
        </Link>
      </p>
    </section>
  )
}

function NeighbourList({ nodes, empty }: { nodes: readonly LineageNode[]; empty: string }) {
  if (nodes.length === 0) return <p className="muted">{empty}</p>
  return (
    <ul className="lineage__list">
      {nodes.map((node) => (
        <li key={node.id} data-lineage-status={node.status}>
          {node.href ? <Link href={node.href as Route}>{node.label}</Link> : node.label}{' '}
          <span className="muted">
            {statusWords[node.status]}
            {node.upstreamProblem ? ', trouble upstream' : ''}
          </span>
        </li>
      ))}
    </ul>
  )
}
