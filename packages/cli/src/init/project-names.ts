import { basename } from 'node:path'

/** What `steward init` asks (or takes as its defaults with `--yes`). */
export interface InitAnswers {
  /** The product's name, e.g. `Daily signups`. */
  productName: string
  /** The team that owns it; alerts go to `#<team>` in Slack. */
  owner: string
}

/** The names the templates use, all derived from the answers and the folder. */
export interface ProjectNames {
  /** npm package name: the folder's name as a slug. */
  packageName: string
  productName: string
  /** Product id: lowercase words joined by `-`. */
  productId: string
  /** The pipeline's id: `<productId>.daily`. */
  pipelineId: string
  /** camelCase of the product id, for the exported constants. */
  productConst: string
  pipelineConst: string
  owner: string
  /** Where alerts go: `#<owner as a slug>`. */
  slackChannel: string
}

/** `Daily Signups!` → `daily-signups`; nothing usable → the fallback. */
export function slug(text: string, fallback: string): string {
  const words = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  const valid = words.replace(/^[^a-z]+/, '')
  return valid === '' ? fallback : valid
}

/** The defaults `--yes` takes: a product named after the folder, owned by `data-team`. */
export function defaultAnswers(folder: string): InitAnswers {
  const name = slug(basename(folder), 'my-data')
  return { productName: name.replace(/-/g, ' ').replace(/^./, (c) => c.toUpperCase()), owner: 'data-team' }
}

export function projectNames(folder: string, answers: InitAnswers): ProjectNames {
  const productId = slug(answers.productName, 'my-product')
  const productConst = productId.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase())
  const owner = slug(answers.owner, 'data-team')
  return {
    packageName: slug(basename(folder), 'my-data'),
    // Typed by a person and written into source and markdown: one plain line, bounded.
    productName:
      answers.productName
        .replace(/\p{Cc}+/gu, ' ')
        .trim()
        .slice(0, 100) || productId,
    productId,
    pipelineId: `${productId}.daily`,
    productConst,
    pipelineConst: `${productConst}Daily`,
    owner,
    slackChannel: `#${owner}`,
  }
}
