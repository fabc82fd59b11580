#!/usr/bin/env node
// API latency: DescribeDBClusters through @aws-sdk/client-rds against the local emulator daemon
// and against moto_server, side by side (requests alternate), median and p95.
// Target: the daemon's median is no slower than moto's.
//
//   node bench/api-latency.mjs [--requests 300] [--warmup 30] [--check]
//
// Each server holds the same one cluster; one long-lived client per server (keep-alive, as the
// SDK does by default); the time is that of `await client.send(...)`, i.e. what a caller sees.

import {CreateDBClusterCommand, DescribeDBClustersCommand} from '@aws-sdk/client-rds'
import {performance} from 'node:perf_hooks'
import {parseArgs} from 'node:util'

import {interleaved, machine, median, rdsClient, report, round, startLocal, startMoto, stats, withCleanup} from './lib.mjs'

const {values: opts} = parseArgs({
  options: {
    requests: {type: 'string', default: '300'},
    warmup: {type: 'string', default: '30'},
    check: {type: 'boolean', default: false},
  },
})
const CLUSTER = 'bench-latency'


const result = await withCleanup(async (onCleanup) => {
  const [local, moto] = await Promise.all([startLocal({timing: 'instant'}), startMoto()])
  onCleanup(() => local.stop())
  onCleanup(() => moto.stop())
  const clients = {daemon: await rdsClient(local.endpoint), moto: await rdsClient(moto.endpoint)}
  onCleanup(() => Object.values(clients).forEach((c) => c.destroy()))
  for (const c of Object.values(clients)) {
    await c.send(new CreateDBClusterCommand({DBClusterIdentifier: CLUSTER, Engine: 'aurora-postgresql', MasterUsername: 'bench', MasterUserPassword: 'bench-password-1'}))
  }
  const describe = async (name) => {
    const started = performance.now()
    const reply = await clients[name].send(new DescribeDBClustersCommand({DBClusterIdentifier: CLUSTER}))
    const ms = performance.now() - started
    if (reply.DBClusters?.[0]?.DBClusterIdentifier !== CLUSTER) throw new Error(`${name} did not describe ${CLUSTER}`)
    return ms
  }
  await interleaved(Number(opts.warmup), Object.keys(clients), describe)
  const times = await interleaved(Number(opts.requests), Object.keys(clients), describe)
  return {
    endpoints: {daemon: local.endpoint, moto: moto.endpoint},
    ms: {daemon: stats(times.daemon), moto: stats(times.moto)},
    medianRatio: round(median(times.daemon) / median(times.moto), 3),
  }
})

report(
  {
    benchmark: 'api-latency',
    operation: 'DescribeDBClusters (one cluster) via @aws-sdk/client-rds',
    machine: machine(),
    ...result,
    targets: {'daemon median ≤ moto median': {met: result.ms.daemon.median <= result.ms.moto.median, daemon: result.ms.daemon.median, moto: result.ms.moto.median}},
  },
  opts.check,
)
