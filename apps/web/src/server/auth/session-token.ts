import { jwtVerify, SignJWT } from 'jose'
import type { Viewer } from './viewer.ts'

/**
 * Sessions are a signed cookie (a JWT with HS256 under STEWARD_SESSION_SECRET): no session table,
 * and the proxy can check one without a database read. Eight hours, then sign in again.
 */
export const sessionCookie = 'steward_session'
export const sessionSeconds = 8 * 3600
const audience = 'steward-web'

const key = (secret: string) => new TextEncoder().encode(secret)

export async function sealSession(viewer: Viewer, secret: string, now = new Date()): Promise<string> {
  return new SignJWT({ name: viewer.name, email: viewer.email, groups: viewer.groups, admin: viewer.admin })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(viewer.id)
    .setAudience(audience)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(now.getTime() / 1000) + sessionSeconds)
    .sign(key(secret))
}

/** The viewer a session cookie names, or undefined when it is missing, forged or expired. */
export async function openSession(token: string | undefined, secret: string): Promise<Viewer | undefined> {
  if (!token) return undefined
  try {
    const { payload } = await jwtVerify(token, key(secret), { audience, algorithms: ['HS256'] })
    if (typeof payload.sub !== 'string') return undefined
    return {
      id: payload.sub,
      name: typeof payload.name === 'string' ? payload.name : payload.sub,
      email: typeof payload.email === 'string' ? payload.email : null,
      groups: Array.isArray(payload.groups) ? payload.groups.filter((g) => typeof g === 'string') : [],
      admin: payload.admin === true,
    }
  } catch {
    return undefined
  }
}

/**
 * The sign-in round trip's secrets (state, nonce, PKCE verifier) and where to return, kept in a
 * short-lived signed cookie between /auth/sign-in and /auth/callback.
 */
export const signInCookie = 'steward_sign_in'

export interface SignInTransaction {
  state: string
  nonce: string
  verifier: string
  next: string
}

export async function sealSignIn(transaction: SignInTransaction, secret: string): Promise<string> {
  return new SignJWT({ ...transaction })
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience(`${audience}:sign-in`)
    .setExpirationTime('10m')
    .sign(key(secret))
}

export async function openSignIn(
  token: string | undefined,
  secret: string,
): Promise<SignInTransaction | undefined> {
  if (!token) return undefined
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      audience: `${audience}:sign-in`,
      algorithms: ['HS256'],
    })
    const { state, nonce, verifier, next } = payload
    if (typeof state !== 'string' || typeof nonce !== 'string' || typeof verifier !== 'string')
      return undefined
    return { state, nonce, verifier, next: typeof next === 'string' ? next : '/' }
  } catch {
    return undefined
  }
}

/** Only paths on this site: `next=https://evil.example` must not become an open redirect. */
export function safeNext(next: string | null | undefined): string {
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/'
}
