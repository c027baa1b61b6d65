import { defineConfig } from '@steward/pipelines'
import { warehouseConnection } from './env.ts'
import { warehouseUsdPerMb } from './src/example-settings.ts'

/** The example project `npm start` deploys: three data products and the pipelines that build them. */
export default defineConfig({
  definitions: ['products/*.ts', 'pipelines/*.ts'],
  // Where the published tables live: the embedded DuckDB file, or PostgreSQL when
  // EXAMPLES_WAREHOUSE_URL is set (README, "Tables").
  connections: { warehouse: warehouseConnection() },
  defaults: { retries: 1, timeout: '15m', backoff: { type: 'exponential', delay: '30s' } },
  costs: {
    workerHourUsd: { default: 0.08 },
    // The churn and funnel steps report scans by MB; the same rate prices them here.
    units: { 'warehouse-mb': warehouseUsdPerMb },
  },
  usage: { timezone: 'UTC', weekStartsOn: 'monday' },
})
