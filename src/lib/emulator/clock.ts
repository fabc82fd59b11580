/** Milliseconds since the Unix epoch, as the emulator sees them. Every timestamp the emulator writes comes from one Clock. */
export interface Clock {
  now(): number
}

/**
 * Wall-clock time plus an offset. The offset lets `local clock advance` move the emulator's time forward
 * (to exercise retention and windows) without touching the host clock; the daemon persists it.
 */
export class SystemClock implements Clock {
  constructor(private offsetMs = 0) {}

  now(): number {
    return Date.now() + this.offsetMs
  }

  get offset(): number {
    return this.offsetMs
  }

  advance(ms: number): void {
    this.offsetMs += ms
  }
}

/** Time that moves only when a test says so. */
export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2026, 10, 25, 0, 0, 0)) {}

  now(): number {
    return this.current
  }

  advance(ms: number): void {
    this.current += ms
  }
}
