import {RDSClient} from '@aws-sdk/client-rds'

import {emulatorClock} from '../local/clock.js'
import {startDaemon} from '../local/daemon-process.js'
import {ClientSideFault} from '../fault.js'
import {stateHome} from '../local/home.js'

export type Backend = 'local' | 'aws'

/** Where a command's requests go: the global flags, resolved. */
export interface Target {
  backend: Backend
  region?: string
  profile?: string
  endpointUrl?: string
}

export interface Rds {
  client: RDSClient
  backend: Backend
  region: string
  /** How often waiters poll: the local emulator answers in milliseconds, AWS is polled gently. */
  pollMs: number
  /** The backend's own time, where it is not this machine's: the local emulator's clock can be advanced. */
  clock?: () => Promise<Date>
  /**
   * The same backend, profile and endpoint in another Region: each member of a global cluster
   * lives in its own. Hand-built clients (tests) may lack it; see rdsInRegion.
   */
  inRegion?: (region: string) => Promise<Rds>
}

/** Clients opened for other Regions, by the client they were opened from, so closeRds releases them too. */
const regionalClients = new WeakMap<Rds, Map<string, Promise<Rds>>>()

/** The client for `region`: this one when it is already there. */
export async function rdsInRegion(rds: Rds, region: string): Promise<Rds> {
  if (region === rds.region) return rds
  if (!rds.inRegion) throw new ClientSideFault('InvalidParameterCombination', `This client cannot reach Region ${region}.`)
  return rds.inRegion(region)
}

/** Releases a client and every client opened from it for another Region. */
export async function closeRds(rds: Rds): Promise<void> {
  rds.client.destroy()
  for (const other of regionalClients.get(rds)?.values() ?? []) (await other.catch(() => undefined))?.client.destroy()
}

/**
 * What now is on this backend: relative times (`15m ago`) and windows are measured from it.
 * The emulator's clock when it has one; otherwise this machine's, as AWS keeps real time.
 */
export async function backendNow(rds: Rds): Promise<Date> {
  return rds.clock ? rds.clock() : new Date()
}

/** The local emulator accepts any signature; these fixed credentials mean no AWS set-up is needed. */
const LOCAL_CREDENTIALS = {accessKeyId: 'AKIAAURORACTLLOCAL00', secretAccessKey: 'auroractl-local-emulator'}
export const LOCAL_DEFAULT_REGION = 'us-east-1'

/**
 * A non-AWS endpoint (moto, a proxy, an older emulator) answers operations it lacks
 * with 5xx or an HTML page. Retrying those three times only delays the truth, so this
 * middleware turns them into one clear, non-retryable error.
 */
function unsupportedOperationGuard(client: RDSClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args)
      const response = result.response as {statusCode?: number; headers?: Record<string, string>}
      const contentType = response.headers?.['content-type'] ?? ''
      if ((response.statusCode ?? 200) >= 500 || contentType.includes('text/html')) {
        const operation = String(context.commandName ?? 'this operation').replace(/Command$/, '')
        const error = new Error(`this endpoint does not support ${operation} (it answered HTTP ${response.statusCode})`)
        error.name = 'UnsupportedOperation'
        throw error
      }
      return result
    },
    {step: 'deserialize', priority: 'low', name: 'auroractlUnsupportedOperationGuard'},
  )
}

function isAwsEndpoint(url: string): boolean {
  try {
    return /\.amazonaws\.com(\.cn)?$/.test(new URL(url).hostname)
  } catch {
    return false
  }
}

export interface OpenOptions {
  /** Told once when the local emulator had to be started for this command. */
  onDaemonStarted?: (endpoint: string, pid: number) => void
}

/** One RDS client path for both backends: the same SDK requests go to AWS or to the local emulator. */
export async function openRds(target: Target, options: OpenOptions = {}): Promise<Rds> {
  const rds = await openOne(target, options)
  const others = new Map<string, Promise<Rds>>()
  regionalClients.set(rds, others)
  rds.inRegion = (region) => {
    if (region === rds.region) return Promise.resolve(rds)
    if (!others.has(region)) others.set(region, openOne({...target, region}, options))
    return others.get(region)!
  }
  return rds
}

async function openOne(target: Target, options: OpenOptions): Promise<Rds> {
  if (target.backend === 'local') {
    const region = target.region || LOCAL_DEFAULT_REGION
    let endpoint = target.endpointUrl
    if (!endpoint) {
      const {info, started} = await startDaemon(stateHome())
      if (started) options.onDaemonStarted?.(info.endpoint, info.pid)
      endpoint = info.endpoint
    }
    const client = new RDSClient({region, endpoint, credentials: LOCAL_CREDENTIALS, maxAttempts: 1})
    // Only this machine's daemon is known to answer the admin API; --endpoint-url may point anywhere.
    const clock = target.endpointUrl ? undefined : async () => new Date((await emulatorClock()).now)
    return {client, backend: 'local', region, pollMs: 100, clock}
  }
  const {fromNodeProviderChain} = await import('@aws-sdk/credential-providers')
  const client = new RDSClient({
    region: target.region,
    profile: target.profile,
    endpoint: target.endpointUrl,
    credentials: fromNodeProviderChain({profile: target.profile}),
  })
  if (target.endpointUrl && !isAwsEndpoint(target.endpointUrl)) unsupportedOperationGuard(client)
  const region = await client.config.region().catch(() => undefined)
  if (!region) throw new ClientSideFault('MissingRegion', 'No AWS region is set: pass --region, set AWS_REGION, or set one in your AWS profile.')
  return {client, backend: 'aws', region, pollMs: target.endpointUrl && !isAwsEndpoint(target.endpointUrl) ? 200 : 15_000}
}
