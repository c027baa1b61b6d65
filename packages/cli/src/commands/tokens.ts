import type { TokenScope } from '@steward/db'
import { migrateToLatest } from '@steward/db'
import { createToken, listTokens, revokeToken, type TokenInfo, tokenScopes } from '@steward/usage'
import type { Command } from 'commander'
import { auditCli } from '../audit/audit-cli.ts'
import { openDatabase } from '../database/open-database.ts'
import { readCliSettings } from '../env.ts'
import { cliError } from '../errors.ts'
import { out } from '../output/print.ts'

/**
 * `steward tokens create|list|revoke`: bearer tokens of the HTTP API, one per source. The new
 * token is printed once, alone on the last line, so a script can take it with `tail -n 1`. A token
 * may be limited to products (`--product a --product b`); `list` shows the limit.
 */
export function registerTokensCommand(program: Command): void {
  const tokens = program
    .command('tokens')
    .description('create, list and revoke API tokens for the HTTP API (one per source)')

  tokens
    .command('create')
    .description('create a token and print it once, on the last line')
    .requiredOption('--name <name>', 'what the token is for, e.g. looker-prod')
    .option(
      '--scope <scope...>',
      'ingest (send usage events), read (read series, cost, runs) and/or operate (start runs and backfills, send events, acknowledge incidents)',
      ['ingest'],
    )
    .option(
      '--product <product...>',
      'limit the token to these products (and their pipelines, runs, backfills, incidents); default: every product',
    )
    .action(async (options: { name: string; scope: string[]; product?: string[] }) => {
      const scopes = options.scope.flatMap((s) => s.split(',')).map((s) => s.trim())
      const wrong = scopes.find((s) => !tokenScopes.includes(s as TokenScope))
      if (wrong !== undefined) {
        throw cliError('OPTION_INVALID', `--scope must be ingest, read or operate (got "${wrong}")`)
      }
      await withDatabase(async (db) => {
        const products = options.product?.flatMap((p) => p.split(',')).map((p) => p.trim())
        const created = await createToken(db, {
          name: options.name,
          scopes: scopes as TokenScope[],
          products,
        })
        await auditCli(
          db,
          'token.create',
          { kind: 'token', id: created.name, productId: null },
          {
            tokenId: created.id,
            scopes: created.scopes,
            products: created.products,
          },
        )
        out(
          `created token ${created.name} (${created.id}) with scope ${created.scopes.join(', ')} for ${limitOf(created)}.`,
        )
        out('It is shown this once; Steward keeps only its hash. Send it as "Authorization: Bearer <token>":')
        out(created.token)
      })
    })

  tokens
    .command('list')
    .description('list tokens (never the tokens themselves)')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { json?: boolean }) => {
      await withDatabase(async (db) => {
        const rows = await listTokens(db)
        if (options.json) {
          out(JSON.stringify(rows, null, 2))
          return
        }
        if (rows.length === 0) {
          out('no tokens yet: steward tokens create --name <source>')
          return
        }
        for (const row of rows) out(describe(row))
      })
    })

  tokens
    .command('revoke')
    .description('revoke a token by name or id; requests with it fail from then on')
    .argument('<name-or-id>', 'the name or id shown by steward tokens list')
    .action(async (nameOrId: string) => {
      await withDatabase(async (db) => {
        const revoked = await revokeToken(db, nameOrId)
        await auditCli(
          db,
          'token.revoke',
          { kind: 'token', id: revoked.name, productId: null },
          { tokenId: revoked.id },
        )
        out(`revoked token ${revoked.name} (${revoked.id})`)
      })
    })
}

function describe(token: TokenInfo): string {
  const state = token.revokedAt ? `revoked ${token.revokedAt.toISOString()}` : 'active'
  const used = token.lastUsedAt ? `last used ${token.lastUsedAt.toISOString()}` : 'never used'
  return `${token.name}  ${token.id}  ${token.scopes.join(',')}  ${limitOf(token)}  ${state}  created ${token.createdAt.toISOString()}  ${used}`
}

/** "every product", or "products a, b". */
function limitOf(token: TokenInfo): string {
  return token.products ? `products ${token.products.join(', ')}` : 'every product'
}

async function withDatabase(work: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<void>) {
  const db = await openDatabase(readCliSettings(), { migrates: true })
  try {
    // Tokens may be the first thing made on a fresh database.
    await migrateToLatest(db.db)
    await work(db.db)
  } finally {
    await db.close()
  }
}
