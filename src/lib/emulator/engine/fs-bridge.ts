import {BaseFilesystem, type FsStats} from '@electric-sql/pglite/basefs'

/**
 * A synchronous file-system bridge between an engine's worker thread and the thread that
 * owns the volume. PGlite's file calls are synchronous, the volume lives on the daemon's
 * main thread: the worker writes a request into shared memory, wakes the main thread
 * with a message and blocks (Atomics.wait) until the answer is there. The main thread
 * never blocks on the worker, so the API stays responsive while a query runs.
 *
 * Layout of the SharedArrayBuffer: four Int32 control words (state, errno, data length,
 * header length), a header area for the call and its JSON result, then a data area for
 * the bytes of reads and writes.
 */
const CONTROL_BYTES = 16
const HEADER_BYTES = 256 * 1024
export const DATA_BYTES = 16 * 1024 * 1024
export const BRIDGE_BYTES = CONTROL_BYTES + HEADER_BYTES + DATA_BYTES

const IDLE = 0
const REQUEST = 1
const ANSWER = 2
const STATE = 0
const ERRNO = 1
const DATA_LENGTH = 2
const HEADER_LENGTH = 3

/** The file calls an engine makes, as `BaseFilesystem` names them. */
export interface BridgeTarget {
  chmod(path: string, mode: number): void
  close(fd: number): void
  fstat(fd: number): FsStats
  lstat(path: string): FsStats
  mkdir(path: string, options?: {recursive?: boolean; mode?: number}): void
  open(path: string, flags?: string): number
  readdir(path: string): string[]
  read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number
  rename(oldPath: string, newPath: string): void
  rmdir(path: string): void
  truncate(path: string, len: number): void
  unlink(path: string): void
  utimes(path: string, atime: number, mtime: number): void
  writeFile(path: string, data: string | Uint8Array): void
  write(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number
  /** Commits what changed, durable when it returns. */
  commit(): void
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

class Shared {
  readonly control: Int32Array
  readonly header: Uint8Array
  readonly data: Uint8Array

  constructor(readonly buffer: SharedArrayBuffer) {
    this.control = new Int32Array(buffer, 0, 4)
    this.header = new Uint8Array(buffer, CONTROL_BYTES, HEADER_BYTES)
    this.data = new Uint8Array(buffer, CONTROL_BYTES + HEADER_BYTES, DATA_BYTES)
  }

  writeHeader(value: unknown): void {
    const bytes = encoder.encode(JSON.stringify(value ?? null))
    if (bytes.length > HEADER_BYTES) throw new Error('file-system bridge header overflow')
    this.header.set(bytes)
    this.control[HEADER_LENGTH] = bytes.length
  }

  readHeader<T>(): T {
    return JSON.parse(decoder.decode(this.header.slice(0, this.control[HEADER_LENGTH]))) as T
  }
}

/** The main thread's end: answers a worker's file calls against `target` (a volume's file view). */
export class BridgeServer {
  private readonly shared: Shared

  constructor(buffer: SharedArrayBuffer, private readonly target: BridgeTarget) {
    this.shared = new Shared(buffer)
  }

  /**
   * Applies the writes of a commit the worker sent without waiting, then commits (the
   * worker's messages arrive in order, so this happens before its reply to the call that
   * made the commit is seen). Returns the failure, if the commit was refused.
   */
  commit(writes: [number, number, number][], bytes: Uint8Array): Error | undefined {
    try {
      let at = 0
      for (const [fd, length, position] of writes) {
        this.target.write(fd, bytes.subarray(at, at + length), 0, length, position)
        at += length
      }
      this.target.commit()
      return undefined
    } catch (error) {
      return error as Error
    }
  }

  /** Answers the pending call, if any (the worker posts a message after each request). */
  serve(): void {
    const s = this.shared
    if (Atomics.load(s.control, STATE) !== REQUEST) return
    const [op, args, writes] = s.readHeader<[string, unknown[], [number, number, number][]]>()
    let result: unknown = null
    let dataLength = 0
    let errno = 0
    try {
      // Writes the worker queued since its last call come first, in order, from the data area.
      let at = 0
      for (const [fd, length, position] of writes) {
        this.target.write(fd, s.data.slice(at, at + length), 0, length, position)
        at += length
      }
      switch (op) {
        case 'read': {
          const [fd, length, position] = args as number[]
          dataLength = this.target.read(fd, s.data, 0, Math.min(length, DATA_BYTES), position)
          result = dataLength
          break
        }
        case 'writeFile': {
          const [path, length] = args as [string, number]
          this.target.writeFile(path, s.data.slice(at, at + length))
          break
        }
        case 'flush':
          break
        default: {
          const method = (this.target as unknown as Record<string, (...a: unknown[]) => unknown>)[op]
          if (typeof method !== 'function') throw Object.assign(new Error(`unknown file call ${op}`), {code: 28})
          result = method.apply(this.target, args)
        }
      }
    } catch (error) {
      const code = (error as {code?: unknown}).code
      errno = typeof code === 'number' ? code : 29 /* EIO */
      result = (error as Error).message
    }
    s.writeHeader(result)
    s.control[DATA_LENGTH] = dataLength
    s.control[ERRNO] = errno
    Atomics.store(s.control, STATE, ANSWER)
    Atomics.notify(s.control, STATE)
  }
}

/** The worker's end: a PGlite file system whose every call is answered by the main thread. */
export class BridgedFilesystem extends BaseFilesystem {
  private readonly shared: Shared
  /**
   * Writes go with the next call instead of each making a round trip: PostgreSQL's writes
   * need no answer until the sync that commits them (an error then fails that commit).
   */
  private readonly queued: [number, number, number][] = []
  private queuedBytes = 0
  /**
   * lstat answers (or their errno) since the last change: only this engine changes its file
   * tree, and PostgreSQL's start-up stats the same paths a thousand times.
   */
  private readonly stats = new Map<string, FsStats | number>()

  /** Something changed since the last commit. */
  private dirty = false

  /**
   * `wake` asks the main thread to answer a call; `send` hands it a commit (queued writes
   * and their bytes) that needs no answer here.
   */
  constructor(
    buffer: SharedArrayBuffer,
    private readonly wake: () => void,
    private readonly send: (commit: {writes: [number, number, number][]; bytes: Uint8Array}) => void,
  ) {
    super()
    this.shared = new Shared(buffer)
  }

  private call<T>(op: string, args: unknown[], bytes?: Uint8Array): T {
    const s = this.shared
    if (bytes) {
      if (this.queuedBytes + bytes.length > DATA_BYTES) this.flush()
      s.data.set(bytes, this.queuedBytes)
    }
    s.writeHeader([op, args, this.queued])
    this.queued.length = 0
    this.queuedBytes = 0
    Atomics.store(s.control, STATE, REQUEST)
    this.wake()
    Atomics.wait(s.control, STATE, REQUEST)
    const result = s.readHeader<T>()
    const errno = s.control[ERRNO]
    Atomics.store(s.control, STATE, IDLE)
    if (errno !== 0) throw Object.assign(new Error(String(result)), {code: errno})
    return result
  }

  /**
   * A commit is sent, not awaited: the main thread makes it durable before it passes on
   * the reply that follows it, which is when a client learns of the commit.
   */
  override async syncToFs(): Promise<void> {
    if (!this.dirty) return
    const bytes = this.shared.data.slice(0, this.queuedBytes)
    this.send({writes: this.queued.splice(0), bytes})
    this.queuedBytes = 0
    this.dirty = false
  }

  /** Sends the queued writes on their own. */
  private flush(): void {
    if (this.queued.length > 0) this.call('flush', [])
  }

  chmod(path: string, mode: number): void {
    this.changed()
    this.call('chmod', [path, mode])
  }

  close(fd: number): void {
    this.call('close', [fd])
  }

  fstat(fd: number): FsStats {
    return this.call('fstat', [fd])
  }

  lstat(path: string): FsStats {
    const known = this.stats.get(path)
    if (typeof known === 'number') throw Object.assign(new Error(`lstat ${path}`), {code: known})
    if (known) return known
    try {
      const stats = this.call<FsStats>('lstat', [path])
      this.stats.set(path, stats)
      return stats
    } catch (error) {
      this.stats.set(path, (error as {code: number}).code)
      throw error
    }
  }

  /** A change to the tree or a file's size or times: forget every lstat answer. */
  private changed(): void {
    this.stats.clear()
    this.dirty = true
  }

  mkdir(path: string, options?: {recursive?: boolean; mode?: number}): void {
    this.changed()
    this.call('mkdir', [path, options])
  }

  open(path: string, flags?: string): number {
    // Opening may create the file.
    if (flags !== undefined && flags !== 'r') this.changed()
    return this.call('open', flags === undefined ? [path] : [path, flags])
  }

  readdir(path: string): string[] {
    return this.call('readdir', [path])
  }

  read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
    let done = 0
    while (done < length) {
      const n = this.call<number>('read', [fd, Math.min(length - done, DATA_BYTES), position + done])
      buffer.set(this.shared.data.subarray(0, n), offset + done)
      done += n
      if (n === 0) break
    }
    return done
  }

  rename(oldPath: string, newPath: string): void {
    this.changed()
    this.call('rename', [oldPath, newPath])
  }

  rmdir(path: string): void {
    this.changed()
    this.call('rmdir', [path])
  }

  truncate(path: string, len: number): void {
    this.changed()
    this.call('truncate', [path, len])
  }

  unlink(path: string): void {
    this.changed()
    this.call('unlink', [path])
  }

  utimes(path: string, atime: number, mtime: number): void {
    this.changed()
    this.call('utimes', [path, atime, mtime])
  }

  writeFile(path: string, data: string | Uint8Array): void {
    this.changed()
    const bytes = typeof data === 'string' ? encoder.encode(data) : data
    if (bytes.length <= DATA_BYTES) {
      this.call('writeFile', [path, bytes.length], bytes)
      return
    }
    // Larger than the data area: create the file, then write it in pieces.
    this.call('writeFile', [path, 0], new Uint8Array(0))
    const fd = this.open(path, 'r+')
    try {
      this.write(fd, bytes, 0, bytes.length, 0)
    } finally {
      this.close(fd)
    }
  }

  /** PGlite hands over the WASM heap's ArrayBuffer here, not a Uint8Array. */
  write(fd: number, buffer: Uint8Array | ArrayBuffer, offset: number, length: number, position: number): number {
    const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer)
    this.changed()
    for (let done = 0; done < length; ) {
      const take = Math.min(length - done, DATA_BYTES)
      if (this.queuedBytes + take > DATA_BYTES) this.flush()
      this.shared.data.set(bytes.subarray(offset + done, offset + done + take), this.queuedBytes)
      this.queued.push([fd, take, position + done])
      this.queuedBytes += take
      done += take
    }
    return length
  }
}
