import {readFileSync} from 'node:fs'
import {Worker} from 'node:worker_threads'

import {VolumeFileSystem} from '../storage/file-view.js'
import type {Volume} from '../storage/volume.js'
import type {EngineCall, EngineReply} from './engine-worker.js'
import {BRIDGE_BYTES, BridgeServer} from './fs-bridge.js'
import {VolumeBackedFilesystem} from './volume-fs.js'

/** The PGlite build: a template image made by one build is not opened by another. */
export const ENGINE_BUILD = `pglite-${(JSON.parse(readFileSync(new URL('../package.json', import.meta.resolve('@electric-sql/pglite')), 'utf8')) as {version: string}).version}`

/** What the wire front needs of a PostgreSQL session: PGlite in process, or one in a worker. */
export interface SqlSession {
  readonly waitReady: Promise<void>
  runExclusive<T>(fn: () => Promise<T>): Promise<T>
  execProtocolRaw(message: Uint8Array, options?: {syncToFs?: boolean}): Promise<Uint8Array>
  syncToFs(): Promise<void>
  query<T>(sql: string): Promise<{rows: T[]}>
  exec(sql: string): Promise<unknown>
}

export interface SqlInstanceOptions {
  /** Called with the LSN and time of each commit the writer makes durable. */
  onCommit?: (lsn: number, at: number) => void
  now?: () => number
}

const WORKER_URL = new URL('engine-worker.js', import.meta.url)
/** A worker started ahead of need, with PGlite loaded: opening an engine skips that part. */
let spare: Worker | undefined

function takeWorker(): Worker {
  const worker = spare ?? new Worker(WORKER_URL)
  worker.ref()
  spare = new Worker(WORKER_URL)
  // A spare must not keep the process alive, and one that dies is simply replaced.
  spare.unref()
  spare.once('exit', function forget(this: Worker) {
    if (spare === this) spare = undefined
  })
  return worker
}

/** A PostgreSQL running in a worker thread, called over messages; calls run one at a time. */
class WorkerSession implements SqlSession {
  readonly waitReady = Promise.resolve()
  private nextId = 1
  private readonly pending = new Map<number, {resolve: (value: unknown) => void; reject: (error: Error) => void}>()
  private queue: Promise<unknown> = Promise.resolve()
  private failure: Error | undefined
  /** A commit refused since the last reply: the reply that follows it fails. */
  private refusedCommit: Error | undefined

  constructor(private readonly worker: Worker) {}

  call<T>(method: EngineCall['method'], args: unknown[] = []): Promise<T> {
    if (this.failure) return Promise.reject(this.failure)
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, {resolve: resolve as (value: unknown) => void, reject})
      this.worker.postMessage({id, method, args} satisfies EngineCall)
    })
  }

  settle(reply: {id: number; result?: unknown; error?: {message: string; code?: string}}): void {
    const waiting = this.pending.get(reply.id)
    if (!waiting) return
    this.pending.delete(reply.id)
    const refused = this.refusedCommit
    this.refusedCommit = undefined
    if (reply.error) waiting.reject(Object.assign(new Error(reply.error.message), {code: reply.error.code}))
    // The call's commit was refused (no write quorum): it fails as a failed sync does.
    else if (refused) waiting.reject(refused)
    else waiting.resolve(reply.result)
  }

  commitFailed(error: Error): void {
    this.refusedCommit = error
  }

  /** The worker is gone: every call in flight and every later one fails. */
  fail(error: Error): void {
    this.failure ??= error
    for (const waiting of this.pending.values()) waiting.reject(error)
    this.pending.clear()
  }

  runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn)
    this.queue = run.catch(() => undefined)
    return run
  }

  execProtocolRaw(message: Uint8Array): Promise<Uint8Array> {
    return this.call('execProtocolRaw', [message])
  }

  /** Nothing to do: the worker commits before it answers a call that ends a cycle (ReadyForQuery). */
  syncToFs(): Promise<void> {
    return Promise.resolve()
  }

  query<T>(sql: string): Promise<{rows: T[]}> {
    return this.call('query', [sql])
  }

  exec(sql: string): Promise<unknown> {
    return this.call('exec', [sql])
  }
}

