import type { DefinitionIssue } from '../definitions/brand.ts'
import { didYouMean } from './did-you-mean.ts'

/** A node of a dependency graph: its id and the ids it depends on. */
export interface GraphNode {
  readonly id: string
  readonly needs: readonly string[]
}

/**
 * Problems with a pipeline's step graph: `needs` naming no step of the pipeline, and cycles,
 * each printed in the order data flows (`extract → funnel → extract`).
 */
export function stepGraphIssues(steps: readonly GraphNode[]): DefinitionIssue[] {
  const issues: DefinitionIssue[] = []
  const ids = new Set(steps.map((step) => step.id))
  for (const step of steps) {
    step.needs.forEach((need, index) => {
      if (need === step.id) {
        issues.push({
          field: `steps.${step.id}.needs[${index}]`,
          message: `step "${step.id}" cannot need itself`,
        })
      } else if (!ids.has(need)) {
        issues.push({
          field: `steps.${step.id}.needs[${index}]`,
          message: `"${need}" is not a step of this pipeline${didYouMean(need, ids)}; its steps are ${[...ids].join(', ')}`,
        })
      }
    })
  }
  for (const cycle of findCycles(steps)) {
    issues.push({ field: 'steps', message: `the steps form a cycle: ${cycle.join(' → ')}` })
  }
  return issues
}

/**
 * Every cycle a depth-first walk finds (one per back edge), each as the path from a node back to
 * itself along the direction data flows, from a need to the step that needs it. Self-loops and
 * unknown ids are left to the caller.
 */
export function findCycles(nodes: readonly GraphNode[]): string[][] {
  // Edges point downstream: from each need to the node that needs it.
  const downstream = new Map<string, string[]>(nodes.map((node) => [node.id, []]))
  for (const node of nodes) {
    for (const need of node.needs) {
      if (need !== node.id) downstream.get(need)?.push(node.id)
    }
  }
  const state = new Map<string, 'open' | 'done'>()
  const path: string[] = []
  const cycles: string[][] = []
  const visit = (id: string) => {
    state.set(id, 'open')
    path.push(id)
    for (const next of downstream.get(id) ?? []) {
      const seen = state.get(next)
      if (seen === 'open') cycles.push([...path.slice(path.indexOf(next)), next])
      else if (seen === undefined) visit(next)
    }
    path.pop()
    state.set(id, 'done')
  }
  for (const node of nodes) {
    if (!state.has(node.id)) visit(node.id)
  }
  return cycles
}
