import type { OwnerRef, StakeholderRef } from '@steward/db'
import { durationMs } from '@steward/kernel'
import type { AlertRule } from '@steward/pipelines/rules'
import { readRules, ruleKeys } from '@steward/pipelines/rules'
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
const runKinds = new Set(['on-failure', 'step-failed', 'run-too-long', 'cost'])

/** Every active rule, read from the deployed catalog; a product's freshness promise is a rule too. */
export class RuleCatalog {
  readonly products = new Map<string, ProductRow>()
  readonly pipelines = new Map<string, PipelineRow>()
  readonly rules: BoundRule[] = []

  static async load(trx: Trx): Promise<RuleCatalog> {
    const catalog = new RuleCatalog()
    const products = await trx.selectFrom('products').selectAll().where('archived_at', 'is', null).execute()
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
      // The promise in defineProduct({ freshness }) is watched even without an explicit freshness() rule.
      if (product.freshnessMaxAgeMs !== null && !rules.some((rule) => rule.kind === 'freshness')) {
        rules.push({ kind: 'freshness' })
      }
      const keys = ruleKeys(`product:${row.id}`, rules)
      rules.forEach((rule, i) => {
        catalog.rules.push({ key: keys[i] as string, rule, product, pipelineId: null })
      })
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
      const keys = ruleKeys(`pipeline:${row.id}`, rules)
      rules.forEach((rule, i) => {
        catalog.rules.push({ key: keys[i] as string, rule, product, pipelineId: row.id })
      })
    }
    return catalog
  }

  /** The rules about runs of a pipeline. */
  runRules(pipelineId: string): BoundRule[] {
    const pipeline = this.pipelines.get(pipelineId)
    if (!pipeline) return []
    return this.rules.filter(
      (bound) =>
        runKinds.has(bound.rule.kind) &&
        (bound.pipelineId === pipelineId ||
          (bound.pipelineId === null && bound.product.id === pipeline.productId)),
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
