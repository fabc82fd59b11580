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
  method: 'execProtocolRaw' | 'syncToFs' | 'query' | 'exec' | 'close'
  args: unknown[]
}

export type EngineReply =
  | {id: number; result: unknown}
  | {id: number; error: {message: string; code?: string}}
  | {ready: true}
  | {failed: string}
  | {fs: true}
  | {commit: {writes: [number, number, number][]; bytes: Uint8Array}}

const port = parentPort!

async function open(buffer: SharedArrayBuffer): Promise<void> {
  const fs = new BridgedFilesystem(
    buffer,
    () => port.postMessage({fs: true} satisfies EngineReply),
    (commit) => port.postMessage({commit} satisfies EngineReply, [commit.bytes.buffer as ArrayBuffer]),
  )
  let db: PGlite
  try {
    db = await PGlite.create({fs})
  } catch (error) {
    port.postMessage({failed: (error as Error).message} satisfies EngineReply)
    return
  }
  port.on('message', (call: EngineCall) => {
    void (async () => {
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
          case 'syncToFs':
            await db.syncToFs()
            break
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
        const transfer = result instanceof Uint8Array ? [result.buffer as ArrayBuffer] : []
        port.postMessage({id: call.id, result} satisfies EngineReply, transfer)
      } catch (error) {
        port.postMessage({id: call.id, error: {message: (error as Error).message, code: (error as {code?: string}).code}} satisfies EngineReply)
      }
    })()
  })
  port.postMessage({ready: true} satisfies EngineReply)
}

port.once('message', (message: {open: SharedArrayBuffer}) => void open(message.open))
