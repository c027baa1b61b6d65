import type { TokenScope } from '@steward/db'
import { type TokenInfo, usageError, verifyToken } from '@steward/usage'
import { getDb } from '../db.ts'

/**
 * The API token of a request: `Authorization: Bearer stw_…`, or `?token=` where a header cannot be
 * set (the pixel). Throws TOKEN_* errors (401/403) when it is missing, unknown, revoked or lacks
 * `scope`.
 */
export async function authorize(
  request: Request,
  scope: TokenScope,
  queryToken?: string | null,
): Promise<TokenInfo> {
  const header = request.headers.get('authorization') ?? ''
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  const token = match?.[1] ?? queryToken ?? undefined
  if (!token) {
    throw usageError(
      'TOKEN_INVALID',
      `send an API token with the ${scope} scope: "Authorization: Bearer stw_…"`,
    )
  }
  const { db } = await getDb()
  return verifyToken(db, token, scope)
}
