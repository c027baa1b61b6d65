import { StewardError } from '@steward/kernel'
import { describe, expect, it } from 'vitest'
import { reportError } from '../src/output/report-error.ts'

function report(error: unknown, debug = false) {
  const written: string[] = []
  const code = reportError(error, debug, (line) => written.push(line))
  return { code, written }
}

describe('reportError', () => {
  it('prints a StewardError as its message alone', () => {
    const { code, written } = report(new StewardError('SETTING_INVALID', 'PORT must be a port number'))
    expect(code).toBe(1)
    expect(written).toEqual(['steward: PORT must be a port number'])
  })

  it('keeps an unexpected error to one line, without secrets, and points at STEWARD_DEBUG', () => {
    const { code, written } = report(new Error('boom at\npostgres://app:hunter2@db.internal/app\n'))
    expect(code).toBe(1)
    expect(written).toEqual([
      'steward: boom at postgres://app:***@db.internal/app (set STEWARD_DEBUG=1 to see the stack)',
    ])
  })

  it('shows the stack and causes with STEWARD_DEBUG=1', () => {
    const cause = new Error('socket hang up')
    const { written } = report(new Error('request failed', { cause }), true)
    expect(written[0]).toBe('steward: request failed')
    expect(written.join('\n')).toMatch(/^\s+at /m)
    expect(written.join('\n')).toContain('caused by: Error: socket hang up')
  })
})
