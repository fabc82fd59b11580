/**
 * An instance's PostgreSQL in its own thread: PGlite on a file system bridged to the
 * volume in the main thread (fs-bridge.ts). A worker is started ahead of need (loading
 * PGlite takes a while); `{open: buffer}` gives it its bridge and it opens PostgreSQL.
 * The main thread then sends calls ({id, method, args}) and gets {id, result} or
 * {id, error} back; `{fs: true}` messages from here wake it to answer a file call, and
 * `{commit}` messages carry commits, which it makes durable before the replies that follow.
 */
import {parentPort} from 'node:worker_threads'

import {PGlite} from '@electric-sql/pglite'

import {BridgedFilesystem} from './fs-bridge.js'
import {lastReadyForQuery} from './wire-messages.js'

export interface EngineCall {
  id: number
  method: 'execProtocolRaw' | 'query' | 'exec' | 'close'
  args: unknown[]
}

/** Writes (fd, length, position) whose bytes follow one another in `bytes`, then a commit. */
export interface Commit {
  writes: [number, number, number][]
  bytes: Uint8Array
}

export type EngineReply =
  | {id: number; result: unknown; commit?: Commit}
  | {id: number; error: {message: string; code?: string}; commit?: Commit}
  | {ready: true}
  | {failed: string}
  | {fs: true}
  | {commit: Commit}

const port = parentPort!

async function open(buffer: SharedArrayBuffer): Promise<void> {
  // A commit made during a call rides on that call's reply (one message fewer per statement);
  // one made outside a call, or before a file call that needs an answer, goes at once.
  let inCall = false
  let held: Commit | undefined
  const post = (commit: Commit) => port.postMessage({commit} satisfies EngineReply, [commit.bytes.buffer as ArrayBuffer])
  const release = (): Commit | undefined => {
    const commit = held
    held = undefined
    return commit
  }
  const fs = new BridgedFilesystem(
    buffer,
    () => {
      const commit = release()
      if (commit) post(commit)
      port.postMessage({fs: true} satisfies EngineReply)
    },
    (commit) => {
      if (!inCall) return post(commit)
      held = held ? merge(held, commit) : commit
    },
  )
  let db: PGlite
  try {
    db = await PGlite.create({fs})
  } catch (error) {
    port.postMessage({failed: describeFailure(error)} satisfies EngineReply)
    return
  }
  port.on('message', (call: EngineCall) => {
    void (async () => {
      inCall = true
      try {
        let result: unknown
        switch (call.method) {
          case 'execProtocolRaw': {
            // A response that ends a cycle (ReadyForQuery) is made durable before it is returned,
            // saving the caller a separate sync call.
            const response = await db.execProtocolRaw(call.args[0] as Uint8Array, {syncToFs: false})
            if (lastReadyForQuery(response) !== undefined) await db.syncToFs()
            result = response
            break
          }
          case 'query':
            result = {rows: (await db.query(call.args[0] as string)).rows}
            break
          case 'exec':
            await db.exec(call.args[0] as string)
            break
          case 'close':
            await db.close()
            break
        }
        inCall = false
        const commit = release()
        const transfer = [...(result instanceof Uint8Array ? [result.buffer as ArrayBuffer] : []), ...(commit ? [commit.bytes.buffer as ArrayBuffer] : [])]
        port.postMessage({id: call.id, result, commit} satisfies EngineReply, transfer)
      } catch (error) {
        inCall = false
        const commit = release()
        port.postMessage({id: call.id, error: {message: (error as Error).message, code: (error as {code?: string}).code}, commit} satisfies EngineReply, commit ? [commit.bytes.buffer as ArrayBuffer] : [])
      }
    })()
  })
  port.postMessage({ready: true} satisfies EngineReply)
}

function merge(a: Commit, b: Commit): Commit {
  const bytes = new Uint8Array(a.bytes.length + b.bytes.length)
  bytes.set(a.bytes)
  bytes.set(b.bytes, a.bytes.length)
  return {writes: [...a.writes, ...b.writes], bytes}
}

port.once('message', (message: {open: SharedArrayBuffer}) => void open(message.open))

/** PGlite can fail with an empty message (a WebAssembly trap, an Emscripten exit): say at least what it was. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) {
    let detail: string
    try {
      detail = JSON.stringify(error) ?? String(error)
    } catch {
      detail = String(error)
    }
    const kind = (error as {constructor?: {name?: string}} | null)?.constructor?.name ?? typeof error
    return `PostgreSQL failed to open: ${kind} ${detail}`
  }
  const first = error.stack?.split('\n').find((line) => line.includes(' at ')) ?? ''
  return error.message || `${error.name} ${first.trim()}`.trim()
}
