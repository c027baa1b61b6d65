/**
 * The cost model (`costs` in steward.config.ts, the `CostRates` of @steward/pipelines): compute is
 * priced per worker-hour by worker class; what steps report by quantity is priced per unit.
 * The defaults below apply where the config says nothing; docs/cost-model.md explains them.
 */
export interface CostModel {
  /** US dollars per hour of a worker, by worker class; `default` prices classes not listed. */
  workerHourUsd: Record<string, number>
  /** US dollars per unit of what steps report (`warehouse-mb`, `api-call`…). */
  units?: Record<string, number>
}

export const defaultCostModel = {
  // A 2-vCPU / 4 GB on-demand cloud VM runs about $0.05–0.10 an hour; a "large" 8-vCPU / 32 GB about $0.40.
  workerHourUsd: { default: 0.08, large: 0.4 },
  units: {
    // On-demand warehouse scans are priced about $5–6.25 per TB: $0.000006 per MB.
    'warehouse-mb': 0.000006,
    'warehouse-gb': 0.006,
    // Object-storage egress, about $0.09 per GB.
    'egress-gb': 0.09,
  },
} as const satisfies CostModel

/** The model in force: the project's rates over the defaults, unit by unit. */
export function resolveCostModel(model?: CostModel): Required<CostModel> {
  return {
    workerHourUsd: { ...defaultCostModel.workerHourUsd, ...model?.workerHourUsd },
    units: { ...defaultCostModel.units, ...model?.units },
  }
}

/** Compute cost of `seconds` of a worker of `workerClass` (the class's rate, else `default`). */
export function computeCostUsd(model: CostModel, workerClass: string, seconds: number): number {
  const rate = model.workerHourUsd[workerClass] ?? model.workerHourUsd.default ?? 0
  return (Math.max(0, seconds) / 3600) * rate
}

/** Cost of a reported quantity, or undefined when the model has no rate for the unit. */
export function unitCostUsd(model: CostModel, unit: string, quantity: number): number | undefined {
  const rate = model.units?.[unit]
  return rate === undefined ? undefined : Math.max(0, quantity) * rate
}
