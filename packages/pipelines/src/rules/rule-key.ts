import type { AlertRule } from './rule-types.ts'

/**
 * A rule's stable key: `<scope>:<kind>[:<name>]`, with `#2`, `#3`… for further unnamed rules of one
 * kind in one list. Incidents are keyed by it, so it must not change when unrelated rules move.
 */
export function ruleKeys(scope: string, rules: readonly AlertRule[]): string[] {
  const seen = new Map<string, number>()
  return rules.map((rule) => {
    const base = `${scope}:${rule.kind}${rule.name ? `:${rule.name}` : ''}`
    const count = (seen.get(base) ?? 0) + 1
    seen.set(base, count)
    return count === 1 ? base : `${base}#${count}`
  })
}
