import {liveProgress} from './terminal.js'

/**
 * Progress of a long wait, on stderr. On a TTY one line is rewritten in place;
 * elsewhere a line is printed each time the state text changes, so logs stay short.
 */
export class Progress {
  private last = ''
  private readonly live = liveProgress()
  private readonly started = Date.now()

  constructor(private readonly label: string, private readonly out: NodeJS.WriteStream = process.stderr) {}

  update(state: string): void {
    const elapsed = Math.round((Date.now() - this.started) / 1000)
    if (this.live) {
      this.out.write(`\r\x1b[2K${this.label}: ${state} (${elapsed}s)`)
    } else if (state !== this.last) {
      this.out.write(`${this.label}: ${state}\n`)
    }
    this.last = state
  }

  done(message?: string): void {
    if (this.live) this.out.write('\r\x1b[2K')
    if (message) this.out.write(`${message}\n`)
  }
}
