import { migrateToLatest } from '@steward/db'
import { type TestDatabase, testBackends } from '@steward/db/testing'
import { verifyToken } from '@steward/usage'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lines, runSteward, stackLine } from './support/steward-process.ts'

/** `steward tokens` against a real PostgreSQL database, through the real binary. */
describe('steward tokens', () => {
  const postgres = testBackends.find((backend) => backend.name === 'postgres') ?? testBackends[0]
  let database: TestDatabase
  beforeAll(async () => {
    if (!postgres) throw new Error('no test backend')
    database = await postgres.open()
    await migrateToLatest(database.db)
  })
  afterAll(async () => {
    await database?.dispose()
  })
  const env = () => ({ DATABASE_URL: database.url })

  it('creates a token that the API accepts, printed once on the last line', async () => {
    const created = await runSteward(
      ['tokens', 'create', '--name', 'looker-prod', '--scope', 'ingest', 'read'],
      env(),
    )
    expect(created.stderr).toBe('')
    expect(created.code).toBe(0)
    const out = lines(created.stdout)
    const token = out[out.length - 1] as string
    expect(token).toMatch(/^stw_[A-Za-z0-9_-]{43}$/)
    expect(out[0]).toMatch(
      /^created token looker-prod \([0-9a-f-]{36}\) with scope ingest, read for every product\.$/,
    )
    expect(await verifyToken(database.db, token, 'read')).toMatchObject({ name: 'looker-prod' })

    const listed = await runSteward(['tokens', 'list'], env())
    expect(listed.code).toBe(0)
    expect(listed.stdout).toMatch(/^looker-prod {2}[0-9a-f-]{36} {2}ingest,read {2}every product {2}active/m)
    expect(listed.stdout).not.toContain(token)

    const revoked = await runSteward(['tokens', 'revoke', 'looker-prod'], env())
    expect(revoked.code).toBe(0)
    expect(revoked.stdout).toMatch(/^revoked token looker-prod/)
    await expect(verifyToken(database.db, token, 'read')).rejects.toMatchObject({ code: 'TOKEN_REVOKED' })
    const after = await runSteward(['tokens', 'list', '--json'], env())
    expect(JSON.parse(after.stdout)).toEqual([
      expect.objectContaining({ name: 'looker-prod', revokedAt: expect.any(String) }),
    ])
  })

  it('limits a token to products, shows the limit, and audits creating and revoking', async () => {
    for (const id of ['shop', 'funnel'])
      await database.db
        .insertInto('products')
        .values({
          id,
          name: id,
          owners: '[]',
          stakeholders: '[]',
          links: '[]',
          tags: [],
          definition_hash: 'h',
        })
        .execute()
    const created = await runSteward(
      [
        'tokens',
        'create',
        '--name',
        'ci-shop',
        '--scope',
        'operate',
        'read',
        '--product',
        'shop',
        '--product',
        'funnel',
      ],
      env(),
    )
    expect(created.stderr).toBe('')
    expect(lines(created.stdout)[0]).toMatch(/with scope operate, read for products funnel, shop\.$/)
    const token = lines(created.stdout).at(-1) as string
    expect(await verifyToken(database.db, token, 'read')).toMatchObject({ products: ['funnel', 'shop'] })
    const listed = await runSteward(['tokens', 'list'], env())
    expect(listed.stdout).toMatch(
      /^ci-shop {2}[0-9a-f-]{36} {2}operate,read {2}products funnel, shop {2}active/m,
    )
    const json = await runSteward(['tokens', 'list', '--json'], env())
    expect(JSON.parse(json.stdout)).toContainEqual(
      expect.objectContaining({ name: 'ci-shop', products: ['funnel', 'shop'] }),
    )
    const unknown = await runSteward(['tokens', 'create', '--name', 'typo', '--product', 'shpo'], env())
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toBe(
      'steward: no product "shpo" is deployed: a token is limited to deployed products (steward list)\n',
    )
    expect((await runSteward(['tokens', 'revoke', 'ci-shop'], env())).code).toBe(0)

    const audit = await database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('target_id', '=', 'ci-shop')
      .orderBy('id')
      .execute()
    expect(audit).toMatchObject([
      {
        actor_kind: 'cli',
        actor: expect.stringMatching(/^.+@.+$/),
        via: 'cli',
        source: expect.stringMatching(/ pid \d+$/),
        action: 'token.create',
        target_kind: 'token',
        product_id: null,
        details: { scopes: ['operate', 'read'], products: ['funnel', 'shop'] },
      },
      { actor_kind: 'cli', action: 'token.revoke', target_kind: 'token' },
    ])
  })

  it('says what is wrong in one line: unknown token, bad scope, taken name', async () => {
    const unknown = await runSteward(['tokens', 'revoke', 'nobody'], env())
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toBe(
      'steward: no active token is named or has the id "nobody" (steward tokens list)\n',
    )
    const scope = await runSteward(['tokens', 'create', '--name', 'x', '--scope', 'admin'], env())
    expect(scope.code).toBe(1)
    expect(scope.stderr).toBe('steward: --scope must be ingest, read or operate (got "admin")\n')
    await runSteward(['tokens', 'create', '--name', 'dup'], env())
    const dup = await runSteward(['tokens', 'create', '--name', 'dup'], env())
    expect(lines(dup.stderr)).toEqual([
      'steward: a token named "dup" exists: revoke it first or pick another name',
    ])
    expect(dup.stderr).not.toMatch(stackLine)
  })
})
