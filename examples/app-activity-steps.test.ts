import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runStep } from '@steward/pipelines/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { appActivityDaily } from './pipelines/app-activity-daily.ts'
import { recordingWarehouse } from './src/warehouse/recording-warehouse.ts'

// The steps write under STEWARD_HOME (through env.ts): point it at a temporary folder.
let home = ''
let previousHome: string | undefined
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'steward-examples-steps-'))
  previousHome = process.env.STEWARD_HOME
  process.env.STEWARD_HOME = home
})
afterAll(async () => {
  if (previousHome === undefined) delete process.env.STEWARD_HOME
  else process.env.STEWARD_HOME = previousHome
  await rm(home, { recursive: true, force: true })
})

/** An access-log line as the web servers write it (README: "Access logs"). */
const request = (fields: { host: string; path: string; user_agent: string; user_id?: string }) =>
  JSON.stringify({
    timestamp: '2026-11-02T09:15:00.000Z',
    ip: '203.0.113.7',
    method: 'GET',
    response_code: 200,
    latency: 0.042,
    content_length: 512,
    referer: null,
    request_id: 'req-1',
    ...fields,
  })

describe('app-activity.daily, one step at a time', () => {
  it('count counts a hand-written log: bots removed, a cut-off line skipped, rows per host', async () => {
    const logPath = join(home, 'day.jsonl')
    const phone = 'ExampleApp/5.3.0 (Linux; Android 14; Pixel 8) okhttp/4.12.0'
    await writeFile(
      logPath,
      [
        request({ host: 'web-1', path: '/api/feed', user_agent: phone, user_id: 'u_1' }),
        request({ host: 'web-1', path: '/api/feed', user_agent: phone, user_id: 'u_2' }),
        request({ host: 'web-2', path: '/api/messages', user_agent: phone, user_id: 'u_1' }),
        request({ host: 'web-2', path: '/', user_agent: 'Mozilla/5.0 (compatible; bingbot/2.0)' }),
        '{"timestamp":"2026-11-02T09:16:00.000Z","method":"GET","pa',
      ].join('\n'),
    )
    const result = await runStep(appActivityDaily, 'count', {
      partition: '2026-11-02',
      upstream: { extract: { day: '2026-11-02', logPath } },
    })
    expect(result.output).toMatchObject({ day: '2026-11-02', rows: 3, botsRemoved: 1 })
    const metric = (name: string) => result.metrics.filter((m) => m.name === name)
    expect(metric('rows').map((m) => [m.labels.host, m.value])).toEqual([
      ['web-1', 2],
      ['web-2', 1],
    ])
    expect(metric('bots_removed').map((m) => m.value)).toEqual([1])
    expect(metric('malformed_lines').map((m) => m.value)).toEqual([1])
    expect(result.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'skipped malformed log lines' }),
    )
  })

  it('publish makes a counts file what consumers read, names it in latest.json, and writes the day per host', async () => {
    const countsPath = join(home, 'counts.csv')
    const counts = [
      'hour,platform,host,action,requests,errors,users',
      '2026-11-02T09:00:00.000Z,ios,web-1,view,5,1,3',
      '2026-11-02T10:00:00.000Z,ios,web-1,like,2,0,2',
      '2026-11-02T09:00:00.000Z,web,web-10,view,4,0,1',
      '2026-11-02T09:00:00.000Z,android,web-2,message,3,0,2',
      '',
    ].join('\n')
    await writeFile(countsPath, counts)
    const warehouse = recordingWarehouse()
    const result = await runStep(appActivityDaily, 'publish', {
      partition: '2026-11-02',
      upstream: {
        count: {
          day: '2026-11-02',
          countsPath,
          eventsPath: join(home, 'events.jsonl'),
          rows: 14,
          tableRows: 4,
          botsRemoved: 1,
        },
      },
      sql: { warehouse },
    })
    expect(result.output.day).toBe('2026-11-02')
    expect(await readFile(result.output.path, 'utf8')).toBe(counts)
    expect(JSON.parse(await readFile(result.output.manifestPath, 'utf8'))).toMatchObject({
      day: '2026-11-02',
      rows: 4,
    })
    // The day's rows replace whatever the day held: summed over hours and actions, hosts in order.
    const [, , remove, insert] = warehouse.statements
    expect(remove).toEqual({
      text: 'delete from analytics.daily_activity where day = cast($1 as date)',
      params: ['2026-11-02'],
    })
    expect(insert?.text).toBe(
      'insert into analytics.daily_activity (day, host, platform, requests, errors, loaded_at) values ($1, $2, $3, $4, $5, $6), ($7, $8, $9, $10, $11, $12), ($13, $14, $15, $16, $17, $18)',
    )
    const loadedAt = insert?.params[5]
    expect(loadedAt).toBeInstanceOf(Date)
    expect(insert?.params).toEqual([
      ...['2026-11-02', 'web-1', 'ios', 7, 1, loadedAt],
      ...['2026-11-02', 'web-2', 'android', 3, 0, loadedAt],
      ...['2026-11-02', 'web-10', 'web', 4, 0, loadedAt],
    ])
    expect(result.output.tableRows).toBe(3)
    expect(result.metrics).toContainEqual(expect.objectContaining({ name: 'daily_activity_rows', value: 3 }))
  })
})
