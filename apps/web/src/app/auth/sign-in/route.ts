import { type NextRequest, NextResponse } from 'next/server'
import * as client from 'openid-client'
import { authSettings } from '#env.ts'
import { oidcConfiguration, publicOrigin } from '#server/auth/oidc.ts'
import { requestOrigin } from '#server/auth/request-origin.ts'
import { safeNext, sealSignIn, signInCookie } from '#server/auth/session-token.ts'

export const dynamic = 'force-dynamic'

/**
 * GET /auth/sign-in?next=/path: off to the identity provider (authorization code flow with PKCE,
 * state and nonce), remembering the round trip in a signed cookie for /auth/callback.
 */
export async function GET(request: NextRequest): Promise<Response> {
  const auth = authSettings()
  const next = safeNext(request.nextUrl.searchParams.get('next'))
  if (auth.mode === 'local') return NextResponse.redirect(new URL(next, requestOrigin(request)), 303)
  const origin = publicOrigin(auth, request)
  let config: client.Configuration
  try {
    config = await oidcConfiguration(auth)
  } catch (error) {
    console.error(
      `[steward web] the identity provider at ${auth.issuer.href} did not answer discovery`,
      error,
    )
    return NextResponse.redirect(`${origin}/sign-in?problem=IDP_UNREACHABLE`, 303)
  }
  const transaction = {
    state: client.randomState(),
    nonce: client.randomNonce(),
    verifier: client.randomPKCECodeVerifier(),
    next,
  }
  const target = client.buildAuthorizationUrl(config, {
    redirect_uri: `${origin}/auth/callback`,
    scope: auth.scopes,
    state: transaction.state,
    nonce: transaction.nonce,
    code_challenge: await client.calculatePKCECodeChallenge(transaction.verifier),
    code_challenge_method: 'S256',
  })
  const response = NextResponse.redirect(target, 303)
  response.cookies.set(signInCookie, await sealSignIn(transaction, auth.sessionSecret), {
    path: '/auth',
    httpOnly: true,
    sameSite: 'lax',
    maxAge: 600,
    secure: origin.startsWith('https:'),
  })
  return response
}
