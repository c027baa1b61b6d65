/**
 * The lineage graph: products, the tables they publish (and tables steps read that nobody
 * publishes) and the pipelines between them. Every edge points downstream, the way data flows:
 * a pipeline writes a table, a table is read by a pipeline, a table is published by its product,
 * a pipeline triggers its followers, a pipeline feeds the product that owns it. So a node's
 * ancestors are everything it depends on, and a problem anywhere upstream shows downstream.
 */

export type LineageNodeKind = 'product' | 'pipeline' | 'table'
export type LineageEdgeKind = 'writes' | 'reads' | 'publishes' | 'triggers' | 'owns'
/**
 * `failing`: a failed run, an open incident, an unreadable or changed table; `stale`: past its
 * freshness promise (a product by its runs, a table by the newest timestamp observed in it).
 */
export type LineageStatus = 'ok' | 'failing' | 'stale' | 'unknown'

/** An upstream node in trouble, named so the downstream page can say which. */
export interface UpstreamProblem {
  id: string
  kind: LineageNodeKind
  label: string
  status: LineageStatus
  /** The product it belongs to, so the downstream owner knows whom to ask. */
  productId: string | null
}

export interface LineageNode {
  /** `product:<id>`, `pipeline:<id>` or `table:<name>`. */
  id: string
  kind: LineageNodeKind
  label: string
  status: LineageStatus
  /** The product it belongs to (a table nobody publishes: null). */
  productId: string | null
  /** The page to open, or null (a table nobody publishes). */
  href: string | null
  upstreamProblem: boolean
  /** Upstream nodes that are failing or stale, nearest first (at most `upstreamListLimit`). */
  upstreamProblems: UpstreamProblem[]
  /** Pipelines: the newest run. */
  lastRun?: { id: string; status: string; at: string } | null
  /** Products: open incidents, and age over the freshness promise (over 1 is stale). */
  openIncidents?: number
  freshnessRatio?: number | null
  /** Tables: the newest observation. */
  observation?: { at: string; rowCount: number | null; newestAt: string | null; error: string | null } | null
}

export interface LineageEdge {
  from: string
  to: string
  kind: LineageEdgeKind
}

export interface LineageGraph {
  nodes: LineageNode[]
  edges: LineageEdge[]
}

const upstreamListLimit = 10

export const productNodeId = (id: string) => `product:${id}`
export const pipelineNodeId = (id: string) => `pipeline:${id}`
export const tableNodeId = (name: string) => `table:${name}`

/**
 * Marks each node with the failing or stale nodes upstream of it (breadth first, cycles cut). A
 * product's own pipelines and tables already make its status, so its list names other products'.
 */
export function markUpstreamProblems(graph: LineageGraph): LineageGraph {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]))
  const parents = adjacency(graph.edges, 'up')
  const nodes = graph.nodes.map((node) => {
    const problems: UpstreamProblem[] = []
    for (const id of walk(node.id, parents)) {
      const up = byId.get(id)
      if (!up || (node.kind === 'product' && up.productId === node.productId)) continue
      if ((up.status === 'failing' || up.status === 'stale') && problems.length < upstreamListLimit)
        problems.push({
          id: up.id,
          kind: up.kind,
          label: up.label,
          status: up.status,
          productId: up.productId,
        })
    }
    return { ...node, upstreamProblem: problems.length > 0, upstreamProblems: problems }
  })
  return { nodes, edges: graph.edges }
}

/**
 * One product's neighbourhood: the product, its pipelines and tables, and everything upstream
 * and downstream of them; undefined when no such product is in the graph.
 */
export function focusOnProduct(graph: LineageGraph, productId: string): LineageGraph | undefined {
  const own = graph.nodes.filter((node) => node.productId === productId).map((node) => node.id)
  if (!own.includes(productNodeId(productId))) return undefined
  const keep = new Set(own)
  const parents = adjacency(graph.edges, 'up')
  const children = adjacency(graph.edges, 'down')
  for (const id of own) {
    for (const up of walk(id, parents)) keep.add(up)
    for (const down of walk(id, children)) keep.add(down)
  }
  return {
    nodes: graph.nodes.filter((node) => keep.has(node.id)),
    edges: graph.edges.filter((edge) => keep.has(edge.from) && keep.has(edge.to)),
  }
}

export interface LineagePage {
  graph: LineageGraph
  /** 1-based; clamped to the pages there are. */
  page: number
  pages: number
  /** Connected parts (products that share no data or trigger are apart) on this page, and in all. */
  parts: { from: number; to: number; total: number }
}

