import Link from 'next/link'
import type { LineageGraph as Graph } from '#lib/lineage-graph.ts'
import { LineageGraph, upstreamWords } from './lineage-graph.tsx'

/**
 * The lineage page's body: the graph, a legend, and the nodes with trouble upstream in words (what
 * the colours say, readable without the picture). `focus` names the product the graph is narrowed to.
 */
export function LineageView({ graph, focus }: { graph: Graph; focus?: { id: string; name: string } }) {
  const troubled = graph.nodes.filter((node) => node.kind === 'product' && node.upstreamProblem)
  return (
    <section className="card panel" aria-labelledby="lineage-title">
      <div className="panel__header">
        <h2 id="lineage-title" className="panel__title">
          {focus ? `Lineage of ${focus.name}` : 'All products'}{' '}
          <span className="panel__count">{graph.nodes.length}</span>
        </h2>
        {focus ? <Link href="/lineage">Show every product</Link> : null}
      </div>
      <p className="muted">
        Pipelines, the tables they write and read, and the products that publish them, left to right as data
        flows. Green: ok; red: failing (a failed run, an open incident, an unreadable table); amber: stale;
        grey: no status yet; <strong>!</strong> marks trouble upstream; a dashed arrow is an upstream trigger.
      </p>
      <LineageGraph graph={graph} label={focus ? `Lineage of ${focus.name}` : 'Lineage of every product'} />
      {troubled.length > 0 ? (
        <>
          <h3 className="lineage__subtitle">Products with trouble upstream</h3>
          <ul className="lineage__problems">
            {troubled.map((node) => (
              <li key={node.id}>
                {node.href ? <Link href={node.href as `/products/${string}`}>{node.label}</Link> : node.label}
                : {node.upstreamProblems.map(upstreamWords).join(', ')}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  )
}
