import type { Duration } from '@steward/kernel'
import { z } from 'zod'
import { alertRuleIssues, type Severity } from '../rules/index.ts'
import type { AlertRule } from './alert-rule.ts'
import { type Branded, brand, isDefinitionOf } from './brand.ts'
import { callerFile } from './caller-file.ts'
import { check, duration, id, nonEmptyText, slackDestination, slackMention, text } from './option-schemas.ts'
import { type ReceiverOptions, receiverFields } from './receiver-options.ts'
import { type TableDecl, tableSchema } from './warehouse.ts'

export type Tier = 'gold' | 'silver' | 'bronze'

/** Who answers for a product, and where Slack (and any other receiver: `ReceiverOptions`) reaches them. */
export interface Owner extends ReceiverOptions {
  /** The team; in the web UI, members of the identity provider's group of this name act as owners. */
  team?: string
  name?: string
  /** A person's e-mail: signed in with it, they act as an owner in the web UI (run, cancel, ack). */
  email?: string
  /** `#channel`, a channel id (`C…`) or a user id (`U…`): where alerts about the product go. */
  slack: string
  /**
   * Whom the owners' alert message mentions (pings) by name: Slack user ids (`U…`) and user group
   * ids (`S…`, e.g. an on-call group). Handles such as `@maria` are refused: Slack needs the id.
   */
  mention?: readonly string[]
  /** The lowest severity whose alerts mention them. Default `'critical'` (failures), so warnings stay quiet. */
  mentionAt?: Severity
}

/** Who must hear about problems with a product without owning it. */
export interface Stakeholder extends ReceiverOptions {
  name: string
  slack?: string
}

export interface Link {
  title: string
  url: string
}

export interface ProductOptions {
  /** Stable id: lowercase words joined by `-`, `.` or `_`. Renaming it makes a new product. */
  id: string
  name: string
  description?: string
  /** At least one, each with a Slack destination. */
  owners: readonly Owner[]
  stakeholders?: readonly Stakeholder[]
  /** Markdown file, relative to the file that defines the product (`./docs/funnel.md`); deployed with the catalog. */
  docs?: string
  links?: readonly Link[]
  tier?: Tier
  tags?: readonly string[]
  /** The promise: data is never older than `maxAge` (a freshness alert fires when it is). */
  freshness?: { maxAge: Duration }
  budget?: { monthlyUsd: number }
  /**
   * The tables (or views) the product publishes: Steward watches them where they land (row count,
   * newest timestamp, columns) and runs their checks after the steps that write them.
   */
  tables?: readonly TableDecl[]
  /** Rules about the product as a whole (freshness, budget, digest…) or every pipeline of it (onFailure…). */
  alerts?: readonly AlertRule[]
}

export interface Product extends Readonly<ProductOptions>, Branded<'product'> {}

const productOptionsSchema = z.strictObject({
  id: id(),
  name: nonEmptyText(),
  description: text().optional(),
  owners: z
    .array(
      z.strictObject({
        team: text().optional(),
        name: text().optional(),
        email: z.email({ error: 'must be an e-mail address, e.g. "ana@example.com"' }).optional(),
        slack: slackDestination(),
        ...receiverFields,
        mention: z
          .array(slackMention(), {
            error: 'must be a list of Slack ids to mention, e.g. ["U024BE7LH", "S0123ABCD"]',
          })
          .optional(),
        mentionAt: z
          .enum(['critical', 'warning', 'info'], { error: 'must be "critical", "warning" or "info"' })
          .optional(),
      }),
      { error: 'must be a list of owners, e.g. [{ team: "growth-data", slack: "#growth-data" }]' },
    )
    .min(1, {
      error:
        'needs at least one owner with a Slack destination, e.g. { team: "growth-data", slack: "#growth-data" }',
    }),
  stakeholders: z
    .array(z.strictObject({ name: nonEmptyText(), slack: slackDestination().optional(), ...receiverFields }))
    .optional(),
  docs: text('a path to a markdown file, e.g. "./docs/funnel.md"')
    .regex(/\.(md|markdown)$/i, { error: 'must name a markdown file (.md), e.g. "./docs/funnel.md"' })
    .optional(),
  links: z
    .array(z.strictObject({ title: nonEmptyText(), url: z.url({ error: 'must be a URL' }) }))
    .optional(),
  tier: z.enum(['gold', 'silver', 'bronze'], { error: 'must be "gold", "silver" or "bronze"' }).optional(),
  tags: z.array(nonEmptyText()).optional(),
  freshness: z.strictObject({ maxAge: duration({ positive: true }) }).optional(),
  budget: z
    .strictObject({ monthlyUsd: z.number({ error: 'must be a number of US dollars' }).nonnegative() })
    .optional(),
  tables: z
    .array(tableSchema, { error: 'must be a list of tables, e.g. [{ name: "analytics.daily_activity" }]' })
    .optional(),
  // Checked by the alerts package (alertRuleIssues), which names each rule's field.
  alerts: z.unknown().optional(),
})

/**
 * Declares a data product: what it is, who owns it, who depends on it, and what it promises.
 * Inert data: the options are checked here, and problems are reported by `steward validate`
 * with this file named.
 *
 * @example
 * export const funnel = defineProduct({
 *   id: 'weekly-signup-funnel',
 *   name: 'Weekly signup funnel',
 *   owners: [{ team: 'growth-data', slack: '#growth-data' }],
 *   stakeholders: [{ name: 'Growth PMs', slack: '#growth' }],
 *   docs: './docs/weekly-signup-funnel.md',
 *   tier: 'gold',
 *   freshness: { maxAge: '8d' },
 *   budget: { monthlyUsd: 200 },
 * })
 */
export function defineProduct(options: ProductOptions): Product {
  const definedIn = callerFile(defineProduct)
  const issues = check(productOptionsSchema, options)
  if (typeof options === 'object' && options !== null && options.alerts !== undefined) {
    issues.push(...alertRuleIssues(options.alerts, 'product'))
  }
  return brand({ ...options }, { kind: 'product', issues, definedIn })
}

export function isProduct(value: unknown): value is Product {
  return isDefinitionOf(value, 'product')
}
