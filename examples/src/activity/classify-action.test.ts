import { describe, expect, it } from 'vitest'
import { classifyAction } from './classify-action.ts'
import { detectPlatform } from './detect-platform.ts'
import { isBot } from './is-bot.ts'

describe('classifyAction', () => {
  it.each([
    ['POST', '/api/users', 'sign_up'],
    ['PUT', '/api/users/me', 'profile_update'],
    ['POST', '/api/photos', 'photo_upload'],
    ['POST', '/api/users/me/career', 'career_entry'],
    ['POST', '/api/users/me/education', 'education_entry'],
    ['POST', '/api/messages', 'message'],
    ['POST', '/api/posts/981/likes', 'like'],
    ['POST', '/api/friend-requests', 'friend_request'],
    ['POST', '/api/friend-requests/4411/accept', 'friend_accept'],
    ['GET', '/api/messages', 'view'],
    ['GET', '/', 'view'],
    ['DELETE', '/api/messages/12', 'other'],
    ['PUT', '/api/users', 'other'],
  ] as const)('%s %s is %s', (method, path, action) => {
    expect(classifyAction(method, path)).toBe(action)
  })

  it('ignores the query string, a trailing slash and the method’s case', () => {
    expect(classifyAction('post', '/api/messages/?draft=0')).toBe('message')
    expect(classifyAction('POST', '/api/friend-requests/x/accept')).toBe('other')
  })
})

describe('detectPlatform', () => {
  it.each([
    ['ExampleApp/5.3.1 (iPhone14,2; iOS 17.4.1; Scale/3.00)', 'ios'],
    ['ExampleApp/5.3.1 (iPad13,4; iPadOS 17.3; Scale/2.00)', 'ios'],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      'ios',
    ],
    ['ExampleApp/5.3.0 (Linux; Android 14; Pixel 8) okhttp/4.12.0', 'android'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0', 'web'],
    ['Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)', 'web'],
  ] as const)('%s is %s', (agent, platform) => {
    expect(detectPlatform(agent)).toBe(platform)
  })
})

describe('isBot', () => {
  it.each([
    'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.6261.94 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
    'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
    'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
    'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
    'curl/8.4.0',
    'python-requests/2.31.0',
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/121.0.0.0 Safari/537.36',
    '',
  ])('filters %s', (agent) => {
    expect(isBot(agent)).toBe(true)
  })

  it.each([
    'ExampleApp/5.3.0 (Linux; Android 14; Pixel 8) okhttp/4.12.0',
    'ExampleApp/5.3.1 (iPhone14,2; iOS 17.4.1; Scale/3.00)',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
    // "Cubot" is a phone maker, not a crawler.
    'Mozilla/5.0 (Linux; Android 12; CUBOT P60) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36',
  ])('keeps %s', (agent) => {
    expect(isBot(agent)).toBe(false)
  })
})
