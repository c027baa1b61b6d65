import { createServer, type Server, type Socket } from 'node:net'

/** One message the stand-in accepted, with its parts decoded for assertions. */
export interface ReceivedMail {
  from: string
  to: string[]
  /** The message as sent (headers and MIME body, dot-stuffing removed). */
  raw: string
  /** The Subject header, RFC 2047 encoded words decoded. */
  subject: string
  messageId: string
  /** The decoded text/plain and text/html parts. */
  text: string
  html: string
}

/**
 * Tests only: a minimal SMTP server on node:net (RFC 5321's EHLO, MAIL, RCPT, DATA, RSET, NOOP,
 * QUIT; no TLS, no AUTH), recording every message. `refuse` answers RCPT TO of an address with a
 * reply of the test's choosing: `550` (final) or `451` (try later), once or every time.
 */
export class SmtpStandIn {
  readonly messages: ReceivedMail[] = []
  /** Address → reply to its RCPT TO; `times` counts down, undefined is for ever. */
  readonly refuse = new Map<string, { reply: string; times?: number }>()
  private readonly sockets = new Set<Socket>()

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`
  }

  static async start(): Promise<SmtpStandIn> {
    let instance: SmtpStandIn | undefined
    const server = createServer((socket) => instance?.session(socket))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const address = server.address()
    instance = new SmtpStandIn(server, typeof address === 'object' && address ? address.port : 0)
    return instance
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }

  private session(socket: Socket): void {
    this.sockets.add(socket)
    socket.on('close', () => this.sockets.delete(socket))
    socket.on('error', () => {})
    socket.setEncoding('utf8')
    const say = (line: string) => socket.write(`${line}\r\n`)
    let buffer = ''
    let from = ''
    let to: string[] = []
    let data: string[] | undefined
    say('220 127.0.0.1 ESMTP stand-in')
    socket.on('data', (chunk: string) => {
      buffer += chunk
      for (let end = buffer.indexOf('\r\n'); end !== -1; end = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        if (data) {
          if (line === '.') {
            this.messages.push(parseMail(from, to, data.join('\r\n')))
            data = undefined
            say('250 2.0.0 queued')
          } else data.push(line.startsWith('..') ? line.slice(1) : line)
          continue
        }
        const verb = line.slice(0, 4).toUpperCase()
        if (verb === 'EHLO') say('250-127.0.0.1\r\n250-8BITMIME\r\n250 SMTPUTF8')
        else if (verb === 'HELO') say('250 127.0.0.1')
        else if (verb === 'MAIL') {
          from = address(line)
          to = []
          say('250 2.1.0 ok')
        } else if (verb === 'RCPT') {
          const rcpt = address(line)
          const refusal = this.refuse.get(rcpt)
          if (refusal) {
            if (refusal.times !== undefined && --refusal.times <= 0) this.refuse.delete(rcpt)
            say(refusal.reply)
          } else {
            to.push(rcpt)
            say('250 2.1.5 ok')
          }
        } else if (verb === 'DATA') {
          if (to.length === 0) say('554 5.5.1 no valid recipients')
          else {
            data = []
            say('354 end data with <CR><LF>.<CR><LF>')
          }
        } else if (verb === 'RSET') {
          from = ''
          to = []
          say('250 2.0.0 ok')
        } else if (verb === 'NOOP') say('250 2.0.0 ok')
        else if (verb === 'QUIT') {
          say('221 2.0.0 bye')
          socket.end()
        } else say('502 5.5.2 command not implemented')
      }
    })
  }
}

function address(line: string): string {
  return /<([^>]*)>/.exec(line)?.[1] ?? ''
}

/** Headers and parts of a message as nodemailer writes it (multipart/alternative, QP or base64). */
function parseMail(from: string, to: string[], raw: string): ReceivedMail {
  const [head = '', ...rest] = raw.split('\r\n\r\n')
  const headers = readHeaders(head)
  const body = rest.join('\r\n\r\n')
  const boundary = /boundary="?([^";]+)"?/i.exec(headers.get('content-type') ?? '')?.[1]
  const parts = boundary
    ? body
        .split(`--${boundary}`)
        .slice(1, -1)
        .map((part) => {
          const [partHead = '', ...partBody] = part.replace(/^\r\n/, '').split('\r\n\r\n')
          return { headers: readHeaders(partHead), body: partBody.join('\r\n\r\n').replace(/\r\n$/, '') }
        })
    : [{ headers, body }]
  const part = (type: string) => {
    const found = parts.find((p) => (p.headers.get('content-type') ?? '').startsWith(type))
    return found ? decodeBody(found.body, found.headers.get('content-transfer-encoding') ?? '') : ''
  }
  return {
    from,
    to,
    raw,
    subject: decodeWords(headers.get('subject') ?? ''),
    messageId: headers.get('message-id') ?? '',
    text: part('text/plain'),
    html: part('text/html'),
  }
}

function readHeaders(head: string): Map<string, string> {
  const headers = new Map<string, string>()
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim())
  }
  return headers
}

function decodeBody(body: string, encoding: string): string {
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  if (/quoted-printable/i.test(encoding)) return decodeQuotedPrintable(body.replace(/=\r\n/g, ''))
  return body
}

function decodeQuotedPrintable(text: string): string {
  const bytes: number[] = []
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3)
    if (text[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(Number.parseInt(hex, 16))
      i += 2
    } else bytes.push(...Buffer.from(text[i] ?? '', 'utf8'))
  }
  return Buffer.from(bytes).toString('utf8')
}

/** RFC 2047 `=?UTF-8?Q?…?=` / `=?UTF-8?B?…?=` words, adjacent ones joined. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QB])\?([^?]*)\?=/gi, (_, _charset: string, kind: string, text: string) =>
      kind.toUpperCase() === 'B'
        ? Buffer.from(text, 'base64').toString('utf8')
        : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    )
}
