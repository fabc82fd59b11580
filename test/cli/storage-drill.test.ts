import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {FaultReport, VolumeReport} from '../../src/lib/local/storage.js'
import {type LocalHome, localHome} from '../helpers/local-daemon.js'
import {cli} from '../helpers/process.js'

// End-to-end storage drill through the CLI, as an operator runs it. Requires `npm run build` first.
describe('a storage drill from the CLI', () => {
  let local: LocalHome
  const run = (args: string[], input?: string) => cli(args, {env: local.env, input})
  const volume = async () => JSON.parse((await run(['local', 'volume', 'drill', '--json'])).stdout) as VolumeReport
  const faults = async () => JSON.parse((await run(['local', 'fault', 'list', '--json'])).stdout) as FaultReport

  beforeAll(async () => {
    local = localHome('instant')
    expect((await run(['cluster', 'create', 'drill', '--instances', '1', '--master-password-stdin'], 'pa55word-ok\n')).code).toBe(0)
  })
  afterAll(async () => {
    await local?.cleanup()
  })

  it('writes on 4/6 with an AZ down, refuses with one more node down while reads go on, and heals to six copies', async () => {
    expect((await run(['local', 'volume', 'write', 'drill', '--records', '20'])).code).toBe(0)
    const before = await volume()
    expect(before.protectionGroups[0].segments).toHaveLength(6)
    for (const s of before.protectionGroups[0].segments) expect(s).toMatchObject({az: expect.stringMatching(/^us-east-1[abc]$/), node: expect.any(String), scl: 20, state: 'healthy'})

    expect((await run(['local', 'fault', 'az-down', 'us-east-1a'])).code).toBe(0)
    const onFour = await run(['local', 'volume', 'write', 'drill', '--records', '5', '--json'])
    expect(onFour.code, onFour.stderr).toBe(0)
    expect((await volume()).writeQuorum).toBe('available')
    const checksum = async () => (JSON.parse((await run(['local', 'volume', 'drill', '--checksum', '--json'])).stdout) as VolumeReport).content
    const written = await checksum()
    expect(written).toMatchObject({crc32: expect.stringMatching(/^[0-9a-f]{8}$/), readPoint: 25})

    // Repair would replace the crashed node's segment at once under the instant timing; hold it to watch the loss.
    expect((await run(['local', 'repair', 'pause'])).code).toBe(0)
    const other = before.protectionGroups[0].segments.find((s) => s.az === 'us-east-1b')!.node
    expect((await run(['local', 'fault', 'node-down', other])).code).toBe(0)
    const refused = await run(['local', 'volume', 'write', 'drill', '--records', '5'])
    expect(refused.code).toBe(4)
    expect(refused.stderr).toMatch(/StorageQuorumUnavailable: writes refused: protection group 0 .* reaches 3 of 6 segments and needs 4/)
    const degraded = await volume()
    expect(degraded).toMatchObject({writeQuorum: 'lost', readQuorum: 'available', vdl: 25})
    // Reads go on: the whole volume reads back the same as before the refused write.
    expect(await checksum()).toEqual(written)
    expect(degraded.protectionGroups[0].segments.filter((s) => s.state === 'unreachable')).toHaveLength(3)

    // Repair rebuilds the crashed node's segment on another node of us-east-1b: 4/6 reachable again.
    expect((await run(['local', 'repair', 'resume'])).code).toBe(0)
    await new Promise((r) => setTimeout(r, 600))
    const restored = await run(['local', 'volume', 'write', 'drill', '--records', '1'])
    expect(restored.code, restored.stderr).toBe(0)
    const repaired = await volume()
    expect(repaired.protectionGroups[0].segments.some((s) => s.node === other)).toBe(false)

    expect((await run(['local', 'fault', 'heal', '--all'])).code).toBe(0)
    await new Promise((r) => setTimeout(r, 400))
    const healed = await volume()
    expect(healed.writeQuorum).toBe('available')
    expect(healed.protectionGroups[0].segments.map((s) => [s.state, s.scl])).toEqual(Array.from({length: 6}, () => ['healthy', 26]))
    expect(await faults()).toMatchObject({downAzs: [], downNodes: [], lostSegments: []})
  })

  it('holds repair while paused, then rebuilds a lost segment on another node of its AZ', async () => {
    expect((await run(['local', 'repair', 'pause'])).code).toBe(0)
    expect((await run(['local', 'fault', 'segment-loss', 'drill', '--pg', '0'])).code).toBe(0)
    const lost = await volume()
    const gone = lost.protectionGroups[0].segments.find((s) => s.state === 'lost')!
    expect(gone).toBeDefined()
    expect((await faults()).lostSegments).toEqual([{cluster: 'drill', pg: 0, segment: gone.id}])
    expect((await run(['local', 'repair', 'resume'])).code).toBe(0)
    await new Promise((r) => setTimeout(r, 600))
    expect((await run(['local', 'volume', 'write', 'drill', '--records', '1'])).code).toBe(0)
    const repaired = await volume()
    const segments = repaired.protectionGroups[0].segments
    expect(segments.every((s) => s.state === 'healthy')).toBe(true)
    expect(segments.some((s) => s.id === gone.id)).toBe(false)
    expect(segments.filter((s) => s.az === gone.az)).toHaveLength(2)
    expect(repaired.protectionGroups[0].membershipEpoch).toBeGreaterThan(lost.protectionGroups[0].membershipEpoch)
  })

  it('refuses bad fault requests with a clear error and changes nothing', async () => {
    const before = await faults()
    for (const [args, code, exit] of [
      [['local', 'fault', 'az-down', 'us-east-1z'], 'InvalidParameterValue', 2],
      [['local', 'fault', 'node-down', 'no-such-node'], 'InvalidParameterValue', 2],
      [['local', 'fault', 'segment-loss', 'nope'], 'DBClusterNotFoundFault', 3],
      [['local', 'fault', 'segment-loss', 'drill', '--pg', '7'], 'InvalidParameterValue', 2],
      [['local', 'fault', 'heal'], '', 2],
      [['local', 'volume', 'missing'], 'DBClusterNotFoundFault', 3],
    ] as [string[], string, number][]) {
      const result = await run(args)
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(exit)
      expect(result.stderr).toContain(code)
    }
    expect(await faults()).toEqual(before)
  })

  it('keeps the volume across a daemon restart', async () => {
    const before = await volume()
    expect((await run(['local', 'stop'])).code).toBe(0)
    const after = await volume()
    expect(after.vdl).toBe(before.vdl)
    expect(after.epoch).toBe(before.epoch + 1)
    expect(after.protectionGroups[0].segments.every((s) => s.state === 'healthy' && s.scl >= before.vdl)).toBe(true)
  })
})
