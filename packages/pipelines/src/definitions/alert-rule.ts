/**
 * An alert rule attached to a pipeline. Opaque here on purpose: the alerts package defines the
 * rules (`onFailure()`, `volume({ … })`…) and their evaluation. Pipelines only carry them, and deploy
 * stores their JSON in `pipelines.alert_rules`.
 */
export interface AlertRule {
  readonly [key: string]: unknown
}
