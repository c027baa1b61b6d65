import { type NextRequest, NextResponse } from 'next/server'
import * as client from 'openid-client'
import { authSettings } from '#env.ts'
import { oidcConfiguration, publicOrigin } from '#server/auth/oidc.ts'
import { requestOrigin } from '#server/auth/request-origin.ts'
import {
  openSignIn,
  sealSession,
  sessionCookie,
  sessionSeconds,
  signInCookie,
} from '#server/auth/session-token.ts'
import { isAdmin } from '#server/auth/viewer.ts'

export const dynamic = 'force-dynamic'

/**
 * GET /auth/callback: the identity provider sends the browser back with a code. Exchange it (PKCE,
 * state and nonce checked by openid-client), read the ID token's claims, and start a session.
 * Any failure lands on /sign-in with a reason, never a stack trace.
 */
export async function GET(request: NextRequest): Promise<Response> {
  const auth = authSettings()
  if (auth.mode === 'local') return NextResponse.redirect(new URL('/', requestOrigin(request)), 303)
  const origin = publicOrigin(auth, request)
  const secure = origin.startsWith('https:')
  const done = (location: string) => {
    const response = NextResponse.redirect(`${origin}${location}`, 303)
    response.cookies.delete({ name: signInCookie, path: '/auth' })
    return response
  }
  const transaction = await openSignIn(request.cookies.get(signInCookie)?.value, auth.sessionSecret)
  if (!transaction) return done('/sign-in?problem=SIGN_IN_EXPIRED')
  // The URL the IdP redirected to, as it sent it: its origin must match the redirect_uri.
  const current = new URL(`${origin}/auth/callback${request.nextUrl.search}`)
  let claims: client.IDToken | undefined
  try {
    const config = await oidcConfiguration(auth)
    const tokens = await client.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: transaction.verifier,
      expectedState: transaction.state,
      expectedNonce: transaction.nonce,
      idTokenExpected: true,
    })
    claims = tokens.claims()
  } catch (error) {
    console.error('[steward web] signing in failed at the identity provider', error)
    return done('/sign-in?problem=SIGN_IN_FAILED')
  }
  if (!claims) return done('/sign-in?problem=SIGN_IN_FAILED')
  const email = typeof claims.email === 'string' ? claims.email : null
  const rawGroups = claims[auth.groupsClaim]
  const groups = Array.isArray(rawGroups) ? rawGroups.filter((g): g is string => typeof g === 'string') : []
  const name = typeof claims.name === 'string' ? claims.name : (email ?? claims.sub)
  const session = await sealSession(
    { id: claims.sub, name, email, groups, admin: isAdmin(auth.admins, email, groups) },
    auth.sessionSecret,
  )
  const response = done(transaction.next)
  response.cookies.set(sessionCookie, session, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    maxAge: sessionSeconds,
    secure,
  })
  return response
}
