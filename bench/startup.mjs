#!/usr/bin/env node
// Start-up: `auroractl cluster describe X --json` as a whole process against the aws CLI's
// `aws rds describe-db-clusters --db-cluster-identifier X --endpoint-url <same endpoint>`, and
// `node -e 0` as the floor. Interleaved rounds, medians; target: auroractl ≤ 1/3 of the aws CLI.
//
//   node bench/startup.mjs [--target local|moto|both] [--runs 15] [--aws aws] [--check]
//                          [--no-code-cache-too] [--baseline <another built checkout>]
//
// local (default): a daemon started with `auroractl local start` on a temporary AURORACTL_HOME;
//   auroractl finds it as users do (no --endpoint-url), the aws CLI gets its endpoint.
// moto: moto_server on a free port; auroractl with --backend aws --endpoint-url.
// When `aws` on PATH is a pyenv shim (a shell script in front of the real one), the real
// executable is measured too, as `awsDirect`, and the target is checked against it as well.
// --no-code-cache-too adds this build run with AURORACTL_CODE_CACHE=off; --baseline DIR adds
// DIR/bin/run.js with the same arguments (e.g. a built checkout of an older commit).

import {CreateDBClusterCommand, RDSClient} from '@aws-sdk/client-rds'
import {execFileSync} from 'node:child_process'
import path from 'node:path'
import {parseArgs} from 'node:util'

import {BIN, FAKE_AWS_ENV, REGION, awsCliVersion, cleanEnv, interleaved, machine, median, report, round, runOk, runTimed, startLocal, startMoto, stats, withCleanup} from './lib.mjs'

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true'

const {values: opts} = parseArgs({
  options: {
    target: {type: 'string', default: 'local'},
    runs: {type: 'string', default: '15'},
    warmup: {type: 'string', default: '2'},
    aws: {type: 'string', default: 'aws'},
    check: {type: 'boolean', default: false},
    'no-code-cache-too': {type: 'boolean', default: false},
    baseline: {type: 'string'},
  },
})
const RUNS = Number(opts.runs)
const WARMUP = Number(opts.warmup)
const RATIO_TARGET = 1 / 3
const CLUSTER = 'bench-startup'

/** The real aws executable behind a pyenv shim, if that is what PATH finds. */
function directAws(aws) {
  const quiet = (command, args) => {
    try {
      return execFileSync(command, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore']}).trim()
    } catch {
      return undefined
    }
  }
  const found = quiet('sh', ['-c', 'command -v "$0"', aws])
  if (!found || !found.includes('/shims/')) return undefined
  return quiet('pyenv', ['which', aws])
}

/** The cluster both CLIs describe, created through the SDK. */
async function createCluster(endpoint) {
  const rds = new RDSClient({region: REGION, endpoint, credentials: {accessKeyId: FAKE_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: FAKE_AWS_ENV.AWS_SECRET_ACCESS_KEY}, maxAttempts: 1})
  try {
    await rds.send(new CreateDBClusterCommand({DBClusterIdentifier: CLUSTER, Engine: 'aurora-postgresql', MasterUsername: 'bench', MasterUserPassword: 'bench-password-1'}))
  } finally {
    rds.destroy()
  }
}

async function measure(target) {
  return withCleanup(async (onCleanup) => {
    let endpoint
    let auroractlArgs
    let env
    if (target === 'local') {
      const local = await startLocal({timing: 'instant'})
      onCleanup(() => local.stop())
      endpoint = local.endpoint
      env = {...local.env, ...FAKE_AWS_ENV}
      auroractlArgs = ['cluster', 'describe', CLUSTER, '--json']
    } else {
      const moto = await startMoto()
      onCleanup(() => moto.stop())
      endpoint = moto.endpoint
      env = cleanEnv(FAKE_AWS_ENV)
      const globals = ['--backend', 'aws', '--endpoint-url', endpoint, '--region', REGION]
      auroractlArgs = ['cluster', 'describe', CLUSTER, '--json', ...globals]
    }
    await createCluster(endpoint)
    const awsArgs = ['rds', 'describe-db-clusters', '--db-cluster-identifier', CLUSTER, '--endpoint-url', endpoint, '--region', REGION]
    const commands = {
      auroractl: [BIN, auroractlArgs],
      aws: [opts.aws, awsArgs],
      node: [process.execPath, ['-e', '0']],
    }
    const direct = directAws(opts.aws)
    if (direct) commands.awsDirect = [direct, awsArgs]
    const envs = {}
    if (opts['no-code-cache-too']) {
      commands.auroractlNoCodeCache = [BIN, auroractlArgs]
      envs.auroractlNoCodeCache = {AURORACTL_CODE_CACHE: 'off'}
    }
    if (opts.baseline) commands.baseline = [path.resolve(opts.baseline, 'bin', 'run.js'), auroractlArgs]
    // Same answer from both, or the comparison means nothing.
    const ours = JSON.parse((await runOk(BIN, auroractlArgs, {env})).stdout)
    const theirs = JSON.parse((await runOk(opts.aws, awsArgs, {env})).stdout)
    if (ours.DBClusterIdentifier !== CLUSTER || theirs.DBClusters?.[0]?.DBClusterIdentifier !== CLUSTER) throw new Error('auroractl and the aws CLI did not both describe the cluster')

    const runOne = async (name) => {
      const [command, args] = commands[name]
      const result = await runTimed(command, args, {env: {...env, ...envs[name]}})
      if (result.code !== 0) throw new Error(`${name} exited ${result.code}: ${result.stderr.trim()}`)
      return result.ms
    }
    await interleaved(WARMUP, Object.keys(commands), runOne)
    const times = await interleaved(RUNS, Object.keys(commands), runOne)
    const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]))
    const result = {
      target,
      endpoint,
      commands: Object.fromEntries(Object.entries(commands).map(([k, [c, a]]) => [k, [...Object.entries(envs[k] ?? {}).map(([n, v]) => `${n}=${v}`), c === BIN ? 'bin/run.js' : c, ...a].join(' ')])),
      ms: Object.fromEntries(Object.entries(times).map(([k, v]) => [k, stats(v)])),
      ratio: round(m.auroractl / m.aws, 3),
      auroractlAboveNodeMs: round(m.auroractl - m.node),
    }
    if (direct) result.ratioDirect = round(m.auroractl / m.awsDirect, 3)
    return result
  })
}

async function main() {
  const targets = opts.target === 'both' ? ['local', 'moto'] : [opts.target]
  for (const t of targets) if (!['local', 'moto'].includes(t)) throw new Error(`--target must be local, moto or both, got ${t}`)
  const results = []
  for (const t of targets) results.push(await measure(t))
  const checks = {}
  for (const r of results) {
    checks[`${r.target}: auroractl ≤ 1/3 of aws`] = {met: r.ratio <= RATIO_TARGET, ratio: r.ratio, limit: round(RATIO_TARGET, 3)}
    if (r.ratioDirect !== undefined) checks[`${r.target}: auroractl ≤ 1/3 of aws (real executable, no shim)`] = {met: r.ratioDirect <= RATIO_TARGET, ratio: r.ratioDirect, limit: round(RATIO_TARGET, 3)}
  }
  report({benchmark: 'startup', runs: RUNS, machine: machine(), awsCli: awsCliVersion(opts.aws), results, targets: checks}, opts.check)
}

await main()
