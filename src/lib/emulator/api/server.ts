import http from 'node:http'
import type {AddressInfo} from 'node:net'
import {missingParameter, RdsFault} from '../control/faults.js'
import type {DataLossReport} from '../control/model.js'
import type {ControlPlane} from '../control/plane.js'
import {DEFAULT_REGION, isRegionName} from '../control/regions.js'
import type {Prng} from '../prng.js'
import type {ComputeAdmin} from '../compute-admin.js'
import type {FaultAction, StorageAdmin} from '../storage-admin.js'
import type {GlobalReplication} from '../global-replication.js'
import {OPERATIONS} from './operations.js'
import {buildParamTree, coerceParams, parseFormEncoded} from './query-params.js'
import {listMemberName} from './shapes.js'
import {errorResponse, successResponse} from './xml.js'

export const API_VERSION = '2014-10-31'
/** Bodies larger than this are refused with 413 before they are buffered. */
export const MAX_BODY_BYTES = 1024 * 1024
/** After a 413, this much more of an upload is read and dropped before the connection is cut. */
const DISCARD_LIMIT_BYTES = 64 * 1024 * 1024

export interface AdminHooks {
  status(): Record<string, unknown>
  /** Called after the reply to POST /_auroractl/shutdown has been flushed. */
  shutdown(): void
  /** Moves the emulator's clock forward (persisted), for `local clock advance`. */
  advanceClock(ms: number): {offsetMs: number; now: string}
  /** The emulator's time: what relative times (`15m ago`) are measured from on the local backend. */
  clock(): {offsetMs: number; now: string}
}

export interface ServerOptions {
  plane: ControlPlane
  prng: Prng
  admin: AdminHooks
  log: (line: string) => void
  /** The volumes, storage faults and repair behind `/_auroractl/volume`, `/faults` and `/repair`. */
  storage?: StorageAdmin
  /** The engines and SQL endpoints behind `/_auroractl/compute` and `/kill-instance`. */
  compute?: ComputeAdmin
  /** Cross-Region replication behind `/_auroractl/link`, `/links` and `/global`. */
  replication?: GlobalReplication
}

/** The last failover with data loss, as `auroractl` reads it (AWS has no field for it). */
function lossReport(loss: DataLossReport | undefined) {
  return loss && {
    lostCommits: loss.commits, fromLsn: loss.fromLsn, toLsn: loss.toLsn, at: new Date(loss.at).toISOString(),
    fromDbClusterArn: loss.fromDbClusterArn, toDbClusterArn: loss.toDbClusterArn,
  }
}

const CREDENTIAL_REGION = /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\/rds\/aws4_request/

/** The Region of a request is its SigV4 credential scope (header or presigned query); unsigned requests use us-east-1. */
export function regionOf(authorization: string | undefined, query: URLSearchParams): string {
  const fromHeader = authorization ? CREDENTIAL_REGION.exec(authorization)?.[1] : undefined
  const fromQuery = query.get('X-Amz-Credential')?.split('/')[2]
  const region = fromHeader ?? fromQuery
  return region !== undefined && isRegionName(region) ? region : DEFAULT_REGION
}

/**
 * The RDS Query API (POST / form-encoded, or GET with a query string) plus the JSON admin API under /_auroractl/.
 * Each request is handled synchronously to completion (SQLite commit included) before the reply is written.
 */
