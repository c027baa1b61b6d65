import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken, hashToken, listTokens, revokeToken, verifyToken } from './api-tokens.ts'

describe.each(testBackends)('API tokens on $name', (backend) => {
  let t: TestDatabase
  beforeAll(async () => {
    t = await backend.open()
    await migrateToLatest(t.db)
  })
  afterAll(async () => {
    await t?.dispose()
  })

  it('stores only the hash, checks the scope, and stops answering once revoked', async () => {
    const created = await createToken(t.db, { name: 'looker-prod', scopes: ['ingest'] })
    expect(created.token).toMatch(/^stw_[A-Za-z0-9_-]{43}$/)
    const row = await t.db.selectFrom('api_tokens').selectAll().executeTakeFirstOrThrow()
    expect(row.token_hash).toBe(hashToken(created.token))
    expect(JSON.stringify(row)).not.toContain(created.token)

    expect(await verifyToken(t.db, created.token, 'ingest')).toMatchObject({ name: 'looker-prod' })
    await expect(verifyToken(t.db, created.token, 'read')).rejects.toMatchObject({ code: 'TOKEN_SCOPE' })
    await expect(verifyToken(t.db, `${created.token}x`, 'ingest')).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    })
    await expect(verifyToken(t.db, 'Bearer nonsense', 'ingest')).rejects.toMatchObject({
      code: 'TOKEN_INVALID',
    })

    const revoked = await revokeToken(t.db, 'looker-prod')
    expect(revoked.revokedAt).toBeInstanceOf(Date)
    const error = await verifyToken(t.db, created.token, 'ingest').catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'TOKEN_REVOKED', message: 'the token "looker-prod" was revoked' })
    expect(String((error as Error).message)).not.toContain(created.token)
    await expect(revokeToken(t.db, 'looker-prod')).rejects.toMatchObject({ code: 'TOKEN_NOT_FOUND' })
  })

  it('lists tokens without secrets, frees a revoked name, and revokes by id', async () => {
    const a = await createToken(t.db, { name: 'looker-prod', scopes: ['ingest', 'read', 'read'] })
    expect(a.scopes).toEqual(['ingest', 'read'])
    await expect(createToken(t.db, { name: 'looker-prod', scopes: ['read'] })).rejects.toMatchObject({
      code: 'TOKEN_NAME_TAKEN',
    })
    await expect(createToken(t.db, { name: 'bad name', scopes: ['read'] })).rejects.toThrow(/token name/)
    const list = await listTokens(t.db)
    expect(list.map((x) => [x.name, x.revokedAt === null])).toEqual([
      ['looker-prod', true],
      ['looker-prod', false],
    ])
    expect(JSON.stringify(list)).not.toMatch(/stw_|token_hash/)
    await revokeToken(t.db, a.id)
    await expect(verifyToken(t.db, a.token, 'read')).rejects.toMatchObject({ code: 'TOKEN_REVOKED' })
  })
})
