import type { SlackPayload } from '@steward/db'
import { cutText, fitMrkdwn } from './mrkdwn.ts'

/**
 * Block Kit's limits (https://api.slack.com/reference/block-kit): Slack refuses a whole message
 * (`invalid_blocks`) when one is broken, which would turn a long error message into a lost alert.
 */
export const blockKitLimits = {
  blocks: 50,
  sectionText: 3000,
  headerText: 150,
  fields: 10,
  fieldText: 2000,
  buttonText: 75,
  actionElements: 25,
  contextElements: 10,
  /** The fallback `text` (notifications, screen readers): Slack cuts at 40,000; a page of it is plenty. */
  text: 3000,
} as const

type TextObject = { type?: string; text?: string }
type Block = {
  type?: string
  text?: TextObject
  fields?: TextObject[]
  elements?: { type?: string; action_id?: string; text?: TextObject | string }[]
}

/**
 * The payload cut to fit every limit: texts with an ellipsis (mrkdwn cut where it stays valid, a
 * trailing run link kept), lists shortened, `action_id`s made unique. Every message goes through
 * it, so no data can make Slack refuse one.
 */
export function boundPayload(payload: SlackPayload): SlackPayload {
  const source = payload.blocks as Block[]
  const blocks =
    source.length <= blockKitLimits.blocks
      ? source
      : [
          ...source.slice(0, blockKitLimits.blocks - 1),
          {
            type: 'context',
            elements: [{ type: 'mrkdwn', text: `…and ${source.length - blockKitLimits.blocks + 1} more` }],
          },
        ]
  const actionIds = new Set<string>()
  return {
    text: fitText({ type: 'mrkdwn', text: payload.text }, blockKitLimits.text).text ?? '',
    blocks: blocks.map((block) => {
      const out: Block = { ...block }
      if (block.text) {
        out.text = fitText(
          block.text,
          block.type === 'header' ? blockKitLimits.headerText : blockKitLimits.sectionText,
        )
      }
      if (block.fields) {
        out.fields = block.fields
          .slice(0, blockKitLimits.fields)
          .map((f) => fitText(f, blockKitLimits.fieldText))
      }
      if (block.elements) {
        const max = block.type === 'actions' ? blockKitLimits.actionElements : blockKitLimits.contextElements
        out.elements = block.elements.slice(0, max).map((element) => {
          const e = { ...element }
          if (typeof e.text === 'object') e.text = fitText(e.text, blockKitLimits.buttonText)
          else if (typeof e.text === 'string')
            e.text = fitText({ type: e.type ?? 'mrkdwn', text: e.text }, blockKitLimits.sectionText).text
          if (typeof e.action_id === 'string') {
            let id = e.action_id
            for (let n = 2; actionIds.has(id); n++) id = `${e.action_id}_${n}`
            actionIds.add(id)
            e.action_id = id
          }
          return e
        })
      }
      return out
    }),
  }
}

function fitText(object: TextObject, max: number): TextObject {
  const text = object.text ?? ''
  if (text.length <= max) return object
  return { ...object, text: object.type === 'mrkdwn' ? fitMrkdwn(text, max) : cutText(text, max) }
}

/** What breaks a limit, one line each (tests; an empty list means Slack accepts the shape). */
export function blockKitProblems(payload: SlackPayload): string[] {
  const problems: string[] = []
  const blocks = payload.blocks as Block[]
  if (blocks.length > blockKitLimits.blocks) problems.push(`${blocks.length} blocks`)
  if (payload.text.length > blockKitLimits.text) problems.push(`text of ${payload.text.length}`)
  const actionIds = new Set<string>()
  blocks.forEach((block, i) => {
    const max = block.type === 'header' ? blockKitLimits.headerText : blockKitLimits.sectionText
    if ((block.text?.text?.length ?? 0) > max) problems.push(`blocks[${i}].text over ${max}`)
    if ((block.fields?.length ?? 0) > blockKitLimits.fields) problems.push(`blocks[${i}] has too many fields`)
    block.fields?.forEach((f, j) => {
      if ((f.text?.length ?? 0) > blockKitLimits.fieldText)
        problems.push(`blocks[${i}].fields[${j}] too long`)
    })
    block.elements?.forEach((e, j) => {
      if (typeof e.text === 'object' && (e.text.text?.length ?? 0) > blockKitLimits.buttonText)
        problems.push(`blocks[${i}].elements[${j}] button text too long`)
      if (typeof e.text === 'string' && e.text.length > blockKitLimits.sectionText)
        problems.push(`blocks[${i}].elements[${j}] text too long`)
      if (e.action_id !== undefined) {
        if (actionIds.has(e.action_id)) problems.push(`action_id ${e.action_id} repeated`)
        actionIds.add(e.action_id)
      }
    })
  })
  return problems
}
