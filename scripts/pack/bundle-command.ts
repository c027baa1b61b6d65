import { join } from 'node:path'
import { build, type Plugin } from 'esbuild'

/**
 * The `steward` command as one ES module: the CLI and every workspace package it runs on (engine,
 * database, queue, alerts, usage, settings, the SDK and the kernel) bundled from their TypeScript
 * sources, every third-party library left to `node_modules`. Resolves the third-party packages
 * the bundle imports, which become the published package's dependencies.
 */
export async function bundleCommand(root: string, outFile: string): Promise<Set<string>> {
  const external = new Set<string>()
  const thirdPartyExternal: Plugin = {
    name: 'third-party-external',
    setup(builder) {
      builder.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('@steward/') || args.path.startsWith('node:')) return undefined
        external.add(packageName(args.path))
        return { path: args.path, external: true }
      })
    },
  }
  await build({
    entryPoints: [join(root, 'packages', 'cli', 'src', 'main.ts')],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    plugins: [thirdPartyExternal],
  })
  return external
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string)
}
