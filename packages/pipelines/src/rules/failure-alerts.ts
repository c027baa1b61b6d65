import type { AlertRule, OnFailureRule } from './rule-types.ts'

/**
 * Failure alerts are on by default. What a pipeline's failures do, from its own rules and its
 * product's, the pipeline's first:
 * - `off`: `onFailure(false)` on the pipeline, or on the product when the pipeline declares no
 *   `onFailure` of its own: nobody hears it.
 * - `declared`: the pipeline or its product declares `onFailure(…)`: those rules say who hears it
 *   and how (a product's rules watch every pipeline of it).
 * - `default`: neither declares anything: the pipeline alerts its product's owners, as
 *   `onFailure()` would (the `defaultFailureRule`, keyed as that rule would be).
 * Written once here, for the evaluator and for whatever shows a pipeline's rules.
 */
export type FailureAlerting =
  | { kind: 'default' }
  | { kind: 'declared' }
  | { kind: 'off'; by: 'pipeline' | 'product' }

/** The rule a pipeline alerts with when nobody declared `onFailure`: its product's owners hear it. */
export const defaultFailureRule: OnFailureRule = Object.freeze({ kind: 'on-failure' })

export function failureAlerting(
  pipelineRules: readonly AlertRule[],
  productRules: readonly AlertRule[],
): FailureAlerting {
  const own = pipelineRules.filter(isOnFailure)
  if (own.some((rule) => rule.off)) return { kind: 'off', by: 'pipeline' }
  if (own.length > 0) return { kind: 'declared' }
  const product = productRules.filter(isOnFailure)
  if (product.some((rule) => rule.off)) return { kind: 'off', by: 'product' }
  return product.length > 0 ? { kind: 'declared' } : { kind: 'default' }
}

function isOnFailure(rule: AlertRule): rule is OnFailureRule {
  return rule.kind === 'on-failure'
}
