import { describe, expect, it } from 'vitest'
import { parseAuthSettings } from './auth-settings.ts'
import { openSession, safeNext, sealSession } from './session-token.ts'
import { canOperate, isAdmin, type Viewer } from './viewer.ts'

const secret = 'x'.repeat(32)
const ana: Viewer = { id: 'u1', name: 'Ana', email: 'Ana@Example.com', groups: ['growth-data'], admin: false }

describe('sign-in settings', () => {
  it('are local without an issuer, and name the variable that is wrong', () => {
    expect(parseAuthSettings({})).toEqual({ mode: 'local' })
    expect(() => parseAuthSettings({ STEWARD_OIDC_ISSUER: 'login' })).toThrow(
      /STEWARD_OIDC_ISSUER must be a URL/,
    )
    expect(() => parseAuthSettings({ STEWARD_OIDC_ISSUER: 'https://idp.example' })).toThrow(
      /STEWARD_OIDC_CLIENT_ID is not set/,
    )
    expect(() =>
      parseAuthSettings({ STEWARD_OIDC_ISSUER: 'https://idp.example', STEWARD_OIDC_CLIENT_ID: 'steward' }),
    ).toThrow(/STEWARD_SESSION_SECRET must be at least 32 characters/)
    const oidc = parseAuthSettings({
      STEWARD_OIDC_ISSUER: 'https://idp.example',
      STEWARD_OIDC_CLIENT_ID: 'steward',
      STEWARD_SESSION_SECRET: secret,
      STEWARD_ADMINS: ' Lead@Example.com , group:Data-Platform ',
    })
    expect(oidc).toMatchObject({
      mode: 'oidc',
      clientSecret: '',
      scopes: 'openid profile email',
      groupsClaim: 'groups',
      admins: ['lead@example.com', 'group:data-platform'],
    })
  })
})

describe('who may operate', () => {
  it('owners by e-mail or by team group, and admins; not stakeholders or strangers', () => {
    expect(canOperate(ana, [{ team: 'growth-data', slack: '#g' }])).toBe(true)
    expect(canOperate(ana, [{ email: 'ana@example.com', slack: '#g' }])).toBe(true)
    expect(canOperate(ana, [{ team: 'finance', email: 'bo@example.com', slack: '#f' }])).toBe(false)
    expect(canOperate({ ...ana, groups: [], email: null }, [{ team: 'growth-data', slack: '#g' }])).toBe(
      false,
    )
    expect(canOperate({ ...ana, admin: true }, [{ team: 'finance', slack: '#f' }])).toBe(true)
  })

  it('admins by e-mail or group, case aside', () => {
    expect(isAdmin(['lead@example.com'], 'LEAD@example.com', [])).toBe(true)
    expect(isAdmin(['group:data-platform'], null, ['Data-Platform'])).toBe(true)
    expect(isAdmin(['group:data-platform'], 'lead@example.com', ['growth'])).toBe(false)
  })
})

describe('session cookies', () => {
  it('round-trip a viewer, and refuse a forged, foreign or expired one', async () => {
    const token = await sealSession(ana, secret)
    await expect(openSession(token, secret)).resolves.toEqual(ana)
    await expect(openSession(token, 'y'.repeat(32))).resolves.toBeUndefined()
    const [header, , signature] = token.split('.')
    const forged = Buffer.from(JSON.stringify({ sub: 'u1', admin: true, aud: 'steward-web' })).toString(
      'base64url',
    )
    await expect(openSession(`${header}.${forged}.${signature}`, secret)).resolves.toBeUndefined()
    const old = await sealSession(ana, secret, new Date(Date.now() - 9 * 3600_000))
    await expect(openSession(old, secret)).resolves.toBeUndefined()
    await expect(openSession(undefined, secret)).resolves.toBeUndefined()
  })

  it('send people back only to paths on this site', () => {
    expect(safeNext('/pipelines/x?y=1')).toBe('/pipelines/x?y=1')
    for (const bad of ['https://evil.example/', '//evil.example', '/\\evil.example', null, undefined, ''])
      expect(safeNext(bad)).toBe('/')
  })
})
