import { describe, expect, test } from 'vitest'
import { escapeXml, formatUsd, humaniseDuration, noun } from '../src/lib/format.ts'

describe('humaniseDuration', () => {
  test.each([
    [8 * 86_400, '8 days'],
    [86_400, '1 day'],
    [36 * 3_600, '1 day 12 hours'],
    [5_400, '1 hour 30 minutes'],
    [3_600, '1 hour'],
    [45 * 60, '45 minutes'],
    [90, '1 minute 30 seconds'],
    [1, '1 second'],
    [0, '0 seconds'],
    // 23 h 59 min 50 s rounds its minutes to 60: say "1 day", not "23 hours 60 minutes".
    [86_390, '1 day'],
  ])('%i s → %s', (seconds, expected) => {
    expect(humaniseDuration(seconds)).toBe(expected)
  })
})

describe('formatUsd', () => {
  test.each([
    ['200.00', '$200'],
    ['1250.50', '$1,250.50'],
    ['0', '$0'],
    [12_000, '$12,000'],
  ])('%s → %s', (amount, expected) => {
    expect(formatUsd(amount)).toBe(expected)
  })
})

test('noun', () => {
  expect(noun(1, 'pipeline')).toBe('pipeline')
  expect(noun(2, 'pipeline')).toBe('pipelines')
  expect(noun(0, 'person', 'people')).toBe('people')
})

describe('escapeXml', () => {
  test('escapes what would break SVG markup written as a string', () => {
    expect(escapeXml(`R&D <"Q4"> 'cube'`)).toBe('R&#38;D &#60;&#34;Q4&#34;&#62; &#39;cube&#39;')
    expect(escapeXml('plain name 42')).toBe('plain name 42')
  })
})
