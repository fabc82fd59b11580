import {ManualClock} from '../../src/lib/emulator/clock.js'
import {Prng} from '../../src/lib/emulator/prng.js'
import {StorageFleet} from '../../src/lib/emulator/storage/fleet.js'
import {BLOCK_SIZE, BLOCKS_PER_PROTECTION_GROUP, protectionGroupOf} from '../../src/lib/emulator/storage/geometry.js'
import {applyRanges} from '../../src/lib/emulator/storage/record.js'
import {SimulatedTransport} from '../../src/lib/emulator/storage/transport.js'
import {type BlockWrite, StorageUnavailable, Volume} from '../../src/lib/emulator/storage/volume.js'

/**
 * Deterministic simulation of a volume, in the manner of TigerBeetle's VOPR: one seed
 * drives a random workload and a random fault schedule (segment loss, node crash and
 * restart, AZ outage, dropped and delayed messages, writer crash); invariants are
 * checked after every step, then everything heals and the volume must converge.
 */
export interface SimulationOptions {
  seed: number
  steps?: number
}

export interface SimulationReport {
  seed: number
  commits: number
  acknowledged: number
  refused: number
  recoveries: number
  repairs: number
  faults: Record<string, number>
}

export class SimulationFailure extends Error {
  constructor(readonly seed: number, readonly step: number, message: string, readonly trace: string[]) {
    super(`seed ${seed}, step ${step}: ${message}\nreplay: STORAGE_SIM_SEED=${seed} npx vitest run test/storage/simulation.test.ts\nlast steps:\n  ${trace.slice(-15).join('\n  ')}`)
    this.name = 'SimulationFailure'
  }
}

/** Blocks spread over three protection groups, so the volume-wide VCL really spans groups. */
const BLOCKS = [0, 1, 2, 3, 4, 5, BLOCKS_PER_PROTECTION_GROUP, BLOCKS_PER_PROTECTION_GROUP + 1, 2 * BLOCKS_PER_PROTECTION_GROUP]

interface Commit {
  lsn: number
  writes: BlockWrite[]
}

