import { describe, expect, test } from 'vitest'
import { alertsHref, parseAlertsFilter } from './alerts-filter.ts'

describe('alerts filter in the query string', () => {
  test('reads product, status and page, with defaults for anything missing or odd', () => {
    expect(parseAlertsFilter({})).toEqual({ product: undefined, status: 'all', page: 1 })
    expect(parseAlertsFilter({ product: ' churn ', status: 'resolved', page: '3' })).toEqual({
      product: 'churn',
      status: 'resolved',
      page: 3,
    })
    expect(parseAlertsFilter({ status: 'bogus', page: '-2', product: '' })).toEqual({
      product: undefined,
      status: 'all',
      page: 1,
    })
    expect(parseAlertsFilter({ status: ['open', 'resolved'], page: 'x' }).status).toBe('open')
    expect(parseAlertsFilter({ open: '3' }).openPage).toBe(3)
    expect(parseAlertsFilter({ open: 'all' }).openPage).toBeUndefined()
    expect(parseAlertsFilter({ open: '1' }).openPage).toBeUndefined()
  })

  test('writes the shortest URL that round-trips', () => {
    const filter = parseAlertsFilter({ product: 'a b&c', status: 'open', page: '2' })
    const href = alertsHref(filter)
    expect(href).toBe('/alerts?product=a+b%26c&status=open&page=2')
    const back = Object.fromEntries(new URL(href, 'http://x').searchParams)
    expect(parseAlertsFilter(back)).toEqual(filter)
    expect(alertsHref(filter, { status: 'all', page: 1, product: undefined })).toBe('/alerts')
    expect(alertsHref(filter, { openPage: 2 })).toBe('/alerts?product=a+b%26c&status=open&page=2&open=2')
    expect(alertsHref(filter, { openPage: 1 })).toBe('/alerts?product=a+b%26c&status=open&page=2')
  })
})
