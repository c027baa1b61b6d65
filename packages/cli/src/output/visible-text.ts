/** The line without ANSI escape sequences (colours, cursor moves) and surrounding blanks. */
export function visibleText(line: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point
  return line.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').trim()
}
