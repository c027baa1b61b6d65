import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Database, TokenScope } from '@steward/db'
import { textProblem } from '@steward/kernel'
import type { Kysely } from 'kysely'
import { usageError } from '../errors.ts'

/**
 * Bearer tokens of the HTTP API, one per source (a BI tool, a service, a CI job). The token is
 * shown once, at creation; only its sha256 is stored, so a database dump yields no usable token.
 * Scopes: `ingest` sends events (the API and the pixel), `read` reads runs, series and cost,
 * `operate` starts and changes runs, backfills, schedules and incidents. A token may be limited to
 * products (`products`), and then acts on and reads only them, their pipelines and their runs.
 */
export const tokenScopes: readonly TokenScope[] = ['ingest', 'read', 'operate']

/** What `listTokens` shows: never the token or its hash. */
export interface TokenInfo {
  id: string
  name: string
  scopes: TokenScope[]
  /** The products the token is limited to; null for every product. */
  products: string[] | null
  createdAt: Date
  lastUsedAt: Date | null
  revokedAt: Date | null
}

export interface CreatedToken extends TokenInfo {
  /** The secret itself (`stw_…`): print it once, it cannot be read back. */
  token: string
}

const tokenPrefix = 'stw_'

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export async function createToken(
  db: Kysely<Database>,
  options: { name: string; scopes: readonly TokenScope[]; products?: readonly string[] | undefined },
): Promise<CreatedToken> {
  const name = options.name.trim()
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) {
    throw usageError(
      'USAGE_QUERY_INVALID',
      `token name "${options.name}" must be 1–64 letters, digits, _ . - (e.g. looker-prod)`,
    )
  }
  const scopes = [...new Set(options.scopes)]
  if (scopes.length === 0 || scopes.some((s) => !tokenScopes.includes(s))) {
    throw usageError(
      'USAGE_QUERY_INVALID',
      `token scopes must be ingest, read and/or operate (got ${scopes.join(', ') || 'none'})`,
    )
  }
  const products = await deployedProducts(db, options.products)
  const token = `${tokenPrefix}${randomBytes(32).toString('base64url')}`
  try {
    const row = await db
      .insertInto('api_tokens')
      .values({ id: randomUUID(), name, token_hash: hashToken(token), scopes, product_ids: products })
      .returningAll()
      .executeTakeFirstOrThrow()
    return { ...toInfo(row), token }
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      throw usageError(
        'TOKEN_NAME_TAKEN',
        `a token named "${name}" exists: revoke it first or pick another name`,
        error,
      )
    }
    throw error
  }
}

/** The distinct products of a limit, each deployed; null (every product) when none is given. */
async function deployedProducts(
  db: Kysely<Database>,
  wanted: readonly string[] | undefined,
): Promise<string[] | null> {
  if (!wanted || wanted.length === 0) return null
  const products = [...new Set(wanted.map((id) => id.trim()))]
  // An id PostgreSQL cannot store names no product: it is not sent, only reported unknown.
  const storable = products.filter((id) => textProblem(id) === undefined)
  const known = new Set(
    storable.length === 0
      ? []
      : (await db.selectFrom('products').select('id').where('id', 'in', storable).execute()).map((r) => r.id),
  )
  const unknown = products.filter((id) => !known.has(id))
  if (unknown.length > 0) {
    throw usageError(
      'USAGE_QUERY_INVALID',
      `no product ${unknown.map((id) => `"${id}"`).join(', ')} is deployed: a token is limited to deployed products (steward list)`,
    )
  }
  return products.sort()
}

/** Every token, active ones first, newest first. */
export async function listTokens(db: Kysely<Database>): Promise<TokenInfo[]> {
  const rows = await db
    .selectFrom('api_tokens')
    .selectAll()
    .orderBy((eb) => eb('revoked_at', 'is', null), 'desc')
    .orderBy('created_at', 'desc')
    .execute()
  return rows.map(toInfo)
}

/** Revokes the active token with this name, or the token with this id. Takes effect on the next request. */
export async function revokeToken(db: Kysely<Database>, nameOrId: string): Promise<TokenInfo> {
  const isUuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(nameOrId)
  const row = await db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('revoked_at', 'is', null)
    .where((eb) =>
      isUuid ? eb.or([eb('id', '=', nameOrId), eb('name', '=', nameOrId)]) : eb('name', '=', nameOrId),
    )
    .returningAll()
    .executeTakeFirst()
  if (!row)
    throw usageError(
      'TOKEN_NOT_FOUND',
      `no active token is named or has the id "${nameOrId}" (steward tokens list)`,
    )
  return toInfo(row)
}

/**
 * The token behind a bearer secret, if it is active and has `scope`; else a TOKEN_* error whose
 * message never repeats the secret. Records when it was last used, at most once a minute.
 */
export async function verifyToken(
  db: Kysely<Database>,
  token: string,
  scope: TokenScope,
): Promise<TokenInfo> {
  if (!token.startsWith(tokenPrefix))
    throw usageError('TOKEN_INVALID', 'the bearer token is not a Steward token (stw_…)')
  const row = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst()
  if (!row)
    throw usageError('TOKEN_INVALID', 'the bearer token is unknown: create one with `steward tokens create`')
  if (row.revoked_at) throw usageError('TOKEN_REVOKED', `the token "${row.name}" was revoked`)
  if (!row.scopes.includes(scope)) {
    throw usageError(
      'TOKEN_SCOPE',
      `the token "${row.name}" lacks the ${scope} scope (it has ${row.scopes.join(', ')})`,
    )
  }
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: new Date() }).where('id', '=', row.id).execute()
  }
  return toInfo(row)
}

function toInfo(row: {
  id: string
  name: string
  scopes: TokenScope[]
  product_ids: string[] | null
  created_at: Date
  last_used_at: Date | null
  revoked_at: Date | null
}): TokenInfo {
  return {
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    products: row.product_ids,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  }
}
