import { isStewardError } from '@steward/kernel'
import { authSettings, settings } from '#env.ts'
import { authorizeOperation } from '../auth/authorize.ts'
import { currentViewer } from '../auth/current-viewer.ts'
import { refuseCrossOrigin } from '../auth/same-origin.ts'
import { getDb } from '../db.ts'
import { authorize } from '../usage/authorize.ts'
import { rememberCaller } from './api-caller.ts'
import { apiError, apiErrorFrom } from './api-error.ts'
import type { ApiTarget } from './api-target.ts'

/**
 * Who may call the runs, backfills, events and incidents API, checked in this order:
 * - a request with `Authorization: Bearer stw_…` is a program's: the token must be active and have
 *   the scope; a token limited to products must be one of the target's (`ApiTarget`: a route that
 *   names none acts on every product and refuses such a token; a listing passes `'filtered'` and
 *   keeps `callerProducts(request)` itself). This holds with or without an identity provider.
 * - any other request that changes something must come from Steward's own pages (`Origin`, see
 *   `refuseCrossOrigin`): a browser's cookies never act for another site.
 * - without an identity provider (a laptop), anyone who reaches the server, as for the pages.
 * - with one, a signed-in browser (the run page's live polling) sends its session cookie, and
 *   changing something then needs an owner of the product or an admin, as the buttons do.
 * The caller found is remembered for the request (`callerOf`, `auditApi`). Answers the error
 * response, or undefined when the call may go ahead.
 */
export async function authorizeApi(
  request: Request,
  scope: 'read' | 'operate',
  target?: ApiTarget,
): Promise<Response | undefined> {
  if (request.headers.has('authorization')) {
    try {
      await authorize(request, scope, { target })
      return undefined
    } catch (error) {
      if (isStewardError(error))
        return apiError(
          error.code === 'TOKEN_SCOPE' || error.code === 'TOKEN_PRODUCT' ? 403 : 401,
          error.code,
          error.message,
        )
      throw error
    }
  }
  let publicUrl: string | undefined
  try {
    publicUrl = settings().publicUrl
  } catch (error) {
    return apiErrorFrom(error) // a bad setting: a 503 naming it
  }
  const crossOrigin = refuseCrossOrigin(request, publicUrl)
  if (crossOrigin) return crossOrigin
  if (authSettings().mode === 'local') {
    rememberCaller(request, { kind: 'local' })
    return undefined
  }
  const viewer = await currentViewer()
  if (!viewer)
    return apiError(
      401,
      'UNAUTHENTICATED',
      `send an API token with the ${scope} scope: "Authorization: Bearer stw_…"`,
    )
  rememberCaller(request, { kind: 'user', viewer })
  if (scope === 'read' || target === undefined || target === 'filtered' || 'eventName' in target)
    return undefined
  const { db } = await getDb()
  const allowed = await authorizeOperation(db, target)
  return allowed.ok ? undefined : apiError(403, 'FORBIDDEN', allowed.message)
}
