/**
 * Collects what arrives within `waitMs` of the previous arrival and hands it over once, as a set:
 * an editor's save is several file events (write, rename, chmod), and a formatter or `git checkout`
 * touches several files at once; each burst should make one reload, not one per event.
 */
export class Debounce<T> {
  private readonly pending = new Set<T>()
  private timer: NodeJS.Timeout | undefined

  constructor(
    private readonly waitMs: number,
    private readonly flush: (items: ReadonlySet<T>) => void,
  ) {}

  add(item: T): void {
    this.pending.add(item)
    clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = undefined
      const items = new Set(this.pending)
      this.pending.clear()
      this.flush(items)
    }, this.waitMs)
  }

  cancel(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.pending.clear()
  }
}