export function simulate(options: SimulationOptions): SimulationReport {
  const {seed} = options
  const steps = options.steps ?? 80
  const random = new Prng(seed)
  const clock = new ManualClock()
  const fleet = new StorageFleet('us-east-1')
  const transport = new SimulatedTransport(() => clock.now(), () => random.next())
  const volume = new Volume({id: `sim-${seed}`, fleet, clock, transport, foldAfterBytes: random.pick([0, 512, 1 << 30]), repair: {detectionDelayMs: 40, bytesPerSecond: 4 * 1024 * 1024}})
  let repairs = 0
  volume.on((e) => {
    if (e.type === 'repair-finished') repairs++
  })
  const report: SimulationReport = {seed, commits: 0, acknowledged: 0, refused: 0, recoveries: 0, repairs: 0, faults: {}}
  const trace: string[] = []
  let step = 0
  const fail = (message: string): never => {
    throw new SimulationFailure(seed, step, message, trace)
  }

  /** Every commit issued, in LSN order; truncated ones are removed when recovery discards them. */
  let commits: Commit[] = []
  /** The highest LSN ever acknowledged: recovery may never go below it. */
  let acknowledged = 0
  let highestVdl = 0

  const expectedPage = (block: number, at: number): Uint8Array => {
    const page = new Uint8Array(BLOCK_SIZE)
    for (const c of commits) {
      if (c.lsn > at) break
      for (const w of c.writes) if (w.block === block) applyRanges(page, w.ranges)
    }
    return page
  }

  const writableGroups = (blocks: number[]) =>
    [...new Set(blocks.map(protectionGroupOf))].every((pg) => {
      const g = volume.protectionGroups[pg]
      return g ? g.writable(fleet) : fleet.nodes.length > 0 && [...new Set(fleet.placeProtectionGroup(pg))].filter((n) => fleet.reachable(n)).length >= 4
    })

  const checkInvariants = (): void => {
    const vdl = volume.vdl
    if (vdl > volume.vcl) fail(`VDL ${vdl} above VCL ${volume.vcl}`)
    if (vdl !== 0 && !commits.some((c) => c.lsn === vdl)) fail(`VDL ${vdl} is not a consistency point`)
    if (vdl < acknowledged) fail(`VDL ${vdl} fell below the acknowledged LSN ${acknowledged}`)
    if (!volume.rewound && vdl < highestVdl) fail(`VDL went backwards from ${highestVdl} to ${vdl}`)
    highestVdl = Math.max(highestVdl, vdl)
    for (const c of commits) if (c.lsn <= vdl && c.lsn > acknowledged) acknowledged = c.lsn
    for (const g of volume.protectionGroups) {
      // A segment of an older epoch may still hold truncated records; it drops them before serving anything.
      const healthy = g.members.filter((s) => s.state === 'healthy' && s.epoch === volume.currentEpoch)
      for (let i = 0; i < healthy.length; i++) {
        for (let j = i + 1; j < healthy.length; j++) {
          const [a, b] = [healthy[i], healthy[j]]
          const from = Math.max(a.floor, b.floor)
          const to = Math.min(a.scl, b.scl)
          const ra = a.recordsBetween(from, to)
          const rb = b.recordsBetween(from, to)
          if (ra.length !== rb.length || ra.some((r, k) => r.lsn !== rb[k].lsn || r.checksum !== rb[k].checksum)) {
            fail(`segments ${a.id} and ${b.id} disagree below their SCLs (${from}, ${to}]`)
          }
        }
      }
    }
    for (const block of BLOCKS) {
      let actual: Uint8Array
      try {
        actual = volume.readBlock(block)
      } catch (error) {
        if (error instanceof StorageUnavailable) continue
        throw error
      }
      const expected = expectedPage(block, vdl)
      if (Buffer.compare(Buffer.from(actual), Buffer.from(expected)) !== 0) fail(`block ${block} read at VDL ${vdl} differs from the model`)
    }
  }

  const randomWrite = (): BlockWrite[] => {
    const count = 1 + random.int(3)
    const writes: BlockWrite[] = []
    for (let i = 0; i < count; i++) {
      const offset = random.int(BLOCK_SIZE - 16)
      const bytes = Uint8Array.from({length: 1 + random.int(16)}, () => random.int(256))
      writes.push({block: random.pick(BLOCKS), ranges: [{offset, bytes}]})
    }
    return writes
  }

  const countFault = (name: string) => {
    report.faults[name] = (report.faults[name] ?? 0) + 1
    trace.push(`fault ${name}`)
  }

  const injectFault = (): void => {
    const roll = random.int(100)
    const downAzs = fleet.downAzList()
    if (roll < 20) {
      const node = random.pick(fleet.nodes)
      node.up = !node.up
      countFault(node.up ? 'node-up' : 'node-down')
    } else if (roll < 35) {
      const az = random.pick(fleet.azs)
      if (downAzs.includes(az)) fleet.setAz(az, true)
      else if (downAzs.length === 0) fleet.setAz(az, false)
      countFault(downAzs.includes(az) ? 'az-up' : 'az-down')
    } else if (roll < 50) {
      const g = volume.protectionGroups.length > 0 ? random.pick(volume.protectionGroups) : undefined
      const victim = g?.members.filter((s) => s.state === 'healthy')
      if (g && victim && victim.length > 4) {
        volume.loseSegment(g.index, random.pick(victim).id)
        countFault('segment-loss')
      }
    } else if (roll < 70) {
      transport.faults = {dropProbability: random.pick([0, 0, 0.1, 0.3]), maxDelayMs: random.pick([0, 5, 20])}
      countFault(`network drop=${transport.faults.dropProbability} delay≤${transport.faults.maxDelayMs}ms`)
    } else if (roll < 85) {
      volume.crashWriter()
      countFault('writer-crash')
      recover()
    } else {
      heal()
    }
  }

  const recover = (): void => {
    try {
      const before = commits.length
      const {vdl} = volume.recover()
      commits = commits.filter((c) => c.lsn <= vdl)
      report.recoveries++
      trace.push(`recovered at VDL ${vdl}, discarded ${before - commits.length} unacknowledged commits`)
    } catch (error) {
      if (!(error instanceof StorageUnavailable)) throw error
      trace.push(`recovery waits: ${error.message}`)
    }
  }

  const heal = (): void => {
    for (const n of fleet.nodes) n.up = true
    for (const az of fleet.azs) fleet.setAz(az, true)
    transport.faults = {dropProbability: 0, maxDelayMs: 0}
    countFault('heal')
  }

  const advance = (ms: number): void => {
    clock.advance(ms)
    transport.deliverDue(clock.now())
    volume.tick()
  }

  for (step = 0; step < steps; step++) {
    const roll = random.int(100)
    if (roll < 50) {
      if (!volume.hasWriter) recover()
      const writes = randomWrite()
      const expectWritable = writableGroups(writes.map((w) => w.block))
      try {
        const lsn = volume.commit(writes)
        if (!expectWritable) fail(`commit at LSN ${lsn} accepted without a reachable write quorum`)
        commits.push({lsn, writes})
        report.commits++
        trace.push(`commit ${lsn} (${writes.map((w) => w.block).join(',')})`)
      } catch (error) {
        if (!(error instanceof StorageUnavailable)) throw error
        if (error.code === 'WriteQuorumLost' && expectWritable) fail(`commit refused with a write quorum reachable: ${error.message}`)
        if (error.code === 'WriterFenced') recover()
        report.refused++
        trace.push(`refused: ${error.code}`)
      }
    } else if (roll < 85) {
      advance(1 + random.int(25))
    } else {
      injectFault()
    }
    checkInvariants()
  }

  // Liveness: heal everything; the volume must converge to six identical, complete copies.
  heal()
  for (let round = 0; round < 200 && !converged(volume); round++) {
    if (!volume.hasWriter) recover()
    advance(50)
    checkInvariants()
  }
  if (!volume.hasWriter) recover()
  for (let round = 0; round < 50 && !converged(volume); round++) {
    advance(50)
    checkInvariants()
  }
  if (!converged(volume)) fail(`did not converge after healing: ${describeGroups(volume)}`)
  const lsn = volume.commit([{block: 0, ranges: [{offset: 0, bytes: Uint8Array.of(1)}]}])
  commits.push({lsn, writes: [{block: 0, ranges: [{offset: 0, bytes: Uint8Array.of(1)}]}]})
  for (let round = 0; round < 20 && !volume.isDurable(lsn); round++) advance(10)
  if (!volume.isDurable(lsn)) fail(`a write after healing (LSN ${lsn}) did not become durable: VDL ${volume.vdl}, VCL ${volume.vcl}, ${describeGroups(volume)}`)
  checkInvariants()
  report.acknowledged = commits.filter((c) => c.lsn <= volume.vdl).length
  report.repairs = repairs
  return report
}

function converged(volume: Volume): boolean {
  return volume.protectionGroups.every((g) => {
    if (g.change) return false
    const scls = g.members.map((s) => s.scl)
    return g.members.every((s) => s.state === 'healthy') && scls.every((scl) => scl === scls[0]) && volume.pgcl(g.index) >= scls[0]
  })
}

function describeGroups(volume: Volume): string {
  return volume.protectionGroups
    .map((g) => `pg${g.index}(pgcl ${volume.pgcl(g.index)})[${g.members.map((s) => `${s.node.id}:${s.state}:${s.scl}:e${s.epoch}`).join(' ')}${g.change ? ' changing' : ''}]`)
    .join(' ')
}
