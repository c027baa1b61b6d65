import { isStewardError, redactUrl } from '@steward/kernel'
import { describe, expect, it } from 'vitest'
import { parseDatabaseUrl } from './database-url.ts'

function errorOf(fn: () => unknown): Error & { code?: string } {
  try {
    fn()
  } catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

describe('parseDatabaseUrl', () => {
  it('uses the embedded database when no URL is set', () => {
    expect(parseDatabaseUrl(undefined, '/h/db')).toEqual({ kind: 'embedded', dataDir: '/h/db' })
    expect(parseDatabaseUrl('  ', '/h/db')).toEqual({ kind: 'embedded', dataDir: '/h/db' })
  })

  it('accepts postgres:// and postgresql:// URLs', () => {
    expect(parseDatabaseUrl('postgres://u:p@db:5432/steward', '')).toEqual({
      kind: 'postgres',
      url: 'postgres://u:p@db:5432/steward',
    })
    expect(parseDatabaseUrl('postgresql://db/steward', '').kind).toBe('postgres')
  })

  it.each([
    ['not a url', /DATABASE_URL is not a valid URL/],
    ['mysql://db/steward', /DATABASE_URL must start with postgres:\/\//],
    ['postgres:///steward', /DATABASE_URL names no host/],
  ])('refuses %j with one line naming the setting', (url, message) => {
    const error = errorOf(() => parseDatabaseUrl(url, ''))
    expect(isStewardError(error) && error.code).toBe('DATABASE_URL_INVALID')
    expect(error.message).toMatch(message)
    expect(error.message).not.toContain('\n')
  })

  it('never repeats a password in its errors', () => {
    const error = errorOf(() => parseDatabaseUrl('mysql://admin:hunter2@db/steward', ''))
    expect(error.message).not.toContain('hunter2')
    const garbled = errorOf(() => parseDatabaseUrl('postgres://admin:hunter2@db:port/x', ''))
    expect(garbled.message).not.toContain('hunter2')
  })
})

describe('redactUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactUrl('postgres://admin:hunter2@db:5432/steward')).toBe('postgres://admin:***@db:5432/steward')
    expect(redactUrl('postgres://db/steward')).toBe('postgres://db/steward')
  })
})
