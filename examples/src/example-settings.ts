/**
 * Settings the example pipelines share. The seed makes every environment generate the same logs,
 * so a demo, a test and a bug report see the same numbers.
 */
export const exampleSeed = 20_261_102

/** About 50k log lines on an average day. */
export const linesPerDay = 50_000

/** US dollars per MB a warehouse would bill for a scan; steward.config.ts declares the same rate. */
export const warehouseUsdPerMb = 0.00005
