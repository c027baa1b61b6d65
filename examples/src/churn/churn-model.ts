import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import type { ChurnFeatures } from './churn-features.ts'

/** The model as model.json holds it; checked when loaded so a bad edit fails with the field named. */
const churnModelSchema = z.object({
  version: z.string().min(1),
  intercept: z.number(),
  coefficients: z.strictObject({
    days_active_28d: z.number(),
    log_messages_sent_28d: z.number(),
    days_since_last_seen: z.number(),
    platform_android: z.number(),
    platform_web: z.number(),
    paid: z.number(),
  }),
  /** Lowest probability of each segment above `low`. */
  segments: z
    .strictObject({ medium: z.number().min(0).max(1), high: z.number().min(0).max(1) })
    .refine((s) => s.medium < s.high, { error: 'medium must be below high' }),
})

export type ChurnModel = z.output<typeof churnModelSchema>

export const defaultModelPath = new URL('./model.json', import.meta.url)

/**
 * Reads and checks a churn model (the repo's `model.json` by default).
 *
 * @example
 * const model = await loadChurnModel()
 */
export async function loadChurnModel(path: string | URL = defaultModelPath): Promise<ChurnModel> {
  const value: unknown = JSON.parse(await readFile(path, 'utf8'))
  const parsed = churnModelSchema.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new Error(`${String(path)}: ${issue?.path.join('.') || 'model'} ${issue?.message ?? 'is invalid'}`)
  }
  return parsed.data
}

const dayMs = 86_400_000

/**
 * The probability that a user churns: the logistic of the model's linear score. Messages enter as
 * log(1 + n), since the 200th message says less than the 2nd; days since last seen count from
 * `asOf` (the export day).
 *
 * @example
 * churnProbability(user, model, '2026-11-02') // 0.27
 */
export function churnProbability(user: ChurnFeatures, model: ChurnModel, asOf: string): number {
  const c = model.coefficients
  const daysSince = Math.max(
    0,
    (Date.parse(`${asOf}T00:00:00Z`) - Date.parse(`${user.last_seen}T00:00:00Z`)) / dayMs,
  )
  const z =
    model.intercept +
    c.days_active_28d * user.days_active_28d +
    c.log_messages_sent_28d * Math.log1p(user.messages_sent_28d) +
    c.days_since_last_seen * daysSince +
    (user.platform === 'android' ? c.platform_android : 0) +
    (user.platform === 'web' ? c.platform_web : 0) +
    (user.paid ? c.paid : 0)
  return 1 / (1 + Math.exp(-z))
}