export function createRdsServer(options: ServerOptions): http.Server {
  const {plane, prng, admin, log, storage, compute, replication} = options

  const sendXml = (res: http.ServerResponse, status: number, body: string, requestId: string) => {
    res.writeHead(status, {
      'Content-Type': 'text/xml',
      'Content-Length': Buffer.byteLength(body),
      'x-amzn-RequestId': requestId,
    })
    res.end(body)
  }

  const sendFault = (res: http.ServerResponse, fault: RdsFault, requestId: string) =>
    sendXml(res, fault.httpStatus, errorResponse(fault.type, fault.code, fault.message, requestId), requestId)

  const sendJson = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body)
    res.writeHead(status, {'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text)})
    res.end(text)
  }

  const handleQuery = (req: http.IncomingMessage, res: http.ServerResponse, url: URL, body: Buffer) => {
    const requestId = prng.uuid()
    try {
      let text: string
      try {
        text = new TextDecoder('utf-8', {fatal: true}).decode(body)
      } catch {
        throw new RdsFault('MalformedQueryString', 400, 'The request body is not valid UTF-8.')
      }
      const flat = req.method === 'GET' ? parseFormEncoded(url.search.slice(1)) : parseFormEncoded(text)
      // Query-string parameters also count on POST (some clients send Action there).
      if (req.method === 'POST' && url.search.length > 1) {
        for (const [k, v] of parseFormEncoded(url.search.slice(1))) if (!flat.has(k)) flat.set(k, v)
      }
      const action = flat.get('Action')
      if (action === undefined || action === '') throw new RdsFault('MissingAction', 400, 'Missing Action')
      const operation = Object.hasOwn(OPERATIONS, action) ? OPERATIONS[action] : undefined
      if (!operation) throw new RdsFault('InvalidAction', 400, `The action ${action} is not valid for this web service.`)
      const version = flat.get('Version')
      if (version === undefined) throw missingParameter('Version')
      if (version !== API_VERSION) {
        throw new RdsFault('InvalidParameterValue', 400, `Invalid API version ${version}. The supported version is ${API_VERSION}.`)
      }
      const input = coerceParams(buildParamTree(flat), operation.params)
      for (const name of operation.required) {
        if (input[name] === undefined) throw missingParameter(name)
      }
      const region = regionOf(req.headers.authorization, url.searchParams)
      const result = operation.handle(plane, region, input)
      sendXml(res, 200, successResponse(action, result, requestId, listMemberName), requestId)
    } catch (error) {
      if (error instanceof RdsFault) {
        sendFault(res, error, requestId)
      } else {
        log(`internal error (request ${requestId}): ${error instanceof Error ? error.stack ?? error.message : String(error)}`)
        sendFault(res, new RdsFault('InternalFailure', 500, 'The request processing has failed because of an unknown error.'), requestId)
      }
    }
  }

  const handleAdmin = (req: http.IncomingMessage, res: http.ServerResponse, path: string, body: Buffer) => {
    try {
      if (path === '/_auroractl/status' && req.method === 'GET') return sendJson(res, 200, admin.status())
      if (path === '/_auroractl/reset' && req.method === 'POST') {
        plane.reset()
        compute?.reset()
        storage?.reset()
        log('state reset through the admin API')
        return sendJson(res, 200, {reset: true})
      }
      if (path === '/_auroractl/clock' && req.method === 'GET') return sendJson(res, 200, admin.clock())
      if (path === '/_auroractl/clock/advance' && req.method === 'POST') {
        let ms: unknown
        try {
          ms = (JSON.parse(body.toString('utf8')) as {ms?: unknown}).ms
        } catch {
          ms = undefined
        }
        if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0) {
          return sendJson(res, 400, {error: {code: 'InvalidParameterValue', message: 'Body must be {"ms": <non-negative integer>}'}})
        }
        return sendJson(res, 200, admin.advanceClock(ms))
      }
      if (storage && handleStorage(req, res, path, body, storage)) return
      if (path === '/_auroractl/shutdown' && req.method === 'POST') {
        res.on('finish', () => admin.shutdown())
        return sendJson(res, 200, {shuttingDown: true})
      }
      sendJson(res, 404, {error: {code: 'NotFound', message: `No admin endpoint ${req.method} ${path}`}})
    } catch (error) {
      if (error instanceof RdsFault) return sendJson(res, error.httpStatus, {error: {code: error.code, message: error.message}})
      log(`admin error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`)
      sendJson(res, 500, {error: {code: 'InternalFailure', message: 'admin request failed'}})
    }
  }

  /** The storage admin routes; true when the request was one of them. */
  const handleStorage = (req: http.IncomingMessage, res: http.ServerResponse, path: string, body: Buffer, storage: StorageAdmin): boolean => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const json = (): Record<string, unknown> => {
      try {
        const parsed = JSON.parse(body.toString('utf8') || '{}') as unknown
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>
      } catch {
        // reported below
      }
      throw new RdsFault('InvalidParameterValue', 400, 'The body must be a JSON object.')
    }
    const regionFrom = (value: unknown) => {
      const region = typeof value === 'string' && value !== '' ? value : DEFAULT_REGION
      if (!isRegionName(region)) throw new RdsFault('InvalidParameterValue', 400, `${region} is not a Region name.`)
      return region
    }
    const text = (value: unknown, name: string) => {
      if (typeof value !== 'string' || value === '') throw new RdsFault('MissingParameter', 400, `The request must contain ${name}.`)
      return value
    }
    if (path === '/_auroractl/volume' && req.method === 'GET') {
      const checksum = url.searchParams.get('checksum') === '1'
      sendJson(res, 200, storage.report(regionFrom(url.searchParams.get('region')), text(url.searchParams.get('cluster'), 'cluster'), {checksum}))
      return true
    }
    if (path === '/_auroractl/volume/write' && req.method === 'POST') {
      const b = json()
      sendJson(res, 200, storage.write(regionFrom(b.region), text(b.cluster, 'cluster'), typeof b.records === 'number' ? b.records : 1))
      return true
    }
    if (path === '/_auroractl/faults' && req.method === 'GET') {
      sendJson(res, 200, storage.faults(regionFrom(url.searchParams.get('region'))))
      return true
    }
    if (path === '/_auroractl/faults' && req.method === 'POST') {
      const b = json()
      const region = regionFrom(b.region)
      const report = storage.fault(region, b as unknown as FaultAction)
      // The compute of a lost AZ goes with it: writers there fail over to another AZ.
      const failedOver = b.action === 'az-down' && compute ? compute.azDown(region, String(b.az)) : []
      sendJson(res, 200, {...report, failedOverWriters: failedOver})
      return true
    }
    if (compute && path === '/_auroractl/compute' && req.method === 'GET') {
      sendJson(res, 200, compute.report(regionFrom(url.searchParams.get('region')), text(url.searchParams.get('cluster'), 'cluster')))
      return true
    }
    if (compute && path === '/_auroractl/kill-instance' && req.method === 'POST') {
      const b = json()
      sendJson(res, 200, compute.killInstance(regionFrom(b.region), text(b.instance, 'instance')))
      return true
    }
    if (replication && path === '/_auroractl/global' && req.method === 'GET') {
      const id = text(url.searchParams.get('id'), 'id')
      const global = plane.describeGlobalClusters({GlobalClusterIdentifier: id}).items[0].global
      const streams = replication.report()
      const members = plane.clusterRefs().filter((r) => r.globalClusterId === global.id)
      // During a switchover the old primary is `demoting` until the roles swap: it is still the one being replicated from.
      const primary = members.find((r) => r.globalRole === 'primary') ?? members.find((r) => r.globalRole === 'demoting')
      sendJson(res, 200, {
        globalCluster: global.id,
        primary: primary && {region: primary.region, cluster: primary.id},
        writerEndpoint: compute?.globalWriterEndpoint(global.id),
        secondaries: members.filter((r) => r !== primary).map((r) => {
          const stream = streams.find((x) => x.secondary.region === r.region && x.secondary.volumeId === r.resourceId)
          return {
            region: r.region, cluster: r.id, role: r.globalRole,
            ...(stream && {
              lagMs: stream.lagMs, lagLsn: stream.lagLsn, linkUp: stream.linkUp, appliedLsn: stream.appliedLsn,
              bytesShipped: stream.bytesShipped, commitsShipped: stream.commitsShipped, initialising: stream.initialising,
              replicationLag: stream.replicationLag,
            }),
          }
        }),
        lastFailover: lossReport(plane.globalClusterDataLoss(global.id)),
      })
      return true
    }
    if (replication && path === '/_auroractl/links' && req.method === 'GET') {
      sendJson(res, 200, replication.links.list())
      return true
    }
    if (replication && path === '/_auroractl/link' && req.method === 'POST') {
      const b = json()
      const [a, z] = [regionFrom(text(b.a, 'a')), regionFrom(text(b.b, 'b'))]
      if (a === z) throw new RdsFault('InvalidParameterValue', 400, 'A link joins two different Regions.')
      const latencyMs = b.latencyMs
      if (latencyMs !== undefined && (typeof latencyMs !== 'number' || !Number.isFinite(latencyMs) || latencyMs < 0 || latencyMs > 60_000)) {
        throw new RdsFault('InvalidParameterValue', 400, 'latencyMs must be a number of milliseconds from 0 to 60000.')
      }
      if (b.up !== undefined && typeof b.up !== 'boolean') throw new RdsFault('InvalidParameterValue', 400, 'up must be true or false.')
      sendJson(res, 200, replication.setLink(a, z, {latencyMs: latencyMs as number | undefined, up: b.up as boolean | undefined}))
      return true
    }
    if (path === '/_auroractl/repair' && req.method === 'POST') {
      const b = json()
      if (typeof b.paused !== 'boolean') throw new RdsFault('InvalidParameterValue', 400, 'The body must be {"paused": true|false}.')
      sendJson(res, 200, storage.setRepairPaused(b.paused))
      return true
    }
    return false
  }

  const server = http.createServer((req, res) => {
    let url: URL
    try {
      url = new URL(req.url ?? '/', 'http://localhost')
    } catch {
      url = new URL('http://localhost/')
    }
    const declaredLength = Number(req.headers['content-length'] ?? '0')
    const chunks: Buffer[] = []
    let received = 0
    let aborted = false
    const tooLarge = () => {
      aborted = true
      const requestId = prng.uuid()
      sendFault(res, new RdsFault('RequestEntityTooLarge', 413, `Request body exceeds the ${MAX_BODY_BYTES}-byte limit.`), requestId)
      // The rest of the upload is read and dropped, up to a bound: closing the connection
      // mid-upload makes clients fail on a broken pipe before they read the reply.
      req.resume()
    }
    if (declaredLength > MAX_BODY_BYTES) tooLarge()

    req.on('data', (chunk: Buffer) => {
      received += chunk.length
      if (aborted) {
        if (received > DISCARD_LIMIT_BYTES) req.socket.destroy()
        return
      }
      if (received > MAX_BODY_BYTES) {
        chunks.length = 0
        tooLarge()
        return
      }
      chunks.push(chunk)
    })
    req.on('error', () => undefined)
    req.on('end', () => {
      if (aborted) return
      const body = Buffer.concat(chunks)
      if (url.pathname.startsWith('/_auroractl/')) return handleAdmin(req, res, url.pathname, body)
      if (req.method !== 'POST' && req.method !== 'GET') {
        const requestId = prng.uuid()
        return sendFault(res, new RdsFault('InvalidAction', 405, `HTTP method ${req.method} is not supported.`), requestId)
      }
      handleQuery(req, res, url, body)
    })
  })
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
  })
  return server
}

/** Listens on 127.0.0.1 only; resolves with the bound port (pass 0 for any free port). */
export function listenOnLoopback(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}
