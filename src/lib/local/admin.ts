import {ClientSideFault} from '../fault.js'
import {startDaemon} from './daemon-process.js'
import {stateHome} from './home.js'

export interface AdminRequest {
  method?: 'GET' | 'POST'
  query?: Record<string, string | undefined>
  body?: unknown
  /** Told once when the daemon had to be started for this request. */
  onDaemonStarted?: (endpoint: string, pid: number) => void
}

/**
 * A call to the local emulator's JSON admin API (`/_auroractl/...`), starting the daemon
 * on demand. A refusal comes back as a fault named by its code, like an RDS error.
 */
export async function adminCall<T>(route: string, request: AdminRequest = {}): Promise<T> {
  const {info, started} = await startDaemon(stateHome())
  if (started) request.onDaemonStarted?.(info.endpoint, info.pid)
  const url = new URL(`${info.endpoint}/_auroractl/${route}`)
  for (const [k, v] of Object.entries(request.query ?? {})) if (v !== undefined) url.searchParams.set(k, v)
  const response = await fetch(url, {
    method: request.method ?? 'GET',
    headers: request.body === undefined ? undefined : {'content-type': 'application/json'},
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
    signal: AbortSignal.timeout(30_000),
  })
  const payload = (await response.json()) as T | {error: {code: string; message: string}}
  if (!response.ok) {
    const error = (payload as {error?: {code?: string; message?: string}}).error
    throw new ClientSideFault(error?.code ?? 'InternalFailure', error?.message ?? `the local emulator answered HTTP ${response.status}`)
  }
  return payload as T
}
