import { defaultDagSizes, layoutDag } from '#lib/dag-layout.ts'
import type { LineageGraph as Graph, LineageNode, UpstreamProblem } from '#lib/lineage-graph.ts'

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
  const { nodeHeight } = layout
  const maxChars = Math.floor((nodeWidth - 56) / 7.3)
  const edgeKind = new Map(graph.edges.map((edge) => [`${edge.from}->${edge.to}`, edge.kind]))
  return (
    <div className="dag lineage">
      <svg
        className="dag__svg"
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        width={layout.width}
        height={layout.height}
        role="img"
        aria-label={label}
      >
        <defs>
          <marker
            id="lineage-arrow"
            viewBox="0 0 8 8"
            refX="7"
            refY="4"
            markerWidth="7"
            markerHeight="7"
            orient="auto"
          >
            <path d="M0 0 L8 4 L0 8 z" className="dag__arrow" />
          </marker>
        </defs>
        {layout.edges.map((edge) => (
          <path
            key={`${edge.from}->${edge.to}`}
            d={edge.path}
            className="dag__edge"
            data-edge-kind={edgeKind.get(`${edge.from}->${edge.to}`)}
            markerEnd="url(#lineage-arrow)"
          />
        ))}
        {layout.nodes.map((placed) => {
          const node = byId.get(placed.id) as LineageNode
          const title = describe(node)
          const body = (
            <g
              key={node.id}
              className="dag__node lineage__node"
              data-kind={node.kind}
              data-lineage-status={node.status}
              data-upstream-problem={node.upstreamProblem ? 'true' : undefined}
              transform={`translate(${placed.x} ${placed.y})`}
            >
              <title>{title}</title>
              <rect
                width={nodeWidth}
                height={nodeHeight}
                rx={node.kind === 'product' ? 14 : node.kind === 'table' ? 2 : 7}
              />
              <circle cx="16" cy={nodeHeight / 2} r="4.5" className="dag__dot" />
              <text x="28" y={nodeHeight / 2} dominantBaseline="central">
                {truncate(node.label, maxChars)}
              </text>
              {node.upstreamProblem ? (
                <text
                  x={nodeWidth - 14}
                  y={nodeHeight / 2}
                  dominantBaseline="central"
                  className="lineage__warn"
                >
                  !
                </text>
              ) : null}
            </g>
          )
          return node.href ? (
            <a key={node.id} href={node.href} aria-label={title}>
              {body}
            </a>
          ) : (
            <g key={node.id}>{body}</g>
          )
        })}
      </svg>
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

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
