import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ReceiverFixture } from '../testing/receiver-fixture.ts'
import { SmtpStandIn } from '../testing/smtp-stand-in.ts'
import { waitUntil } from '../testing/wait-until.ts'
import { type ReceiverDelivery, startReceiverDelivery } from './receiver-delivery.ts'

const address = 'oncall@example.com'
const destination = `email:${address}`

describe('e-mail receiver', () => {
  let fixture: ReceiverFixture
  let smtp: SmtpStandIn
  let delivery: ReceiverDelivery
  beforeAll(async () => {
    // A product name that tries to add a header, and markup for the HTML part.
    fixture = await ReceiverFixture.open(
      [{ team: 'data', slack: '#churn', alertEmail: address }],
      'Churn "scores"\r\nBcc: victim@example.com',
    )
    smtp = await SmtpStandIn.start()
    delivery = startReceiverDelivery({
      db: fixture.t.db,
      settings: {
        webhooks: {},
        pagerduty: {},
        pagerdutyUrl: 'http://127.0.0.1:9',
        email: { smtpUrl: smtp.url, from: 'Steward <alerts@steward.example.com>' },
      },
      webUrl: 'https://steward.example.com',
      paceMs: { email: 0 },
      backoff: { baseMs: 50, maxMs: 200 },
      pollMs: 50,
    })
  })
  afterAll(async () => {
    await delivery?.close()
    await smtp?.close()
    await fixture?.dispose()
  })

  it('mails the incident after a 451, its subject one line and its HTML escaped', async () => {
    smtp.refuse.set(address, { reply: '451 4.7.1 greylisted, try again', times: 1 })
    await fixture.failRun()
    // Text from data, as a step's error or a definition could carry it (the detail is mrkdwn).
    await fixture.t.db
      .updateTable('incidents')
      .set({
        title: '<img src=x onerror=alert(1)> & churn.score failed',
        detail:
          'Step `score` failed: `&lt;b&gt;bold&lt;/b&gt; &amp; more`\n<https://steward.example.com/runs/1|Run 1>',
      })
      .execute()
    delivery.nudge()
    await waitUntil('the mail recorded', async () =>
      (await fixture.notifications(destination)).every((n) => n.status === 'sent'),
    )
    expect(smtp.messages).toHaveLength(1)
    const [row] = await fixture.notifications(destination)
    expect(row).toMatchObject({ status: 'sent', attempts: 2, last_error: null })
    const [mail] = smtp.messages
    expect(mail?.from).toBe('alerts@steward.example.com')
    expect(mail?.to).toEqual([address])
    expect(mail?.messageId).toBe(`<steward-notification-${row?.id}@steward.example.com>`)
    // One header line: the CR/LF in the product name did not start a Bcc header.
    expect(mail?.subject).toBe(
      '[Steward] Critical: Churn "scores" Bcc: victim@example.com: <img src=x onerror=alert(1)> & churn.score failed',
    )
    const head = mail?.raw.split('\r\n\r\n')[0] ?? ''
    expect(head).not.toMatch(/^bcc:/im)
    // The plain part is plain text: Slack's escapes are gone, the link is readable.
    expect(mail?.text).toContain('Critical: <img src=x onerror=alert(1)> & churn.score failed')
    expect(mail?.text).toContain('Step `score` failed: `<b>bold</b> & more`')
    expect(mail?.text).toContain('Run 1 (https://steward.example.com/runs/1)')
    expect(mail?.text).toContain('https://steward.example.com/products/churn')
    // The HTML part shows the same text and runs none of it.
    expect(mail?.html).toContain('&lt;img src=x onerror=alert(1)&gt; &amp; churn.score failed')
    expect(mail?.html).toContain('`&lt;b&gt;bold&lt;/b&gt; &amp; more`')
    expect(mail?.html).not.toMatch(/<img|<b>/)
  })

  it('records an SMTP 5xx as failed and does not send it again', async () => {
    smtp.refuse.set(address, { reply: '550 5.1.1 no such mailbox' })
    await fixture.resolve()
    delivery.nudge()
    await waitUntil('the refusal recorded', async () =>
      (await fixture.notifications(destination)).some((n) => n.status === 'failed'),
    )
    await new Promise((resolve) => setTimeout(resolve, 300))
    delivery.nudge()
    await new Promise((resolve) => setTimeout(resolve, 200))
    const failed = (await fixture.notifications(destination)).filter((n) => n.status === 'failed')
    expect(failed).toHaveLength(1)
    expect(failed[0]).toMatchObject({ kind: 'resolved', attempts: 1 })
    expect(failed[0]?.last_error).toMatch(/^SMTP 550: .*no such mailbox/)
    expect(smtp.messages).toHaveLength(1)
    expect((await fixture.notifications('#churn')).filter((n) => n.kind === 'delivery_problem')).toHaveLength(
      1,
    )
  })
})
