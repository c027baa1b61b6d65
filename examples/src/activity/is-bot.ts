/**
 * Crawlers, link previews and scripts, recognised by their user agent. Checked before anything
 * else: Googlebot's smartphone agent contains "Android" and would otherwise count as a phone.
 */
// "bot/" and a whole word "bot", not any "bot": the Cubot phones say "CUBOT P60".
const botPattern =
  /bot\/|\bbot\b|crawler|spider|slurp|facebookexternalhit|headlesschrome|\(compatible;[^)]*https?:\/\/|^curl\/|^wget\/|python-requests|^go-http-client|^java\//i

/**
 * @example
 * isBot('Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)') // true
 * isBot('ExampleApp/5.3.0 (Linux; Android 14; Pixel 8) okhttp/4.12.0') // false
 */
export function isBot(userAgent: string): boolean {
  return userAgent.trim() === '' || botPattern.test(userAgent)
}
