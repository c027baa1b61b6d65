/**
 * What a warehouse would bill for scanning `bytes`, at `usdPerMb` per MB (10^6 bytes): the demo
 * reads local files, but reports cost as a warehouse-backed pipeline would, so the cost pages have
 * real numbers.
 *
 * @example
 * warehouseScanCost(2_500_000, 0.00005) // { usd: 0.000125, item: 'warehouse scan', quantity: 2.5, unit: 'warehouse-mb' }
 */
export function warehouseScanCost(bytes: number, usdPerMb: number) {
  const mb = bytes / 1_000_000
  return {
    usd: mb * usdPerMb,
    item: 'warehouse scan',
    quantity: Math.round(mb * 1000) / 1000,
    unit: 'warehouse-mb',
  }
}
