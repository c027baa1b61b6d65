import { cp, mkdir, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { ensureWebBuild, findWebApp } from '@steward/cli'
import { buildSdk } from './build-sdk.ts'
import { bundleCommand } from './bundle-command.ts'
import { runCommand } from './run-command.ts'
import { commandManifest, sdkManifest, writeStage } from './stage-package.ts'
import { stageUi } from './stage-ui.ts'
import { libraryPackages, type Manifest, tarballName, type WorkspacePackage } from './workspace.ts'

export interface Pack {
  name: string
  version: string
  /** The tarball's file name in dist/packs. */
  file: string
}

/**
 * What a team installs, as tarballs in dist/packs (standing in for the npm registry):
 * - `@steward/pipelines`, the SDK its definitions import (compiled, with declarations);
 * - `steward`, the command: CLI and engine bundled into one module, and the prebuilt web UI.
 * Each is staged as published in dist/packs/.stage and packed with `npm pack`. Old tarballs go
 * first, so the folder holds one release.
 */
export async function packAll(root: string, options: { log: (line: string) => void }): Promise<Pack[]> {
  const { log } = options
  const out = join(root, 'dist', 'packs')
  const stageRoot = join(out, '.stage')
  await rm(stageRoot, { recursive: true, force: true })
  await mkdir(out, { recursive: true })
  for (const file of await readdir(out)) if (file.endsWith('.tgz')) await rm(join(out, file))
  const packages = libraryPackages(root)
  const find = (name: string): WorkspacePackage => {
    const pkg = packages.find((p) => p.manifest.name === name)
    if (!pkg) throw new Error(`no workspace package ${name}`)
    return pkg
  }
  const cli = find('@steward/cli')
  const sdk = find('@steward/pipelines')

  let started = Date.now()
  const sdkStage = join(stageRoot, 'pipelines')
  await buildSdk(root, sdk, find('@steward/kernel'), sdkStage, join(stageRoot, '.work'))
  await writeStage(sdk, sdkStage, sdkManifest(sdk))
  log(`[1/3] compiled the SDK, @steward/pipelines, with its declarations (${seconds(started)})`)

  started = Date.now()
  const commandStage = join(stageRoot, 'steward')
  const used = await bundleCommand(root, join(commandStage, 'dist', 'main.js'))
  await cp(join(cli.dir, 'bin'), join(commandStage, 'bin'), { recursive: true })
  log(`[2/3] bundled the steward command and its engine (${seconds(started)})`)

  started = Date.now()
  const web = findWebApp()
  await ensureWebBuild(web, { log: (line) => log(`      ${line}`) })
  for (const name of await stageUi(web.dir, join(commandStage, 'ui'), cli.manifest.version)) used.add(name)
  const webManifest = (await import(join(web.dir, 'package.json'), { with: { type: 'json' } }))
    .default as Manifest
  await writeStage(
    cli,
    commandStage,
    commandManifest(cli, used, pinnedVersions([...packages.map((p) => p.manifest), webManifest])),
  )
  log(`[3/3] added the prebuilt web UI (${seconds(started)})`)

  const packs: Pack[] = []
  for (const [stageDir, name] of [
    [sdkStage, sdk.manifest.name],
    [commandStage, 'steward'],
  ] as const) {
    await npmPack(stageDir, out)
    packs.push({ name, version: cli.manifest.version, file: tarballName(name, cli.manifest.version) })
  }
  return packs
}

/** Every third-party dependency the workspace declares, at the range it declares. */
function pinnedVersions(manifests: Manifest[]): Record<string, string> {
  const pinned: Record<string, string> = {}
  for (const manifest of manifests) {
    for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
      if (!name.startsWith('@steward/')) pinned[name] ??= range
    }
  }
  return pinned
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`

async function npmPack(dir: string, destination: string): Promise<void> {
  const packed = await runCommand('npm', ['pack', '--silent', '--pack-destination', destination], {
    cwd: dir,
  })
  if (packed.code !== 0) throw new Error(`npm pack in ${dir} failed:\n${packed.output}`)
}
