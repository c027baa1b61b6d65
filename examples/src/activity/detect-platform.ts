import type { Platform } from '../access-logs/access-log-line.ts'

/**
 * The platform a request came from, read from its user agent: the native apps and mobile browsers
 * of iOS and Android, and everything else is web. Filter bots first: some claim to be phones.
 *
 * @example
 * detectPlatform('ExampleApp/5.3.1 (iPhone14,2; iOS 17.4.1; Scale/3.00)') // 'ios'
 */
export function detectPlatform(userAgent: string): Platform {
  if (/iPhone|iPad|iPod|\biOS\b|iPadOS/.test(userAgent)) return 'ios'
  if (/Android/.test(userAgent)) return 'android'
  return 'web'
}
