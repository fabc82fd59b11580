import type {LogRecord} from './record.js'
import type {Delivery, Segment} from './segment.js'

/** How a record travels from the writer to a segment, and its acknowledgement back. */
export interface Transport {
  /** `from: 'peer'` marks a copy of a record an earlier writer wrote (re-replication after recovery). */
  send(segment: Segment, record: LogRecord, reachable: boolean, onDelivered: (delivery: Delivery) => void, from?: 'writer' | 'peer'): void
}

/** Delivery within the call: what the daemon uses when no network fault is injected. */
export class DirectTransport implements Transport {
  send(segment: Segment, record: LogRecord, reachable: boolean, onDelivered: (delivery: Delivery) => void, from: 'writer' | 'peer' = 'writer'): void {
    if (reachable) onDelivered(segment.receive(record, from))
  }
}

export interface NetworkFaults {
  /** Probability that a message (record or its ack) is lost. */
  dropProbability: number
  /** Extra delay, uniformly up to this many ms. */
  maxDelayMs: number
}

interface InFlight {
  at: number
  seq: number
  run: () => void
}

/**
 * A network that drops and delays messages by a seeded PRNG, delivering only when
 * `deliverDue(now)` is called: the deterministic simulation's transport.
 */
export class SimulatedTransport implements Transport {
  private queue: InFlight[] = []
  private seq = 0
  faults: NetworkFaults = {dropProbability: 0, maxDelayMs: 0}

  constructor(
    private readonly now: () => number,
    private readonly random: () => number,
  ) {}

  send(segment: Segment, record: LogRecord, reachable: boolean, onDelivered: (delivery: Delivery) => void, from: 'writer' | 'peer' = 'writer'): void {
    if (!reachable || this.random() < this.faults.dropProbability) return
    const at = this.now() + Math.floor(this.random() * (this.faults.maxDelayMs + 1))
    this.queue.push({
      at,
      seq: this.seq++,
      run: () => {
        const delivery = segment.receive(record, from)
        if (this.random() >= this.faults.dropProbability) onDelivered(delivery)
      },
    })
  }

  /** Delivers every message due by `now`, in (time, send order). */
  deliverDue(now: number): void {
    const due = this.queue.filter((m) => m.at <= now).sort((a, b) => a.at - b.at || a.seq - b.seq)
    this.queue = this.queue.filter((m) => m.at > now)
    for (const m of due) m.run()
  }

  get inFlight(): number {
    return this.queue.length
  }
}
