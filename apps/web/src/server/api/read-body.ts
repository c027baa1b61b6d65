import { apiError } from './api-error.ts'

/** A request's body as text, or the error response that refuses it (413 too large, 400 not UTF-8). */
export type BodyText = { ok: true; text: string } | { ok: false; response: Response }

/**
 * Reads a request's body as UTF-8 text, at most `limit` bytes: a Content-Length past the limit is
 * refused before a byte is read, and a body without one (chunked) is read until it passes the
 * limit, then cancelled. Only what fits is ever held in memory.
 */
export async function readBodyText(request: Request, limit: number): Promise<BodyText> {
  const declared = request.headers.get('content-length')
  if (declared !== null && /^\d+$/.test(declared.trim()) && Number(declared) > limit) return tooLarge(limit)
  const chunks: Uint8Array[] = []
  let size = 0
  if (request.body) {
    const reader = request.body.getReader()
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        size += value.byteLength
        if (size > limit) {
          await reader.cancel().catch(() => {})
          return tooLarge(limit)
        }
        chunks.push(value)
      }
    } catch {
      return { ok: false, response: apiError(400, 'BODY_INVALID', 'the body could not be read to its end') }
    } finally {
      reader.releaseLock()
    }
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks, size)) }
  } catch {
    return { ok: false, response: apiError(400, 'BODY_INVALID', 'the body is not UTF-8 text') }
  }
}

function tooLarge(limit: number): BodyText {
  return {
    ok: false,
    response: apiError(
      413,
      'BODY_TOO_LARGE',
      `the body is larger than this route takes (${formatBytes(limit)}): send less, or split it`,
    ),
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MB` : `${bytes / 1024} KB`
}
