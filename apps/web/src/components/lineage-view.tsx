import Link from 'next/link'
import type { LineageGraph as Graph, LineageNode, LineagePage } from '#lib/lineage-graph.ts'
import { LineageGraph, upstreamWords } from './lineage-graph.tsx'
import { Pagination } from './pagination.tsx'

/** Products with trouble upstream listed in words, at most (the rest are counted). */
const troubledLimit = 50

/**
 * The lineage page's body: the graph, a legend, and the nodes with trouble upstream in words (what
 * the colours say, readable without the picture). `focus` names the product the graph is narrowed to.
 * `paged`: every product, one page of connected parts (`lineagePage`) drawn, with links to the
 * others; `graph` is then the whole graph, whose troubled products are all listed.
 */
export function LineageView({
  graph,
  focus,
  paged,
}: {
  graph: Graph
  focus?: { id: string; name: string }
  paged?: LineagePage
}) {
  const troubled: LineageNode[] = graph.nodes.filter(
    (node) => node.kind === 'product' && node.upstreamProblem,
  )
  const drawn = paged?.graph ?? graph
  return (
    <section className="card panel" aria-labelledby="lineage-title">
      <div className="panel__header">
        <h2 id="lineage-title" className="panel__title">
          {focus ? `Lineage of ${focus.name}` : 'All products'}{' '}
          <span className="panel__count">{graph.nodes.length}</span>
          {paged && paged.pages > 1 ? (
            <span className="muted">
              {' '}
              · parts {paged.parts.from}–{paged.parts.to} of {paged.parts.total}, page {paged.page} of{' '}
              {paged.pages}
            </span>
          ) : null}
        </h2>
        {focus ? <Link href="/lineage">Show every product</Link> : null}
      </div>
      <p className="muted">
        Pipelines, the tables they write and read, and the products that publish them, left to right as data
        flows. Green: ok; red: failing (a failed run, an open incident, an unreadable table); amber: stale;
        grey: no status yet; <strong>!</strong> marks trouble upstream; a dashed arrow is an upstream trigger.
      </p>
      {paged && paged.pages > 1 ? (
        <p className="muted">
          Products that share no table and no trigger are drawn apart; the parts with trouble come first. Open
          a product&apos;s page for its own lineage.
        </p>
      ) : null}
      <LineageGraph graph={drawn} label={focus ? `Lineage of ${focus.name}` : 'Lineage of every product'} />
      {paged ? (
        <Pagination
          page={paged.page}
          pages={paged.pages}
          hrefOf={(n) => (n > 1 ? `/lineage?page=${n}` : '/lineage')}
          label="Pages of the lineage graph"
        />
      ) : null}
      {troubled.length > 0 ? (
        <>
          <h3 className="lineage__subtitle">Products with trouble upstream</h3>
          <ul className="lineage__problems">
            {troubled.slice(0, troubledLimit).map((node) => (
              <li key={node.id}>
                {node.href ? <Link href={node.href as `/products/${string}`}>{node.label}</Link> : node.label}
                : {node.upstreamProblems.map(upstreamWords).join(', ')}
              </li>
            ))}
          </ul>
          {troubled.length > troubledLimit ? (
            <p className="muted">And {troubled.length - troubledLimit} more.</p>
          ) : null}
        </>
      ) : null}
    </section>
  )
}
