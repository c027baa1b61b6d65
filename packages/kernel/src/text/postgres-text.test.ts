import { describe, expect, it } from 'vitest'
import { findTextProblem, jsonDepth, postgresJson, postgresText, textProblem } from './postgres-text.ts'

const nul = '\u0000'
const lone = '\uD83D' // the first half of 😀, alone
const smile = '😀'

describe('postgresText', () => {
  it('replaces NUL and lone surrogates with U+FFFD and keeps pairs and other text', () => {
    expect(postgresText(`a${nul}b`)).toBe('a\uFFFDb')
    expect(postgresText(`x${lone}y`)).toBe('x\uFFFDy')
    expect(postgresText(`x\uDE00y`)).toBe('x\uFFFDy')
    expect(postgresText(`${lone}${lone}${smile}`)).toBe(`\uFFFD\uFFFD${smile}`)
    expect(postgresText('still,not valid — ünïcode')).toBe('still,not valid — ünïcode')
  })
})

describe('postgresJson', () => {
  it('replaces them in strings and keys at any depth, as JSON that parses', () => {
    const text = postgresJson({ [`k${nul}`]: [{ deep: `v${lone}` }, smile], plain: 'a\\u0000b' })
    expect(JSON.parse(text)).toEqual({ 'k\uFFFD': [{ deep: 'v\uFFFD' }, smile], plain: 'a\\u0000b' })
    expect(text).not.toMatch(/(?<!\\)(\\\\)*\\u0000/)
  })
  it('leaves an escaped backslash followed by "u0000" alone', () => {
    expect(JSON.parse(postgresJson(['\\u0000', `\\${nul}`]))).toEqual(['\\u0000', '\\\uFFFD'])
  })
  it('throws what JSON.stringify throws', () => {
    expect(() => postgresJson({ n: 1n })).toThrow(/BigInt/)
  })
})

describe('textProblem and findTextProblem', () => {
  it('say why and where', () => {
    expect(textProblem('fine')).toBeUndefined()
    expect(textProblem(`a${nul}`)).toMatch(/NUL/)
    expect(textProblem(`a${lone}`)).toMatch(/surrogate/)
    expect(findTextProblem({ a: [1, { b: `x${nul}` }] })).toEqual({
      path: 'a[1].b',
      problem: expect.stringMatching(/NUL/),
    })
    expect(findTextProblem({ [`k${lone}`]: 1 }, 'meta')?.problem).toMatch(/key/)
    expect(findTextProblem({ a: [smile, 'ok'] })).toBeUndefined()
  })
  it('walk a value nested far deeper than the call stack allows', () => {
    let deep: unknown = `x${nul}`
    for (let i = 0; i < 200_000; i++) deep = [deep]
    expect(findTextProblem(deep)?.problem).toMatch(/NUL/)
    expect(jsonDepth(deep, 64)).toBe(65)
    expect(jsonDepth({ a: [{}] })).toBe(3)
    expect(jsonDepth('x')).toBe(0)
  })
})
