/** The URL with its password replaced, fit for logs and error messages. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'
    return parsed.toString()
  } catch {
    // Not a URL: show its shape only, since a mangled URL may still hold a password.
    return url.replace(/\/\/[^@/]*@/, '//***@')
  }
}