/**
 * The whole graph a page at a time, so that thousands of products do not make one picture of
 * megabytes: the graph falls into connected parts (edges taken both ways), parts with a failing
 * or stale node or trouble upstream first, then the larger, then by their first node's id; a page
 * holds whole parts up to `maxNodes` nodes (a larger part is a page of its own).
 */
export function lineagePage(graph: LineageGraph, page: number, maxNodes: number): LineagePage {
  const neighbours = adjacency(graph.edges, 'down')
  for (const [from, list] of adjacency(graph.edges, 'up')) {
    const both = neighbours.get(from)
    if (both) both.push(...list)
    else neighbours.set(from, [...list])
  }
  const byId = new Map(graph.nodes.map((node) => [node.id, node]))
  const seen = new Set<string>()
  const parts: { ids: string[]; trouble: boolean }[] = []
  for (const node of [...graph.nodes].sort((a, b) => a.id.localeCompare(b.id))) {
    if (seen.has(node.id)) continue
    seen.add(node.id)
    const ids = [node.id, ...walk(node.id, neighbours)]
    for (const id of ids) seen.add(id)
    const trouble = ids.some((id) => {
      const n = byId.get(id)
      return n !== undefined && (n.status === 'failing' || n.status === 'stale' || n.upstreamProblem)
    })
    parts.push({ ids, trouble })
  }
  parts.sort((a, b) => Number(b.trouble) - Number(a.trouble) || b.ids.length - a.ids.length)
  const pages: number[][] = []
  let size = 0
  parts.forEach((part, index) => {
    const current = pages.at(-1)
    if (current && size + part.ids.length <= maxNodes) {
      current.push(index)
      size += part.ids.length
    } else {
      pages.push([index])
      size = part.ids.length
    }
  })
  const count = Math.max(1, pages.length)
  const shown = Math.min(Math.max(1, page), count)
  const indices = pages[shown - 1] ?? []
  const keep = new Set(indices.flatMap((index) => parts[index]?.ids ?? []))
  return {
    graph: {
      nodes: graph.nodes.filter((node) => keep.has(node.id)),
      edges: graph.edges.filter((edge) => keep.has(edge.from) && keep.has(edge.to)),
    },
    page: shown,
    pages: count,
    parts: {
      from: indices.length > 0 ? (indices[0] ?? 0) + 1 : 0,
      to: indices.length > 0 ? (indices.at(-1) ?? 0) + 1 : 0,
      total: parts.length,
    },
  }
}

/** The other products a product's data comes from and goes to, for its page. */
export function productNeighbours(
  graph: LineageGraph,
  productId: string,
): { upstream: LineageNode[]; downstream: LineageNode[] } {
  const own = graph.nodes.filter((node) => node.productId === productId).map((node) => node.id)
  const byId = new Map(graph.nodes.map((node) => [node.id, node]))
  const parents = adjacency(graph.edges, 'up')
  const children = adjacency(graph.edges, 'down')
  const productsOf = (ids: Iterable<string>) => {
    const found = new Set<string>()
    for (const id of ids) {
      const owner = byId.get(id)?.productId
      if (owner && owner !== productId) found.add(owner)
    }
    return [...found]
      .sort()
      .map((id) => byId.get(productNodeId(id)))
      .filter((node): node is LineageNode => node !== undefined)
  }
  return {
    upstream: productsOf(own.flatMap((id) => [...walk(id, parents)])),
    downstream: productsOf(own.flatMap((id) => [...walk(id, children)])),
  }
}

function adjacency(edges: readonly LineageEdge[], direction: 'up' | 'down'): Map<string, string[]> {
  const next = new Map<string, string[]>()
  for (const edge of edges) {
    const [from, to] = direction === 'up' ? [edge.to, edge.from] : [edge.from, edge.to]
    const list = next.get(from)
    if (list) list.push(to)
    else next.set(from, [to])
  }
  return next
}

/** Every node reachable from `start` (not `start` itself), nearest first. */
function* walk(start: string, next: Map<string, string[]>): Generator<string> {
  const seen = new Set([start])
  const queue = [start]
  for (let i = 0; i < queue.length; i++) {
    for (const id of next.get(queue[i] as string) ?? []) {
      if (seen.has(id)) continue
      seen.add(id)
      queue.push(id)
      yield id
    }
  }
}