/**
 * One instance's PostgreSQL: PGlite on a cluster volume, in a worker thread of its own so
 * a long query stalls neither the API nor other instances; its file calls reach the volume
 * through a synchronous bridge (fs-bridge.ts). The writer opens the volume itself
 * read-write; a replica opens a copy-on-write image of it at a read-point, where
 * PostgreSQL's crash recovery may write without touching the shared volume (the image
 * pins its read-point against garbage collection until the replica lets it go).
 *
 * Opening is asynchronous, fencing is not: a writer that lost its role is fenced at once,
 * even half way through opening, so nothing it holds in memory reaches the volume after
 * the new writer's recovery.
 */
export class SqlInstance {
  /** Resolves when PostgreSQL accepts queries. */
  readonly ready: Promise<SqlSession>
  /** The LSN this instance sees: VDL at opening for a replica; the writer follows VDL. */
  readonly readPoint: number
  private readonly fs: VolumeBackedFilesystem
  private readonly release: () => void
  private readonly worker: Worker
  private readonly session: WorkerSession
  private opened = false
  private stopped = false

  private constructor(view: VolumeFileSystem, readPoint: number, release: () => void, options: SqlInstanceOptions) {
    const now = options.now ?? Date.now
    this.fs = new VolumeBackedFilesystem(view, options.onCommit && ((lsn) => options.onCommit!(lsn, now())))
    this.readPoint = readPoint
    let released = false
    this.release = () => {
      if (!released) release()
      released = true
    }
    const buffer = new SharedArrayBuffer(BRIDGE_BYTES)
    const bridge = new BridgeServer(buffer, this.fs)
    this.worker = takeWorker()
    this.session = new WorkerSession(this.worker)
    this.ready = new Promise<SqlSession>((resolve, reject) => {
      this.worker.on('message', (reply: EngineReply) => {
        if ('fs' in reply) {
          bridge.serve()
          return
        }
        // A commit (alone, or riding on a reply) is durable before the reply is handled.
        const commit = 'commit' in reply ? reply.commit : undefined
        if (commit) {
          const refused = bridge.commit(commit.writes, commit.bytes)
          if (refused) this.session.commitFailed(refused)
        }
        if ('id' in reply) this.session.settle(reply as {id: number})
        else if ('ready' in reply) {
          this.opened = true
          resolve(this.session)
        } else if ('failed' in reply) reject(new Error(reply.failed))
      })
      const gone = (error: Error) => {
        this.session.fail(error)
        reject(error)
      }
      this.worker.on('error', gone)
      this.worker.on('exit', (code) => gone(new Error(`the engine stopped (exit ${code})`)))
      this.worker.postMessage({open: buffer})
    })
    this.ready.catch(() => this.release())
  }

  static writer(volume: Volume, options: SqlInstanceOptions = {}): SqlInstance {
    return new SqlInstance(new VolumeFileSystem(volume, {now: options.now}), volume.vdl, () => undefined, options)
  }

  /** A replica's image at the volume's current VDL; `name` must be unique among open images. */
  static replica(volume: Volume, name: string, options: SqlInstanceOptions = {}): SqlInstance {
    const readPoint = volume.vdl
    const image = volume.clone(name, readPoint)
    return new SqlInstance(new VolumeFileSystem(image, {now: options.now}), readPoint, () => volume.releasePin(`clone:${name}`), {now: options.now})
  }

  /** The open database, once ready and until closed. */
  get database(): SqlSession | undefined {
    return this.stopped || !this.opened ? undefined : this.session
  }

  /**
   * Stops this instance. `crash` fences it first, synchronously, and kills its thread, so
   * nothing it still holds in memory reaches the volume (a writer that lost its role must
   * not write after the new one); otherwise PostgreSQL shuts down cleanly first.
   */
  async close(options: {crash?: boolean} = {}): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    if (options.crash) this.fs.fence()
    else if (this.opened) await this.session.call('close').catch(() => undefined)
    await this.worker.terminate()
    this.release()
  }

  get closed(): boolean {
    return this.stopped
  }
}
