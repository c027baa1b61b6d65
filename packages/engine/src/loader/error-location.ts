import { isAbsolute, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Where in a project's own files an error arose: a file relative to the project root, and a line. */
export interface SourceLocation {
  /** Relative to the project root, `/`-separated. */
  file: string
  line: number
}

// esbuild's compile errors: `Transform failed with 1 error:\n/abs/pipelines/a.ts:4:12: ERROR: …`.
const compileError = /(\/[^\s:]+|[A-Za-z]:\\[^\s:]+):(\d+):\d+: ERROR:/
// Stack frames: `at fn (/abs/a.ts:3:9)`, `at file:///abs/a.ts?query:3:9`, `at /abs/a.ts:3:9`.
const stackFrame = /^\s*at (?:.*?\()?((?:file:\/\/)?[^\s()]+?):(\d+):\d+\)?\s*$/gm

/**
 * The first place inside `root` (and outside its node_modules) that a load error points at: the
 * file and line esbuild names for a syntax error, else the first frame of the stack in the
 * project's own files (tsx's source maps give TypeScript lines). Undefined when none does.
 */
export function errorLocation(error: unknown, root: string): SourceLocation | undefined {
  if (!(error instanceof Error)) return undefined
  const inProject = (raw: string, line: string): SourceLocation | undefined => {
    const path = raw.startsWith('file://')
      ? fileURLToPath(raw.replace(/\?[^:]*$/, ''))
      : raw.replace(/\?.*$/, '')
    const shown = relative(root, path)
    if (!isAbsolute(path) || shown.startsWith('..') || isAbsolute(shown)) return undefined
    if (shown.split(sep).includes('node_modules')) return undefined
    return { file: shown.split(sep).join('/'), line: Number(line) }
  }
  const compiled = compileError.exec(error.message)
  if (compiled?.[1] && compiled[2]) {
    const found = inProject(compiled[1], compiled[2])
    if (found) return found
  }
  for (const frame of (error.stack ?? '').matchAll(stackFrame)) {
    const found = frame[1] && frame[2] ? inProject(frame[1], frame[2]) : undefined
    if (found) return found
  }
  return undefined
}
