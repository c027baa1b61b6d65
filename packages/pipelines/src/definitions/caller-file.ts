import { fileURLToPath } from 'node:url'

/**
 * The file that called `fn`, read from the call stack. Definitions remember where they were made so
 * that a product's docs path resolves against the file that wrote it, and problems name that file,
 * even when the definition is re-exported through an index file. Best effort: undefined when the
 * stack does not say (the loader then falls back to the file that exported the definition).
 */
// biome-ignore lint/complexity/noBannedTypes: any function can be the frame to skip
export function callerFile(fn: Function): string | undefined {
  const holder: { stack?: string } = {}
  Error.captureStackTrace(holder, fn)
  const frame = holder.stack?.split('\n')[1]
  if (!frame) return undefined
  // "    at file:///repo/x.ts:3:14" or "    at build (/repo/x.ts?tsx-namespace=1:3:14)"
  const match = /(?:\(|at )((?:file:\/\/)?\/[^():]*?)(?:\?[^:]*)?:\d+:\d+\)?\s*$/.exec(frame)
  const location = match?.[1]
  if (!location) return undefined
  return location.startsWith('file://') ? fileURLToPath(location) : location
}
