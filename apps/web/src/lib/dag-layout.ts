/**
 * Lays out a pipeline's steps left to right for an SVG: each step's column is the length of the
 * longest path from a root to it (so every edge points right), and within a column steps are
 * ordered by the average row of what they need (one barycentre pass), which removes most crossings
 * in the small DAGs pipelines have. Edges are cubic curves from the right side of a node to the
 * left side of the next.
 */
export interface DagStep {
  id: string
  needs: readonly string[]
}

export interface DagNode {
  id: string
  column: number
  row: number
  x: number
  y: number
}

export interface DagEdge {
  from: string
  to: string
  /** SVG path data (`M … C …`). */
  path: string
}

export interface DagLayout {
  nodes: DagNode[]
  edges: DagEdge[]
  width: number
  height: number
  nodeWidth: number
  nodeHeight: number
}

export interface DagSizes {
  nodeWidth: number
  nodeHeight: number
  columnGap: number
  rowGap: number
  padding: number
}

export const defaultDagSizes: DagSizes = {
  nodeWidth: 168,
  nodeHeight: 40,
  columnGap: 56,
  rowGap: 16,
  padding: 8,
}

/** Longest path from a root, per step. Needs that name no step are ignored; a cycle is cut where it closes. */
export function dagColumns(steps: readonly DagStep[]): Map<string, number> {
  const byId = new Map(steps.map((step) => [step.id, step]))
  const columns = new Map<string, number>()
  const visiting = new Set<string>()
  const columnOf = (id: string): number => {
    const known = columns.get(id)
    if (known !== undefined) return known
    if (visiting.has(id)) return -1
    visiting.add(id)
    const step = byId.get(id)
    let column = 0
    for (const need of step?.needs ?? []) {
      if (byId.has(need)) column = Math.max(column, columnOf(need) + 1)
    }
    visiting.delete(id)
    columns.set(id, column)
    return column
  }
  for (const step of steps) columnOf(step.id)
  return columns
}

/** Node width that fits the longest step id (monospace, ~7.3 px a character at 12 px), within bounds. */
export function nodeWidthFor(steps: readonly DagStep[]): number {
  const longest = Math.max(0, ...steps.map((step) => step.id.length))
  return Math.min(220, Math.max(112, Math.ceil(longest * 7.3) + 44))
}

export function layoutDag(
  steps: readonly DagStep[],
  sizes: DagSizes = { ...defaultDagSizes, nodeWidth: nodeWidthFor(steps) },
): DagLayout {
  const columns = dagColumns(steps)
  const byColumn: string[][] = []
  for (const step of steps) {
    const column = columns.get(step.id) ?? 0
    byColumn[column] ??= []
    byColumn[column].push(step.id)
  }
  const needsOf = new Map(steps.map((step) => [step.id, step.needs]))
  const rows = new Map<string, number>()
  byColumn.forEach((ids, column) => {
    const keyed = ids.map((id, index) => {
      const parents = (needsOf.get(id) ?? []).map((need) => rows.get(need)).filter((r) => r !== undefined)
      const barycentre = parents.length > 0 ? parents.reduce((a, b) => a + b, 0) / parents.length : index
      return { id, key: column === 0 ? index : barycentre, index }
    })
    keyed.sort((a, b) => a.key - b.key || a.index - b.index)
    keyed.forEach(({ id }, row) => {
      rows.set(id, row)
    })
  })

  const tallest = Math.max(0, ...byColumn.map((ids) => ids?.length ?? 0))
  const { nodeWidth, nodeHeight, columnGap, rowGap, padding } = sizes
  const height = padding * 2 + tallest * nodeHeight + Math.max(0, tallest - 1) * rowGap
  const nodes: DagNode[] = steps.map((step) => {
    const column = columns.get(step.id) ?? 0
    const row = rows.get(step.id) ?? 0
    const inColumn = byColumn[column]?.length ?? 1
    // Centre each column vertically, so a single step sits level with the middle of a fan-out.
    const columnHeight = inColumn * nodeHeight + (inColumn - 1) * rowGap
    const top = padding + (height - padding * 2 - columnHeight) / 2
    return {
      id: step.id,
      column,
      row,
      x: padding + column * (nodeWidth + columnGap),
      y: top + row * (nodeHeight + rowGap),
    }
  })
  const nodeById = new Map(nodes.map((node) => [node.id, node]))
  const edges: DagEdge[] = []
  for (const step of steps) {
    const to = nodeById.get(step.id)
    for (const need of step.needs) {
      const from = nodeById.get(need)
      if (!from || !to || from.column >= to.column) continue
      const x1 = from.x + nodeWidth
      const y1 = from.y + nodeHeight / 2
      const x2 = to.x
      const y2 = to.y + nodeHeight / 2
      const bend = (x2 - x1) / 2
      edges.push({
        from: need,
        to: step.id,
        path: `M ${round(x1)} ${round(y1)} C ${round(x1 + bend)} ${round(y1)}, ${round(x2 - bend)} ${round(y2)}, ${round(x2)} ${round(y2)}`,
      })
    }
  }
  const width = padding * 2 + byColumn.length * nodeWidth + Math.max(0, byColumn.length - 1) * columnGap
  return { nodes, edges, width, height, nodeWidth, nodeHeight }
}

const round = (n: number) => Math.round(n * 10) / 10

/** Step ids in layout order (column, then row): the order a run's steps are listed in. */
export function orderSteps(steps: readonly DagStep[]): string[] {
  const { nodes } = layoutDag(steps)
  return [...nodes].sort((a, b) => a.column - b.column || a.row - b.row).map((node) => node.id)
}
