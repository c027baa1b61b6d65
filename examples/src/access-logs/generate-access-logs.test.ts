import { describe, expect, it } from 'vitest'
import type { AccessLogLine } from './access-log-line.ts'
import { generateAccessLogs, parseDay } from './generate-access-logs.ts'

const day = '2026-11-02' // a Monday
const lines = generateAccessLogs({ seed: 7, day })

function byHour(of: readonly AccessLogLine[]): number[] {
  const hours = new Array<number>(24).fill(0)
  for (const line of of) {
    const hour = Number(line.timestamp.slice(11, 13))
    hours[hour] = (hours[hour] ?? 0) + 1
  }
  return hours
}

describe('generateAccessLogs', () => {
  it('is deterministic: the same seed and day give the same lines, another seed others', () => {
    const again = generateAccessLogs({ seed: 7, day })
    expect(JSON.stringify(again)).toBe(JSON.stringify(lines))
    expect(generateAccessLogs({ seed: 8, day })[0]).not.toEqual(lines[0])
  })

  it('writes about 50k lines a day, in time order, all inside the day', () => {
    expect(lines.length).toBeGreaterThan(40_000)
    expect(lines.length).toBeLessThan(60_000)
    for (let i = 1; i < lines.length; i++) {
      expect((lines[i]?.timestamp ?? '') >= (lines[i - 1]?.timestamp ?? '')).toBe(true)
    }
    expect(lines[0]?.timestamp.startsWith(day)).toBe(true)
    expect(lines[lines.length - 1]?.timestamp.startsWith(day)).toBe(true)
  })

  it('writes lines shaped like the spec: user or session, ip, method, path, code, latency, size, agent, referer, id, host', () => {
    const line = lines.find((l) => l.method === 'POST' && l.path === '/api/messages')
    expect(line).toMatchObject({
      timestamp: expect.stringMatching(/^2026-11-02T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      user_id: expect.stringMatching(/^u_\d+$/),
      ip: expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/),
      response_code: expect.any(Number),
      latency: expect.any(Number),
      content_length: expect.any(Number),
      user_agent: expect.any(String),
      request_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
      host: expect.stringMatching(/^web-(10|[1-9])$/),
    })
    expect(Object.keys(JSON.parse(JSON.stringify(line)))[0]).toBe('timestamp')
    const anonymous = lines.filter((l) => l.user_id === undefined && l.session !== undefined)
    expect(anonymous.length).toBeGreaterThan(500)
    expect(new Set(lines.map((l) => l.host)).size).toBe(10)
    // Sign-ups carry both: the visitor's session and the new user's id.
    const signUp = lines.find((l) => l.path === '/api/users' && l.response_code === 201)
    expect(signUp?.session).toMatch(/^s_[0-9a-f]{16}$/)
    expect(signUp?.user_id).toMatch(/^u_\d+$/)
  })

  it('has iOS, Android, web and bot traffic', () => {
    const agents = lines.map((l) => l.user_agent)
    expect(agents.some((a) => a.includes('iPhone'))).toBe(true)
    expect(agents.some((a) => a.includes('Android') && !a.includes('Googlebot'))).toBe(true)
    expect(agents.some((a) => a.includes('Windows NT'))).toBe(true)
    const bots = agents.filter((a) => /bot|curl|python-requests|HeadlessChrome|facebookexternalhit/i.test(a))
    expect(bots.length / lines.length).toBeGreaterThan(0.03)
    expect(bots.length / lines.length).toBeLessThan(0.08)
  })

  it('has a daily cycle: the evening is far busier than the night', () => {
    const hours = byHour(lines)
    const evening = (hours[19] ?? 0) + (hours[20] ?? 0) + (hours[21] ?? 0)
    const night = (hours[2] ?? 0) + (hours[3] ?? 0) + (hours[4] ?? 0)
    expect(evening).toBeGreaterThan(night * 8)
  })

  it('has a weekly cycle: Saturday is busier than Tuesday', () => {
    const saturday = generateAccessLogs({ seed: 7, day: '2026-11-07' }).length
    const tuesday = generateAccessLogs({ seed: 7, day: '2026-11-03' }).length
    expect(saturday).toBeGreaterThan(tuesday * 1.15)
  })

  it('silencing a host removes exactly its lines from that time on, and nothing else', () => {
    const from = new Date('2026-11-02T14:00:00.000Z')
    const silenced = generateAccessLogs({ seed: 7, day, silence: { host: 'web-3', from } })
    const expected = lines.filter((l) => !(l.host === 'web-3' && l.timestamp >= from.toISOString()))
    expect(silenced).toEqual(expected)
    expect(lines.length - silenced.length).toBeGreaterThan(1000)
    expect(silenced.some((l) => l.host === 'web-3' && l.timestamp < '2026-11-02T14')).toBe(true)
  })

  it('follows new users across days: a user who signed up earlier shows up later with their first photo', () => {
    const signUps = new Set(
      lines.filter((l) => l.path === '/api/users' && l.response_code === 201).map((l) => l.user_id),
    )
    const nextDay = generateAccessLogs({ seed: 7, day: '2026-11-03' })
    const photos = nextDay.filter((l) => l.path === '/api/photos' && signUps.has(l.user_id))
    expect(photos.length).toBeGreaterThan(10)
  })
})

describe('parseDay', () => {
  it('reads YYYY-MM-DD and refuses anything else', () => {
    expect(parseDay('2026-11-02')).toBe(Date.UTC(2026, 10, 2))
    expect(() => parseDay('2026-02-30')).toThrow(/not a day/)
    expect(() => parseDay('02.11.2026')).toThrow(/YYYY-MM-DD/)
  })
})
