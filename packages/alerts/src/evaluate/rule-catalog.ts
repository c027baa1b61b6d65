import type { OwnerRef, StakeholderRef } from '@steward/db'
import { durationMs } from '@steward/kernel'
import type { AlertRule } from '@steward/pipelines/rules'
import { defaultFailureRule, failureAlerting, readRules, ruleKeys } from '@steward/pipelines/rules'
import type { Trx } from '../incidents/outbox.ts'

export interface ProductRow {
  id: string
  name: string
  owners: OwnerRef[]
  stakeholders: StakeholderRef[]
  freshnessMaxAgeMs: number | null
  budgetMonthlyUsd: number | null
  createdAt: Date
}

export interface PipelineRow {
  id: string
  name: string
  productId: string
  scheduleCron: string | null
  scheduleTimezone: string | null
  createdAt: Date
}

/** A rule with its key and where it was declared: on a pipeline (`pipelineId`), or on the product. */
export interface BoundRule {
  key: string
  rule: AlertRule
  product: ProductRow
  pipelineId: string | null
}

/** Rules about runs: declared on a pipeline, or on its product (then they watch every pipeline of it). */
const runKinds = new Set(['on-failure', 'step-failed', 'run-too-long', 'cost', 'check-failed'])

/**
 * Every active rule, read from the deployed catalog. Defaults are rules too: a product's freshness
 * promise, and the failure alert of every pipeline that does not declare one (`failureAlerting`).
 * `onFailure(false)` is not a rule here: it only keeps the default (and, on a pipeline, its
 * product's `onFailure` rules) away.
 */
export class RuleCatalog {
  readonly products = new Map<string, ProductRow>()
  readonly pipelines = new Map<string, PipelineRow>()
  readonly rules: BoundRule[] = []
  /** Pipelines that declared `onFailure(false)`: their product's `onFailure` rules skip them. */
  private readonly failureOff = new Set<string>()

  static async load(trx: Trx): Promise<RuleCatalog> {
    const catalog = new RuleCatalog()
    const products = await trx.selectFrom('products').selectAll().where('archived_at', 'is', null).execute()
    const declaredByProduct = new Map<string, AlertRule[]>()
    for (const row of products) {
      const product: ProductRow = {
        id: row.id,
        name: row.name,
        owners: row.owners,
        stakeholders: row.stakeholders,
        freshnessMaxAgeMs:
          row.freshness_max_age_seconds === null ? null : row.freshness_max_age_seconds * 1000,
        budgetMonthlyUsd: row.budget_monthly_usd === null ? null : Number(row.budget_monthly_usd),
        createdAt: row.created_at,
      }
      catalog.products.set(row.id, product)
      const rules = readRules(row.alert_rules)
      declaredByProduct.set(row.id, [...rules])
      // The promise in defineProduct({ freshness }) is watched even without an explicit freshness() rule.
      if (product.freshnessMaxAgeMs !== null && !rules.some((rule) => rule.kind === 'freshness')) {
        rules.push({ kind: 'freshness' })
      }
      // Failed checks on the product's tables alert its owners unless it declares checkFailed().
      if (!rules.some((rule) => rule.kind === 'check-failed')) rules.push({ kind: 'check-failed' })
      catalog.bind(`product:${row.id}`, rules, product, null)
    }
    const pipelines = await trx.selectFrom('pipelines').selectAll().where('archived_at', 'is', null).execute()
    for (const row of pipelines) {
      const product = catalog.products.get(row.product_id)
      if (!product) continue
      catalog.pipelines.set(row.id, {
        id: row.id,
        name: row.name,
        productId: row.product_id,
        scheduleCron: row.schedule_cron,
        scheduleTimezone: row.schedule_timezone,
        createdAt: row.created_at,
      })
      const rules = readRules(row.alert_rules)
      const failures = failureAlerting(rules, declaredByProduct.get(product.id) ?? [])
      // Keyed as a declared onFailure() would be, so declaring one later keeps its open incident.
      if (failures.kind === 'default') rules.push(defaultFailureRule)
      if (failures.kind === 'off' && failures.by === 'pipeline') catalog.failureOff.add(row.id)
      catalog.bind(`pipeline:${row.id}`, rules, product, row.id)
    }
    return catalog
  }

  private bind(scope: string, rules: readonly AlertRule[], product: ProductRow, pipelineId: string | null) {
    const keys = ruleKeys(scope, rules)
    rules.forEach((rule, i) => {
      if ((rule.kind === 'on-failure' || rule.kind === 'check-failed') && rule.off) return
      this.rules.push({ key: keys[i] as string, rule, product, pipelineId })
    })
  }

  /** The rules about runs of a pipeline. */
  runRules(pipelineId: string): BoundRule[] {
    const pipeline = this.pipelines.get(pipelineId)
    if (!pipeline) return []
    return this.rules.filter(
      (bound) =>
        runKinds.has(bound.rule.kind) &&
        (bound.pipelineId === pipelineId ||
          (bound.pipelineId === null &&
            bound.product.id === pipeline.productId &&
            !(bound.rule.kind === 'on-failure' && this.failureOff.has(pipelineId)))),
    )
  }

  /** Pipelines a bound rule watches: its own, or every pipeline of its product. */
  watchedPipelines(bound: BoundRule): string[] {
    if (bound.pipelineId !== null) return [bound.pipelineId]
    return [...this.pipelines.values()].filter((p) => p.productId === bound.product.id).map((p) => p.id)
  }
}

/** The subject of a rule about its whole scope: the pipeline it was declared on, or its product. */
export function scopeSubject(bound: BoundRule): string {
  return bound.pipelineId ? `pipeline:${bound.pipelineId}` : `product:${bound.product.id}`
}

export function remindEverySeconds(rule: AlertRule): number | null {
  const ms = rule.remindEvery === undefined ? undefined : durationMs(rule.remindEvery)
  return ms === undefined ? null : Math.ceil(ms / 1000)
}
