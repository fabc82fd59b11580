#!/usr/bin/env node
// The local emulator daemon:
//   cold start: `node dist/lib/emulator/daemon.js` spawned on a fresh state directory, to its first
//     answer to an RDS request (DescribeDBClusters) — target ≤ 1 s; also `auroractl local start`
//     as a whole (the CLI starting it and waiting until it answers);
//   1,000 clusters (created through the SDK with AURORACTL_TIMING=instant): wall time of
//     `auroractl cluster list --json` (target ≤ 0.5 s) and the daemon's RSS from
//     /proc/<pid>/status VmRSS (target ≤ 300 MiB).
//
//   node bench/daemon.mjs [--starts 5] [--clusters 1000] [--lists 5] [--check]

import {CreateDBClusterCommand, DescribeDBClustersCommand} from '@aws-sdk/client-rds'
import {spawn} from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {performance} from 'node:perf_hooks'
import {parseArgs} from 'node:util'

import {BIN, DAEMON_JS, cleanEnv, freePort, machine, rdsClient, report, round, rssMiB, runOk, sleep, startLocal, stats, stopPid, withCleanup} from './lib.mjs'

const {values: opts} = parseArgs({
  options: {
    starts: {type: 'string', default: '5'},
    clusters: {type: 'string', default: '1000'},
    lists: {type: 'string', default: '5'},
    check: {type: 'boolean', default: false},
  },
})
const CLUSTERS = Number(opts.clusters)


/** Spawn → first DescribeDBClusters answer, in ms, for a daemon on a fresh state directory. */
async function coldStart(onCleanup) {
  if (!fs.existsSync(DAEMON_JS)) throw new Error(`${DAEMON_JS} is missing: run \`npm run build\``)
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'auroractl-bench-cold-'))
  const port = await freePort()
  const rds = await rdsClient(`http://127.0.0.1:${port}`, {requestHandler: {connectionTimeout: 200}})
  // The SDK's own first-request set-up is not the daemon's start-up: pay it before the clock starts.
  await rds.send(new DescribeDBClustersCommand({})).catch(() => undefined)
  const started = performance.now()
  const child = spawn(process.execPath, [DAEMON_JS], {env: cleanEnv({AURORACTL_HOME: home, AURORACTL_LOCAL_PORT: String(port), AURORACTL_TIMING: 'instant'}), stdio: 'ignore'})
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    rds.destroy()
    await stopPid(child.pid)
    fs.rmSync(home, {recursive: true, force: true})
  }
  onCleanup(stop)
  let ms
  for (const deadline = started + 10_000; ; ) {
    try {
      await rds.send(new DescribeDBClustersCommand({}))
      ms = performance.now() - started
      break
    } catch {
      if (performance.now() > deadline) throw new Error('the daemon did not answer within 10 s')
      await sleep(2)
    }
  }
  await stop()
  return ms
}

const result = await withCleanup(async (onCleanup) => {
  const spawnToAnswer = []
  const localStart = []
  for (let i = 0; i < Number(opts.starts); i++) {
    spawnToAnswer.push(await coldStart(onCleanup))
    const local = await startLocal({timing: 'instant'})
    localStart.push(local.startMs)
    await local.stop()
  }

  const local = await startLocal({timing: 'instant'})
  onCleanup(() => local.stop())
  const rds = await rdsClient(local.endpoint, {requestHandler: {connectionTimeout: 200}})
  onCleanup(() => rds.destroy())
  const createStarted = performance.now()
  const CONCURRENCY = 8
  let next = 0
  await Promise.all(
    Array.from({length: CONCURRENCY}, async () => {
      while (next < CLUSTERS) {
        const id = `bench-${String(next++).padStart(4, '0')}`
        await rds.send(new CreateDBClusterCommand({DBClusterIdentifier: id, Engine: 'aurora-postgresql', MasterUsername: 'bench', MasterUserPassword: 'bench-password-1'}))
      }
    }),
  )
  const createMs = performance.now() - createStarted
  const rssAfterCreate = rssMiB(local.pid)
  const listTimes = []
  for (let i = 0; i < Number(opts.lists); i++) {
    const {stdout, ms} = await runOk(process.execPath, [BIN, 'cluster', 'list', '--json'], {env: local.env})
    const listed = JSON.parse(stdout)
    if (!Array.isArray(listed) || listed.length !== CLUSTERS) throw new Error(`cluster list --json returned ${Array.isArray(listed) ? listed.length : typeof listed} clusters, expected ${CLUSTERS}`)
    listTimes.push(ms)
  }
  const rss = rssMiB(local.pid)
  return {
    coldStartMs: {spawnToFirstAnswer: stats(spawnToAnswer), localStartCommand: stats(localStart)},
    clusters: CLUSTERS,
    createMs: round(createMs),
    createPerSecond: round(CLUSTERS / (createMs / 1000)),
    clusterListJsonMs: stats(listTimes),
    daemonRssMiB: {afterCreate: rssAfterCreate, afterLists: rss},
  }
})

report(
  {
    benchmark: 'daemon',
    machine: machine(),
    ...result,
    targets: {
      'cold start to first answer ≤ 1000 ms': {met: result.coldStartMs.spawnToFirstAnswer.median <= 1000, median: result.coldStartMs.spawnToFirstAnswer.median},
      [`cluster list --json of ${CLUSTERS} clusters ≤ 500 ms`]: {met: result.clusterListJsonMs.median <= 500, median: result.clusterListJsonMs.median},
      'daemon RSS ≤ 300 MiB': {met: result.daemonRssMiB.afterLists <= 300, rssMiB: result.daemonRssMiB.afterLists},
    },
  },
  opts.check,
)
