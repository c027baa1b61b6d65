export function readRules(architectureMd: string): {
  workspaces: Map<string, { name: string; dir: string; allowed: string[]; testsAllowed: string[] }>
  only: Map<string, string[]>
}
export function checkBoundaries(root: string): string[]
