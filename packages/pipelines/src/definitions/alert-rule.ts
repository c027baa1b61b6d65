/**
 * Alert rules attached to products and pipelines. The alerts package defines them (`onFailure()`,
 * `volume({ … })`…), checks them and evaluates them; definitions carry them and deploy stores their
 * JSON in `products.alert_rules` and `pipelines.alert_rules`.
 */
export type { AlertRule } from '../rules/index.ts'
