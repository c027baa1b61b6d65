import type { TokenScope } from '@steward/db'
import { type TokenInfo, usageError, verifyToken } from '@steward/usage'
import { rememberCaller } from '../api/api-caller.ts'
import { type ApiTarget, productsOfTarget } from '../api/api-target.ts'
import { getDb } from '../db.ts'

/**
 * The API token of a request: `Authorization: Bearer stw_…`, or `?token=` where a header cannot be
 * set (the pixel). Throws TOKEN_* errors (401/403) when it is missing, unknown, revoked, lacks
 * `scope`, or is limited to products and `target` is not one of theirs (`checkTokenProducts`).
 * The token is remembered as the request's caller, for the audit log.
 */
export async function authorize(
  request: Request,
  scope: TokenScope,
  options: { queryToken?: string | null; target?: ApiTarget | undefined } = {},
): Promise<TokenInfo> {
  const header = request.headers.get('authorization') ?? ''
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  const token = match?.[1] ?? options.queryToken ?? undefined
  if (!token) {
    throw usageError(
      'TOKEN_INVALID',
      `send an API token with the ${scope} scope: "Authorization: Bearer stw_…"`,
    )
  }
  const { db } = await getDb()
  const info = await verifyToken(db, token, scope)
  if (scope !== 'ingest') await checkTokenProducts(info, options.target)
  rememberCaller(request, { kind: 'token', token: info })
  return info
}

/**
 * A token limited to products acts on and reads only them: a target of another product is a 403
 * (TOKEN_PRODUCT), as is a route that names no target (it acts on every product). A target that
 * does not exist passes, and its route answers 404. Ingest tokens are checked event by event
 * (`ingestEvents`' `products`).
 */
async function checkTokenProducts(token: TokenInfo, target: ApiTarget | undefined): Promise<void> {
  if (!token.products || target === 'filtered') return
  const limit = `the token "${token.name}" is limited to the products ${token.products.join(', ')}`
  if (target === undefined) throw usageError('TOKEN_PRODUCT', `${limit}; this call acts on every product`)
  const { db } = await getDb()
  const others = (await productsOfTarget(db, target)).filter((id) => !token.products?.includes(id))
  if (others.length > 0) throw usageError('TOKEN_PRODUCT', `${limit}; this belongs to another product`)
}
