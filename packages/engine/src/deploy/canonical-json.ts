import { createHash } from 'node:crypto'

/**
 * JSON with the keys of every object sorted, so that the same definition always gives the same
 * text, whatever order its options were written in. Values follow JSON.stringify (toJSON first;
 * undefined and functions dropped from objects).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return item
    const source = item as Record<string, unknown>
    return Object.fromEntries(
      Object.keys(source)
        .sort()
        .map((key) => [key, source[key]]),
    )
  })
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}
