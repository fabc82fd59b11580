#!/usr/bin/env node
// Last step of `npm run build`: stores V8's compiled code for dist/cli.cjs in dist/cli.cjs.cache,
// which bin/run.js hands to V8 so that a command does not spend its start-up compiling the bundle.
//
// V8 keeps the code of the functions that have run, so the cache comes from a few real runs of
// the CLI (AURORACTL_CODE_CACHE=write), each one adding to what the previous left: describe and
// list as JSON and as tables, a not-found error, help, and the aws backend's credential chain.
// They talk to a throw-away endpoint on 127.0.0.1 that answers with canned RDS Query replies.
// A run that goes wrong only makes the cache smaller; the build does not depend on it.
//
// The cache is specific to the Node/V8 version that built it: under another one V8 rejects it
// and the bundle is compiled as usual. Node >= 22.1 uses its own compile cache instead.

import {spawn} from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const run = path.join(root, 'bin', 'run.js')
const cacheFile = path.join(root, 'dist', 'cli.cjs.cache')

const xml = (action, result) =>
  `<${action}Response xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><${action}Result>${result}</${action}Result>` +
  `<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></${action}Response>`
const cluster =
  '<DBCluster><DBClusterIdentifier>train</DBClusterIdentifier><Status>available</Status><Engine>aurora-postgresql</Engine>' +
  '<EngineVersion>16.4</EngineVersion><Endpoint>train.cluster.local</Endpoint><ReaderEndpoint>train.cluster-ro.local</ReaderEndpoint>' +
  '<Port>5432</Port><MasterUsername>postgres</MasterUsername><BackupRetentionPeriod>1</BackupRetentionPeriod>' +
  '<DeletionProtection>false</DeletionProtection><ClusterCreateTime>2026-01-01T00:00:00Z</ClusterCreateTime>' +
  '<DBClusterMembers><DBClusterMember><DBInstanceIdentifier>train-1</DBInstanceIdentifier><IsClusterWriter>true</IsClusterWriter>' +
  '<PromotionTier>1</PromotionTier></DBClusterMember></DBClusterMembers></DBCluster>'
const instance =
  '<DBInstance><DBInstanceIdentifier>train-1</DBInstanceIdentifier><DBClusterIdentifier>train</DBClusterIdentifier>' +
  '<DBInstanceStatus>available</DBInstanceStatus><DBInstanceClass>db.r6g.large</DBInstanceClass><AvailabilityZone>us-east-1a</AvailabilityZone>' +
  '<PromotionTier>1</PromotionTier><Endpoint><Address>train-1.local</Address><Port>5432</Port></Endpoint></DBInstance>'

const server = http.createServer((req, res) => {
  let body = ''
  req.on('data', (chunk) => (body += chunk))
  req.on('end', () => {
    const params = new URLSearchParams(body)
    const action = params.get('Action')
    const id = params.get('DBClusterIdentifier') ?? params.get('Filters.Filter.1.Values.Value.1')
    res.setHeader('content-type', 'text/xml')
    if (action === 'DescribeDBClusters' && (!id || id === 'train')) return res.end(xml(action, `<DBClusters>${cluster}</DBClusters>`))
    if (action === 'DescribeDBInstances') return res.end(xml(action, `<DBInstances>${instance}</DBInstances>`))
    res.statusCode = 404
    res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>DBClusterNotFoundFault</Code><Message>DBCluster ${id} not found.</Message></Error><RequestId>0</RequestId></ErrorResponse>`)
  })
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const endpoint = `http://127.0.0.1:${server.address().port}`
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'auroractl-code-cache-'))

const runs = [
  ['cluster', 'describe', 'train', '--json'],
  ['cluster', 'describe', 'train'],
  ['cluster', 'describe', 'missing', '--json'],
  ['cluster', 'list'],
  ['cluster', 'describe', 'train', '--json', '--backend', 'aws', '--region', 'us-east-1'],
  ['cluster', 'describe', '--help'],
]
fs.rmSync(cacheFile, {force: true})
try {
  for (const args of runs) {
    const argv = args.includes('--help') ? args : [...args, '--endpoint-url', endpoint]
    const env = {...process.env, AURORACTL_CODE_CACHE: 'write', AURORACTL_HOME: home, AWS_ACCESS_KEY_ID: 'AKIATRAINING', AWS_SECRET_ACCESS_KEY: 'training', NO_COLOR: '1'}
    delete env.AWS_PROFILE
    // Asynchronous spawn: this process serves the requests meanwhile.
    const code = await new Promise((resolve) => {
      spawn(process.execPath, [run, ...argv], {env, stdio: 'ignore', cwd: root}).on('exit', resolve)
    })
    if (code !== 0 && code !== 3) console.warn(`code cache: \`auroractl ${argv.join(' ')}\` exited ${code}; the cache may cover less`)
  }
} finally {
  server.close()
  fs.rmSync(home, {recursive: true, force: true})
}
const size = fs.existsSync(cacheFile) ? fs.statSync(cacheFile).size : 0
console.log(size ? `code cache: ${path.relative(root, cacheFile)} (${(size / 1024).toFixed(0)} KiB)` : 'code cache: none written')
