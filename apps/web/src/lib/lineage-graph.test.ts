import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { LineageView } from '../components/lineage-view.tsx'
import {
  focusOnProduct,
  type LineageEdge,
  type LineageGraph,
  type LineageNode,
  lineagePage,
  markUpstreamProblems,
  productNeighbours,
} from './lineage-graph.ts'

const node = (id: string, productId: string | null, status: LineageNode['status'] = 'ok'): LineageNode => ({
  id,
  kind: id.split(':')[0] as LineageNode['kind'],
  label: id.split(':')[1] as string,
  status,
  productId,
  href: null,
  upstreamProblem: false,
  upstreamProblems: [],
})
const edge = (from: string, to: string, kind: LineageEdge['kind']): LineageEdge => ({ from, to, kind })

/**
 * Two products whose pipelines trigger each other, one of which also reads and writes the same
 * table: cycles a real project can declare. A third product stands apart.
 */
const cyclic: LineageGraph = {
  nodes: [
    node('product:a', 'a'),
    node('pipeline:a.build', 'a', 'failing'),
    node('table:a.t', 'a'),
    node('product:b', 'b'),
    node('pipeline:b.build', 'b'),
    node('product:c', 'c', 'stale'),
  ],
  edges: [
    edge('pipeline:a.build', 'product:a', 'owns'),
    edge('pipeline:a.build', 'table:a.t', 'writes'),
    edge('table:a.t', 'pipeline:a.build', 'reads'),
    edge('table:a.t', 'product:a', 'publishes'),
    edge('table:a.t', 'pipeline:b.build', 'reads'),
    edge('pipeline:b.build', 'product:b', 'owns'),
    edge('pipeline:b.build', 'pipeline:a.build', 'triggers'),
  ],
}

describe('the lineage graph', () => {
  it('names upstream trouble through cycles, leaving a product its own pipelines', () => {
    const marked = markUpstreamProblems(cyclic)
    const byId = new Map(marked.nodes.map((n) => [n.id, n]))
    expect(byId.get('product:b')?.upstreamProblems.map((p) => p.id)).toEqual(['pipeline:a.build'])
    // a.build is upstream of product a, but it is a's own: a's status says it already.
    expect(byId.get('product:a')?.upstreamProblem).toBe(false)
    // In the cycle, a.build is upstream of itself through b: not listed as its own problem.
    expect(byId.get('pipeline:a.build')?.upstreamProblems.map((p) => p.id)).toEqual([])
    expect(byId.get('product:c')?.upstreamProblem).toBe(false)
  })

  it('narrows to a product and its neighbours, and says who feeds whom', () => {
    expect(focusOnProduct(cyclic, 'c')?.nodes.map((n) => n.id)).toEqual(['product:c'])
    expect(focusOnProduct(cyclic, 'b')?.nodes.map((n) => n.id)).toEqual([
      'product:a',
      'pipeline:a.build',
      'table:a.t',
      'product:b',
      'pipeline:b.build',
    ])
    expect(focusOnProduct(cyclic, 'nope')).toBeUndefined()
    const { upstream, downstream } = productNeighbours(cyclic, 'b')
    expect(upstream.map((n) => n.id)).toEqual(['product:a'])
    expect(downstream.map((n) => n.id)).toEqual(['product:a'])
  })

  it('draws a cyclic graph: every node once, edges against the flow left out of the picture', () => {
    const html = renderToStaticMarkup(createElement(LineageView, { graph: markUpstreamProblems(cyclic) }))
    expect(html.match(/class="dag__node lineage__node"/g)).toHaveLength(cyclic.nodes.length)
    expect(html).toContain('data-lineage-status="stale"')
  })

  it('pages the whole graph by connected parts, the parts in trouble first, none split', () => {
    // Ten lone products (one pipeline each) beside the cyclic graph: a part of 5 (in trouble),
    // a stale lone product, and ten healthy parts of 2.
    const lone = Array.from({ length: 10 }, (_, i) => `p${String(i).padStart(2, '0')}`)
    const graph = markUpstreamProblems({
      nodes: [
        ...lone.flatMap((id) => [node(`product:${id}`, id), node(`pipeline:${id}.build`, id)]),
        ...cyclic.nodes,
      ],
      edges: [...lone.map((id) => edge(`pipeline:${id}.build`, `product:${id}`, 'owns')), ...cyclic.edges],
    })
    const first = lineagePage(graph, 1, 7)
    expect(first.pages).toBe(5)
    expect(first.parts).toEqual({ from: 1, to: 2, total: 12 })
    expect(first.graph.nodes.map((n) => n.id).sort()).toEqual(
      ['product:a', 'pipeline:a.build', 'table:a.t', 'product:b', 'pipeline:b.build', 'product:c'].sort(),
    )
    expect(first.graph.edges).toHaveLength(cyclic.edges.length)
    const second = lineagePage(graph, 2, 7)
    expect(second.graph.nodes.map((n) => n.id)).toEqual([
      'product:p00',
      'pipeline:p00.build',
      'product:p01',
      'pipeline:p01.build',
      'product:p02',
      'pipeline:p02.build',
    ])
    // Every node on exactly one page; a page past the last shows the last.
    const all = [1, 2, 3, 4, 5].flatMap((page) => lineagePage(graph, page, 7).graph.nodes.map((n) => n.id))
    expect(all.sort()).toEqual(graph.nodes.map((n) => n.id).sort())
    expect(lineagePage(graph, 99, 7).page).toBe(5)
    // A part larger than a page is a page of its own.
    expect(lineagePage(graph, 1, 3).graph.nodes).toHaveLength(5)
  })
})
