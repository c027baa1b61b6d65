import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChurnFeatures } from './churn-features.ts'
import { ChurnFileError } from './churn-file-error.ts'
import { type ChurnModel, churnProbability, loadChurnModel } from './churn-model.ts'
import { scoreChurnFile, validateChurnFile, writeSegmentSummary } from './score-churn-file.ts'
import { segmentOf, summarizeSegments } from './segment.ts'
import { warehouseScanCost } from './warehouse-cost.ts'
import { writeChurnFile } from './write-churn-file.ts'

const model: ChurnModel = {
  version: 'test',
  intercept: -1,
  coefficients: {
    days_active_28d: -0.1,
    log_messages_sent_28d: -0.5,
    days_since_last_seen: 0.2,
    platform_android: 0.3,
    platform_web: 0.6,
    paid: -1,
  },
  segments: { medium: 0.3, high: 0.6 },
}

const user: ChurnFeatures = {
  user_id: 'u_1',
  days_active_28d: 10,
  messages_sent_28d: Math.E - 1, // log1p = 1
  last_seen: '2026-10-28',
  platform: 'android',
  paid: false,
}

describe('churnProbability', () => {
  it('is the logistic of the linear score', () => {
    // z = -1 - 0.1·10 - 0.5·1 + 0.2·5 + 0.3 = -1.2
    expect(churnProbability(user, model, '2026-11-02')).toBeCloseTo(1 / (1 + Math.exp(1.2)), 12)
    // Paid, web, seen on the export day: z = -1 - 1 - 0.5 + 0 + 0.6 - 1 = -2.9
    expect(
      churnProbability(
        { ...user, platform: 'web', paid: true, last_seen: '2026-11-02' },
        model,
        '2026-11-02',
      ),
    ).toBeCloseTo(1 / (1 + Math.exp(2.9)), 12)
  })

  it('gives 0.5 when the score is 0', () => {
    const zero = {
      ...model,
      intercept: 0,
      coefficients: {
        ...model.coefficients,
        days_active_28d: 0,
        log_messages_sent_28d: 0,
        days_since_last_seen: 0,
        platform_android: 0,
      },
    }
    expect(churnProbability(user, zero, '2026-11-02')).toBe(0.5)
  })

  it('loads the repo’s model.json, and refuses a model with a missing coefficient', async () => {
    const repo = await loadChurnModel()
    expect(repo.segments.medium).toBeLessThan(repo.segments.high)
    const dir = await mkdtemp(join(tmpdir(), 'steward-model-'))
    try {
      const { paid: _paid, ...coefficients } = repo.coefficients
      await writeFile(join(dir, 'model.json'), JSON.stringify({ ...repo, coefficients }))
      await expect(loadChurnModel(join(dir, 'model.json'))).rejects.toThrow(/coefficients\.paid/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('segments', () => {
  it('bucket probabilities by the thresholds, a threshold going to the higher segment', () => {
    expect(segmentOf(0.1, model.segments)).toBe('low')
    expect(segmentOf(0.3, model.segments)).toBe('medium')
    expect(segmentOf(0.59, model.segments)).toBe('medium')
    expect(segmentOf(0.6, model.segments)).toBe('high')
  })

  it('summarise users, paid users, mean probability and expected churners, listing empty segments', () => {
    expect(
      summarizeSegments([
        { user_id: 'a', probability: 0.1, segment: 'low', paid: true },
        { user_id: 'b', probability: 0.2, segment: 'low', paid: false },
        { user_id: 'c', probability: 0.8, segment: 'high', paid: false },
        { user_id: 'd', probability: 0.9, segment: 'high', paid: true },
      ]),
    ).toEqual([
      { segment: 'low', users: 2, share: 0.5, paid_users: 1, mean_probability: 0.15, expected_churners: 0.3 },
      { segment: 'medium', users: 0, share: 0, paid_users: 0, mean_probability: null, expected_churners: 0 },
      {
        segment: 'high',
        users: 2,
        share: 0.5,
        paid_users: 1,
        mean_probability: 0.85,
        expected_churners: 1.7,
      },
    ])
  })
})

describe('warehouseScanCost', () => {
  it('bills MB read at the rate', () => {
    expect(warehouseScanCost(2_500_000, 0.00005)).toEqual({
      usd: 0.000125,
      item: 'warehouse scan',
      quantity: 2.5,
      unit: 'warehouse-mb',
    })
  })
})

describe('scoring a file', () => {
  let dir = ''
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'steward-churn-'))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('validates, scores and summarises a generated export', async () => {
    const file = await writeChurnFile(dir, { seed: 5, users: 3_000, asOf: '2026-11-02' })
    const validated = await validateChurnFile(file)
    expect(validated).toMatchObject({ users: 3_000, asOf: '2026-11-02' })
    const scored = await scoreChurnFile({ file, model: await loadChurnModel(), outDir: join(dir, 'out') })
    expect(scored.users).toBe(3_000)
    expect((await readFile(scored.scoresPath, 'utf8')).split('\n')[0]).toBe(
      'user_id,probability,segment,paid',
    )
    const { segments } = await writeSegmentSummary({
      scoresPath: scored.scoresPath,
      outDir: join(dir, 'out'),
    })
    expect(segments.reduce((sum, s) => sum + s.users, 0)).toBe(3_000)
    // A realistic spread: every segment has users.
    for (const segment of segments) expect(segment.users).toBeGreaterThan(100)
  })

  it('fails a broken export naming the file, line and column', async () => {
    const file = await writeChurnFile(dir, { seed: 5, users: 100, asOf: '2026-11-02', breakLine: 17 })
    const error = await validateChurnFile(file).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ChurnFileError)
    expect((error as ChurnFileError).message).toBe(
      'churn-2026-11-02-broken.csv line 17, column 3 (messages_sent_28d): "n/a" is not a whole number of 0 or more',
    )
  })
})
