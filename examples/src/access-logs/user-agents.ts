import type { Platform } from './access-log-line.ts'

/** Real-looking user agents: the native apps, mobile browsers and desktop browsers. */
export const userAgents: Readonly<Record<Platform, readonly string[]>> = {
  ios: [
    'ExampleApp/5.3.1 (iPhone14,2; iOS 17.4.1; Scale/3.00)',
    'ExampleApp/5.2.0 (iPhone13,1; iOS 16.7.5; Scale/3.00)',
    'ExampleApp/5.3.1 (iPad13,4; iPadOS 17.3; Scale/2.00)',
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  ],
  android: [
    'ExampleApp/5.3.0 (Linux; Android 14; Pixel 8) okhttp/4.12.0',
    'ExampleApp/5.2.4 (Linux; Android 13; SM-S911B) okhttp/4.11.0',
    'ExampleApp/5.3.0 (Linux; Android 12; M2101K6G) okhttp/4.12.0',
    'Mozilla/5.0 (Linux; Android 13; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Mobile Safari/537.36',
  ],
  web: [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Safari/605.1.15',
    'Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36 Edg/121.0.0.0',
  ],
}

/**
 * Crawlers and scripts. Some look like phones (Googlebot's smartphone agent says Android), which is
 * why bots are filtered before the platform is read.
 */
export const botUserAgents: readonly string[] = [
  'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.6261.94 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
  'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)',
  'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)',
  'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
  'curl/8.4.0',
  'python-requests/2.31.0',
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/121.0.0.0 Safari/537.36',
]
