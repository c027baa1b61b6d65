import { type FSWatcher, watch } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join, sep } from 'node:path'
import { Debounce } from './debounce.ts'

/** Folders whose changes never reload: dependencies, Steward's own state, git, build output. */
export const ignoredFolders: ReadonlySet<string> = new Set(['node_modules', '.steward', '.git', 'dist'])

/**
 * What a definition can be made of: code, and what code or a deploy reads (JSON, a product's
 * markdown docs, SQL, YAML). Other files (data a step writes into the folder, images) never reload.
 */
const sourceFile = /\.(?:[cm]?[jt]sx?|json|md|sql|ya?ml)$/

/**
 * True for a path (relative to the project folder) that no save should reload for: inside an
 * ignored folder, an editor's scratch file (`.#a.ts`, `a.ts~`, `.a.ts.swp`), or not a source file.
 * A folder's own event (a path without an extension) counts: a folder renamed into place or
 * removed may hold definitions.
 */
export function isIgnoredPath(relativePath: string): boolean {
  const parts = relativePath.split(/[\\/]/)
  if (parts.some((part) => ignoredFolders.has(part))) return true
  const name = parts.at(-1) ?? ''
  if (name.startsWith('.#') || name.endsWith('~')) return true
  return name.includes('.') && !sourceFile.test(name)
}

export interface ProjectWatcher {
  close(): void
}

/**
 * Watches a project folder and calls `onChange` with the paths (relative to `root`) that changed,
 * once per burst of changes (`debounceMs` after the last). The folder itself is watched flat and
 * each of its subfolders recursively, ignored ones left out: a recursive watch of the whole folder
 * would first walk node_modules, which can hold more files than the project by far.
 */
export async function watchProject(
  root: string,
  onChange: (paths: ReadonlySet<string>) => void,
  options: { debounceMs?: number; onError?: (error: Error) => void } = {},
): Promise<ProjectWatcher> {
  const debounce = new Debounce(options.debounceMs ?? 100, onChange)
  const watchers = new Map<string, FSWatcher>()
  const onError = options.onError ?? (() => {})
  let closed = false

  const watchFolder = (name: string) => {
    if (closed || watchers.has(name) || ignoredFolders.has(name)) return
    try {
      const watcher = watch(join(root, name), { recursive: true }, (_event, file) => {
        const path = file === null ? name : `${name}${sep}${file}`
        if (!isIgnoredPath(path)) debounce.add(path.split(sep).join('/'))
      })
      watcher.on('error', (error) => {
        // The folder was removed: forget it (it is watched again if it comes back).
        watcher.close()
        watchers.delete(name)
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') onError(error)
      })
      watchers.set(name, watcher)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') onError(error as Error)
    }
  }

  const top = watch(root, (_event, file) => {
    if (file === null || isIgnoredPath(file)) return
    debounce.add(file)
    // A folder created (or renamed into place) after the start: watch it too.
    void readdir(root, { withFileTypes: true }).then(
      (entries) => {
        for (const entry of entries) if (entry.isDirectory()) watchFolder(entry.name)
      },
      () => {},
    )
  })
  top.on('error', onError)
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isDirectory()) watchFolder(entry.name)
  }

  return {
    close() {
      closed = true
      debounce.cancel()
      top.close()
      for (const watcher of watchers.values()) watcher.close()
      watchers.clear()
    },
  }
}
