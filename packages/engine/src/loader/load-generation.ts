import { register as registerModuleHooks } from 'node:module'
import { pathToFileURL } from 'node:url'
import { register, type ScopedImport } from 'tsx/esm/api'

/** The query parameter that gives each load of a project's own files a module instance of their own. */
export const generationParam = 'steward-gen'

/**
 * Propagates the generation query from a project file to the project files it imports, and to no
 * other module. Node caches ES modules by URL, so `pipelines/a.ts?steward-gen=3` and every file it
 * imports under the project root are evaluated anew for generation 3, while packages (the SDK,
 * zod, anything under node_modules or outside the root) keep the one instance they already have:
 * a reload costs the memory of the project's own modules, not of its dependencies too.
 *
 * Plain JavaScript because it runs on Node's loader thread (`module.register`); one per project
 * root, which is written into its source.
 */
const generationHooks = (root: string) => `
const root = ${JSON.stringify(root)}
const param = ${JSON.stringify(generationParam)}
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context)
  if (!resolved.url.startsWith(root) || resolved.url.includes('/node_modules/')) return resolved
  const url = new URL(resolved.url)
  const parent = context.parentURL?.startsWith(root) ? new URL(context.parentURL) : undefined
  const generation = url.searchParams.get(param) ?? parent?.searchParams.get(param) ?? null
  if (generation === null) return resolved
  // Always last, so a file imported directly and the same file imported by another have one URL.
  url.searchParams.delete(param)
  url.searchParams.set(param, generation)
  return { ...resolved, url: url.href }
}`

let tsx: ScopedImport | undefined
const hookedRoots = new Set<string>()
let lastGeneration = 0

/**
 * Imports a project's files as one generation: every call of the returned function imports its file
 * (and the project files that one imports) in the same module graph, fresh from disk, separate from
 * the generations before. Steps may import TypeScript lazily inside `run`; the loader (one tsx
 * namespace for the process, and the hooks) stays registered for that.
 *
 * What stays behind per generation: the evaluated modules of the project's own files. Node offers
 * no way to unload an ES module, so each reload keeps those (not its dependencies) until the
 * process ends.
 */
export function newLoadGeneration(root: string): (path: string) => Promise<Record<string, unknown>> {
  // One namespace for the process, so packages are evaluated once, not once per load.
  tsx ??= register({ namespace: 'steward-project' }).import
  const rootUrl = pathToFileURL(root.endsWith('/') ? root : `${root}/`).href
  if (!hookedRoots.has(rootUrl)) {
    registerModuleHooks(`data:text/javascript,${encodeURIComponent(generationHooks(rootUrl))}`)
    hookedRoots.add(rootUrl)
  }
  lastGeneration += 1
  const generation = String(lastGeneration)
  const scoped = tsx
  return async (path) => {
    const url = pathToFileURL(path)
    url.searchParams.set(generationParam, generation)
    return (await scoped(url.href, import.meta.url)) as Record<string, unknown>
  }
}
