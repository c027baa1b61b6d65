import { type NextRequest, NextResponse } from 'next/server'
import { authSettings } from './env.ts'
import { requestOrigin } from './server/auth/request-origin.ts'
import { openSession, sessionCookie } from './server/auth/session-token.ts'

/**
 * With an identity provider configured, every page needs a signed-in user: without a valid
 * session cookie, the browser goes to /sign-in and comes back where it was. The HTTP API
 * (/api/…) has its own tokens and the health endpoint stays open for uptime checkers. What a
 * user may change is checked again by each server action (server/auth/authorize.ts).
 */
export async function proxy(request: NextRequest): Promise<Response> {
  const auth = authSettings()
  if (auth.mode === 'local') return NextResponse.next()
  if (await openSession(request.cookies.get(sessionCookie)?.value, auth.sessionSecret))
    return NextResponse.next()
  const signIn = new URL('/sign-in', auth.publicUrl ?? requestOrigin(request))
  signIn.searchParams.set('next', `${request.nextUrl.pathname}${request.nextUrl.search}`)
  return NextResponse.redirect(signIn, 303)
}

export const config = {
  matcher: ['/((?!api/|auth/|sign-in|_next/|favicon\\.ico|icon|apple-icon).*)'],
}
