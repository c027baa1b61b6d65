import { defaultDagSizes, layoutDag } from '#lib/dag-layout.ts'
import { truncate } from '#lib/format.ts'
import type { LineageGraph as Graph, LineageNode, UpstreamProblem } from '#lib/lineage-graph.ts'
import { DagSvg } from './dag-svg.tsx'

const kindLabel = { product: 'product', pipeline: 'pipeline', table: 'table' } as const
export const statusWords = { ok: 'ok', failing: 'failing', stale: 'stale', unknown: 'no status yet' } as const

/**
 * The lineage graph as static SVG (no script): columns by dependency depth, left to right (the
 * layered layout of `dag-layout.ts`, fed the graph's edges as needs), each node coloured by its
 * status and linking to its product or pipeline page. A node with trouble upstream carries a
 * marker, and its tooltip names the upstream nodes.
 */
export function LineageGraph({ graph, label }: { graph: Graph; label: string }) {
  if (graph.nodes.length === 0) return <p className="muted">Nothing deployed yet.</p>
  const needs = new Map<string, string[]>(graph.nodes.map((node) => [node.id, []]))
  for (const edge of graph.edges) needs.get(edge.to)?.push(edge.from)
  const longest = Math.max(...graph.nodes.map((node) => node.label.length))
  // Room for the dot on the left and the upstream mark on the right.
  const nodeWidth = Math.min(252, Math.max(120, Math.ceil(longest * 7.3) + 56))
  const layout = layoutDag(
    graph.nodes.map((node) => ({ id: node.id, needs: needs.get(node.id) ?? [] })),
    { ...defaultDagSizes, nodeWidth, nodeHeight: 36, columnGap: 48, rowGap: 12 },
  )
  const byId = new Map(graph.nodes.map((node) => [node.id, node]))
  const edgeKind = new Map(graph.edges.map((edge) => [`${edge.from}->${edge.to}`, edge.kind]))
  return (
    <div className="dag lineage">
      <DagSvg
        layout={layout}
        label={label}
        markerId="lineage-arrow"
        labelRoom={56}
        edgeData={(edge) => ({ 'data-edge-kind': edgeKind.get(`${edge.from}->${edge.to}`) })}
        node={(id) => {
          const node = byId.get(id) as LineageNode
          return {
            className: 'dag__node lineage__node',
            data: {
              'data-kind': node.kind,
              'data-lineage-status': node.status,
              'data-upstream-problem': node.upstreamProblem ? 'true' : undefined,
            },
            title: describe(node),
            label: node.label,
            rx: node.kind === 'product' ? 14 : node.kind === 'table' ? 2 : 7,
            href: node.href,
            mark: node.upstreamProblem ? (
              <text
                x={layout.nodeWidth - 14}
                y={layout.nodeHeight / 2}
                dominantBaseline="central"
                className="lineage__warn"
              >
                !
              </text>
            ) : null,
          }
        }}
      />
    </div>
  )
}

/** What a node's tooltip and accessible name say: kind, name, status, and the trouble upstream. */
export function describe(node: LineageNode): string {
  const parts = [`${kindLabel[node.kind]} ${node.label}: ${statusWords[node.status]}`]
  if (node.openIncidents)
    parts.push(`${node.openIncidents} open incident${node.openIncidents === 1 ? '' : 's'}`)
  if (node.observation?.error) parts.push(`observation failed: ${truncate(node.observation.error, 120)}`)
  if (node.upstreamProblem)
    parts.push(`upstream problem: ${node.upstreamProblems.map(upstreamWords).join(', ')}`)
  return parts.join('; ')
}

export function upstreamWords(up: UpstreamProblem): string {
  const owner = up.kind !== 'product' && up.productId ? ` (product ${up.productId})` : ''
  return `${kindLabel[up.kind]} ${up.label} ${statusWords[up.status]}${owner}`
}
