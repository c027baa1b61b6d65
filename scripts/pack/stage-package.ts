import { existsSync } from 'node:fs'
import { cp, mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { publishedExports } from './build-package.ts'
import type { Manifest, WorkspacePackage } from './workspace.ts'

const engines = { node: '>=20.9.0' }

/** The SDK's manifest: built exports with declarations; the kernel is inside, not a dependency. */
export function sdkManifest(sdk: WorkspacePackage): Manifest {
  const dependencies = Object.fromEntries(
    Object.entries(sdk.manifest.dependencies ?? {}).filter(([name]) => !name.startsWith('@steward/')),
  )
  return {
    name: sdk.manifest.name,
    version: sdk.manifest.version,
    description: sdk.manifest.description ?? 'The Steward SDK: data products and pipelines in TypeScript.',
    license: sdk.manifest.license ?? 'Apache-2.0',
    type: 'module',
    exports: { ...publishedExports(sdk), './package.json': './package.json' } as unknown as Record<
      string,
      string
    >,
    files: ['dist', 'README.md'],
    engines,
    dependencies: sorted(dependencies),
  }
}

/**
 * The command's manifest: the bundle and the prebuilt UI, depending on exactly the third-party
 * libraries they load (`used`), at the versions the workspace pins.
 */
export function commandManifest(
  cli: WorkspacePackage,
  used: Iterable<string>,
  pinned: Record<string, string>,
): Manifest {
  const dependencies: Record<string, string> = {}
  const unpinned: string[] = []
  for (const name of used) {
    const range = pinned[name]
    if (range) dependencies[name] = range
    else unpinned.push(name)
  }
  if (unpinned.length > 0) {
    throw new Error(
      `the command loads ${unpinned.join(', ')}, which no workspace package declares as a dependency`,
    )
  }
  return {
    name: 'steward',
    version: cli.manifest.version,
    description:
      'Steward: data products with pipelines in TypeScript, alerts in Slack, usage and cost. The steward command, its engine and the prebuilt web UI.',
    license: cli.manifest.license ?? 'Apache-2.0',
    type: 'module',
    bin: { steward: './bin/steward.mjs' },
    exports: { './package.json': './package.json' } as unknown as Record<string, string>,
    files: ['dist', 'bin', 'ui', 'README.md'],
    engines,
    dependencies: sorted(dependencies),
  }
}

/** Writes `manifest` and the package's README into `stageDir`. */
export async function writeStage(pkg: WorkspacePackage, stageDir: string, manifest: Manifest): Promise<void> {
  await mkdir(stageDir, { recursive: true })
  await writeFile(join(stageDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  const readme = join(pkg.dir, 'README.md')
  if (existsSync(readme)) await cp(readme, join(stageDir, 'README.md'))
  else await writeFile(join(stageDir, 'README.md'), `# ${manifest.name}\n\n${manifest.description ?? ''}\n`)
}

export function sorted(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)))
}
