import http from 'node:http'
import type {AddressInfo} from 'node:net'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {MOTO_ENV} from '../helpers/moto.js'
import {cli} from '../helpers/process.js'

// Requires `npm run build` first (the README's test command does it).
describe('aws backend against an endpoint that lacks an operation', () => {
  let server: http.Server
  let endpoint: string
  let requests = 0
  beforeAll(async () => {
    server = http.createServer((_req, res) => {
      requests++
      res.writeHead(500, {'content-type': 'text/html'}).end('<html><body><h1>500 Internal Server Error</h1></body></html>')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  it('says the endpoint does not support the operation, at once, without retrying', async () => {
    requests = 0
    const result = await cli(['cluster', 'failover', 'demo', '--backend', 'aws', '--endpoint-url', endpoint, '--region', 'us-east-1', '--no-wait'], {env: MOTO_ENV})
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/this endpoint does not support DescribeDBClusters/)
    expect(requests).toBe(1)
  })

  it('needs a region on the aws backend and says how to give one', async () => {
    const result = await cli(['cluster', 'list', '--backend', 'aws', '--endpoint-url', endpoint], {env: MOTO_ENV})
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(/region/i)
    expect(result.stderr).toMatch(/--region|AWS_REGION/)
  })
})
