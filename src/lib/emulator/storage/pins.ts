/**
 * What the log must keep. A range pin keeps every version above an LSN (a replica's
 * read-point, the backtrack window, backup retention); a point pin keeps the volume as
 * it was at one LSN (a snapshot, a clone's branch point). Storage garbage-collects
 * below the lowest range pin, keeping only what point pins need.
 */
export class PinRegistry {
  private readonly ranges = new Map<string, () => number>()
  private readonly points = new Map<string, number>()

  /** Pins everything above `lsn`; a function is read afresh each time (a moving window). */
  pinRange(name: string, lsn: number | (() => number)): void {
    this.ranges.set(name, typeof lsn === 'number' ? () => lsn : lsn)
  }

  pinPoint(name: string, lsn: number): void {
    this.points.set(name, lsn)
  }

  release(name: string): void {
    this.ranges.delete(name)
    this.points.delete(name)
  }

  /** The lowest LSN any range pin still needs, capped at `ceiling`. */
  horizon(ceiling: number): number {
    let h = ceiling
    for (const lsn of this.ranges.values()) h = Math.min(h, lsn())
    return Math.max(0, h)
  }

  pointLsns(): number[] {
    return [...this.points.values()].sort((a, b) => a - b)
  }

  list(): {name: string; kind: 'range' | 'point'; lsn: number}[] {
    return [
      ...[...this.ranges].map(([name, lsn]) => ({name, kind: 'range' as const, lsn: lsn()})),
      ...[...this.points].map(([name, lsn]) => ({name, kind: 'point' as const, lsn})),
    ]
  }
}
