import { describe, expect, it } from 'vitest'
import { dagColumns, layoutDag, orderSteps } from './dag-layout.ts'

describe('dag layout', () => {
  const diamond = [
    { id: 'extract', needs: [] },
    { id: 'left', needs: ['extract'] },
    { id: 'right', needs: ['extract'] },
    { id: 'join', needs: ['left', 'right'] },
    { id: 'publish', needs: ['join', 'extract'] },
  ]

  it('puts each step in the column of its longest path from a root', () => {
    expect(Object.fromEntries(dagColumns(diamond))).toEqual({
      extract: 0,
      left: 1,
      right: 1,
      join: 2,
      publish: 3,
    })
  })

  it('gives every edge a curve that goes right, from the right side of a node to the left of the next', () => {
    const layout = layoutDag(diamond)
    expect(layout.edges).toHaveLength(6)
    const nodes = new Map(layout.nodes.map((node) => [node.id, node]))
    for (const edge of layout.edges) {
      const from = nodes.get(edge.from)
      const to = nodes.get(edge.to)
      expect(from && to && from.x + layout.nodeWidth < to.x).toBe(true)
      expect(edge.path).toMatch(/^M [\d.]+ [\d.]+ C /)
    }
    // Columns are spaced evenly, and the canvas holds every node.
    for (const node of layout.nodes) {
      expect(node.x + layout.nodeWidth).toBeLessThanOrEqual(layout.width)
      expect(node.y + layout.nodeHeight).toBeLessThanOrEqual(layout.height)
    }
    expect(new Set(layout.nodes.filter((n) => n.column === 1).map((n) => n.y)).size).toBe(2)
  })

  it('orders a column by the rows of what its steps need, so edges do not cross', () => {
    const steps = [
      { id: 'a', needs: [] },
      { id: 'b', needs: [] },
      { id: 'after-b', needs: ['b'] },
      { id: 'after-a', needs: ['a'] },
    ]
    const rows = Object.fromEntries(layoutDag(steps).nodes.map((node) => [node.id, node.row]))
    expect(rows).toEqual({ a: 0, b: 1, 'after-a': 0, 'after-b': 1 })
    expect(orderSteps(steps)).toEqual(['a', 'b', 'after-a', 'after-b'])
  })

  it('survives needs that name no step and a cycle, without looping', () => {
    const layout = layoutDag([
      { id: 'x', needs: ['ghost', 'y'] },
      { id: 'y', needs: ['x'] },
    ])
    expect(layout.nodes).toHaveLength(2)
  })

  it('lays out nothing for no steps', () => {
    expect(layoutDag([])).toMatchObject({ nodes: [], edges: [] })
  })
})
