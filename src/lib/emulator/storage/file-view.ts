import {BLOCK_SIZE} from './geometry.js'
import {type ByteRange, diffRanges} from './record.js'
import {type BlockWrite, StorageUnavailable, type Volume} from './volume.js'

/** Errors as a POSIX file system reports them; the compute maps the code to its own errno. */
export type FsErrorCode = 'ENOENT' | 'EEXIST' | 'ENOTDIR' | 'EISDIR' | 'ENOTEMPTY' | 'EBADF' | 'EINVAL' | 'EROFS'

export class FsError extends Error {
  constructor(readonly code: FsErrorCode, message: string) {
    super(`${code}: ${message}`)
    this.name = 'FsError'
  }
}

export interface FileStat {
  ino: number
  mode: number
  size: number
  mtime: number
  isDirectory: boolean
}

interface FileEntry {
  ino: number
  mode: number
  size: number
  mtime: number
  /** Volume block of each 8 KiB block of the file, in order. */
  blocks: number[]
}

interface DirEntry {
  ino: number
  mode: number
  mtime: number
}

/** The file tree, kept on the volume itself so that the volume as of any LSN includes its files. */
interface Catalog {
  nextIno: number
  nextBlock: number
  free: number[]
  files: Record<string, FileEntry>
  dirs: Record<string, DirEntry>
}

/** Blocks 0..CATALOG_BLOCKS-1 hold the catalog (up to 8 MiB of it); file data starts above. */
export const CATALOG_BLOCKS = 1024

/** Whether a file system lives on the volume (its catalog, whose length block 0 starts with, is not empty). */
export function holdsFileSystem(volume: Volume): boolean {
  try {
    return catalogLength(volume.readBlock(0)) !== 0
  } catch (error) {
    if (error instanceof StorageUnavailable) return false
    throw error
  }
}

function catalogLength(first: Uint8Array): number {
  return new DataView(first.buffer, first.byteOffset).getUint32(0)
}
const DIR_MODE = 0o040755
const FILE_MODE = 0o100644

function normalise(path: string): string {
  const parts: string[] = []
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') parts.pop()
    else parts.push(part)
  }
  return `/${parts.join('/')}`
}

function parentOf(path: string): string {
  const i = path.lastIndexOf('/')
  return i <= 0 ? '/' : path.slice(0, i)
}

interface OpenFile {
  path: string
  writable: boolean
  append: boolean
}

/**
 * The volume seen as a file system, for a compute engine (DESIGN §4). Writes are
 * buffered as changed byte ranges of volume blocks; `sync()` commits them — with the
 * catalog if the tree changed — as one mini-transaction whose last record is a
 * consistency point, and returns once it is durable (4/6). A view opened at a
 * read-point is read-only: a replica, or the volume as of an LSN.
 */
export class VolumeFileSystem {
  private catalog: Catalog
  private catalogBytes: Uint8Array
  private catalogDirty = false
  /** Latest content of blocks this view has read or written (the compute's page cache). */
  private readonly pages = new Map<number, Uint8Array>()
  /** Blocks changed since the last sync, with their content as of that sync. */
  private readonly pending = new Map<number, Uint8Array>()
  private readonly fds = new Map<number, OpenFile>()
  private nextFd = 3
  readonly readOnly: boolean

  constructor(
    private readonly volume: Volume,
    private readonly options: {readPoint?: number; now?: () => number} = {},
  ) {
    this.readOnly = options.readPoint !== undefined
    this.catalogBytes = this.readCatalogBytes()
    this.catalog = this.catalogBytes.length > 0 ? (JSON.parse(new TextDecoder().decode(this.catalogBytes)) as Catalog) : this.emptyCatalog()
  }

  private emptyCatalog(): Catalog {
    return {nextIno: 2, nextBlock: CATALOG_BLOCKS, free: [], files: {}, dirs: {'/': {ino: 1, mode: DIR_MODE, mtime: this.now()}}}
  }

  private now(): number {
    return this.options.now?.() ?? Date.now()
  }

  private readBlock(block: number): Uint8Array {
    return this.volume.readBlock(block, this.options.readPoint ?? this.volume.vdl)
  }

  private readCatalogBytes(): Uint8Array {
    const first = this.readBlock(0)
    const length = catalogLength(first)
    if (length === 0) return new Uint8Array(0)
    const out = new Uint8Array(length)
    for (let b = 0, at = 0; at < length; b++) {
      const block = b === 0 ? first : this.readBlock(b)
      const from = b === 0 ? 4 : 0
      const take = Math.min(BLOCK_SIZE - from, length - at)
      out.set(block.subarray(from, from + take), at)
      at += take
    }
    return out
  }

  // ----- the tree -----

  private writable(): void {
    if (this.readOnly) throw new FsError('EROFS', 'this view of the volume is read-only')
  }

  private touchTree(): void {
    this.catalogDirty = true
  }

  private dirMustExist(path: string): void {
    if (this.catalog.files[path]) throw new FsError('ENOTDIR', path)
    if (!this.catalog.dirs[path]) throw new FsError('ENOENT', path)
  }

  stat(path: string): FileStat {
    const p = normalise(path)
    const dir = this.catalog.dirs[p]
    if (dir) return {ino: dir.ino, mode: dir.mode, size: 4096, mtime: dir.mtime, isDirectory: true}
    const file = this.catalog.files[p]
    if (!file) throw new FsError('ENOENT', p)
    return {ino: file.ino, mode: file.mode, size: file.size, mtime: file.mtime, isDirectory: false}
  }

  exists(path: string): boolean {
    const p = normalise(path)
    return Boolean(this.catalog.dirs[p] || this.catalog.files[p])
  }

  mkdir(path: string, options: {recursive?: boolean; mode?: number} = {}): void {
    this.writable()
    const p = normalise(path)
    if (this.catalog.dirs[p]) {
      if (options.recursive) return
      throw new FsError('EEXIST', p)
    }
    if (this.catalog.files[p]) throw new FsError('EEXIST', p)
    const parent = parentOf(p)
    if (!this.catalog.dirs[parent]) {
      if (!options.recursive) throw new FsError('ENOENT', parent)
      this.mkdir(parent, options)
    }
    this.catalog.dirs[p] = {ino: this.catalog.nextIno++, mode: DIR_MODE, mtime: this.now()}
    this.touchTree()
  }

  readdir(path: string): string[] {
    const p = normalise(path)
    this.dirMustExist(p)
    const prefix = p === '/' ? '/' : `${p}/`
    const names = new Set<string>()
    for (const key of [...Object.keys(this.catalog.dirs), ...Object.keys(this.catalog.files)]) {
      if (key !== p && key.startsWith(prefix) && !key.slice(prefix.length).includes('/')) names.add(key.slice(prefix.length))
    }
    return [...names].sort()
  }

  rmdir(path: string): void {
    this.writable()
    const p = normalise(path)
    this.dirMustExist(p)
    if (this.readdir(p).length > 0) throw new FsError('ENOTEMPTY', p)
    delete this.catalog.dirs[p]
    this.touchTree()
  }

  unlink(path: string): void {
    this.writable()
    const p = normalise(path)
    if (this.catalog.dirs[p]) throw new FsError('EISDIR', p)
    const file = this.catalog.files[p]
    if (!file) throw new FsError('ENOENT', p)
    this.catalog.free.push(...file.blocks)
    delete this.catalog.files[p]
    this.touchTree()
  }

  rename(from: string, to: string): void {
    this.writable()
    const a = normalise(from)
    const b = normalise(to)
    if (a === b) return
    if (!this.catalog.dirs[parentOf(b)]) throw new FsError('ENOENT', parentOf(b))
    const file = this.catalog.files[a]
    if (file) {
      if (this.catalog.dirs[b]) throw new FsError('EISDIR', b)
      if (this.catalog.files[b]) this.unlink(b)
      this.catalog.files[b] = file
      delete this.catalog.files[a]
    } else if (this.catalog.dirs[a]) {
      if (this.catalog.files[b]) throw new FsError('ENOTDIR', b)
      if (this.catalog.dirs[b] && this.readdir(b).length > 0) throw new FsError('ENOTEMPTY', b)
      for (const kind of ['dirs', 'files'] as const) {
        const table = this.catalog[kind] as Record<string, unknown>
        for (const key of Object.keys(table)) {
          if (key === a || key.startsWith(`${a}/`)) {
            table[b + key.slice(a.length)] = table[key]
            delete table[key]
          }
        }
      }
    } else throw new FsError('ENOENT', a)
    this.touchTree()
  }

  chmod(path: string, mode: number): void {
    this.writable()
    const p = normalise(path)
    const entry = this.catalog.files[p] ?? this.catalog.dirs[p]
    if (!entry) throw new FsError('ENOENT', p)
    entry.mode = (entry.mode & ~0o7777) | (mode & 0o7777)
    this.touchTree()
  }

  utimes(path: string, _atime: number, mtime: number): void {
    this.writable()
    const p = normalise(path)
    const entry = this.catalog.files[p] ?? this.catalog.dirs[p]
    if (!entry) throw new FsError('ENOENT', p)
    entry.mtime = mtime
    this.touchTree()
  }

  // ----- file contents -----

  private file(path: string): FileEntry {
    const file = this.catalog.files[path]
    if (!file) throw new FsError(this.catalog.dirs[path] ? 'EISDIR' : 'ENOENT', path)
    return file
  }

  private create(path: string): FileEntry {
    this.writable()
    const parent = parentOf(path)
    if (!this.catalog.dirs[parent]) throw new FsError(this.catalog.files[parent] ? 'ENOTDIR' : 'ENOENT', parent)
    const file: FileEntry = {ino: this.catalog.nextIno++, mode: FILE_MODE, size: 0, mtime: this.now(), blocks: []}
    this.catalog.files[path] = file
    this.touchTree()
    return file
  }

  /** Node-style flags: r, r+, w, w+, wx, a, a+ (x: must not exist). */
  open(path: string, flags = 'r'): number {
    const p = normalise(path)
    if (this.catalog.dirs[p]) {
      if (flags.includes('w') || flags.includes('a') || flags.includes('+')) throw new FsError('EISDIR', p)
      const fd = this.nextFd++
      this.fds.set(fd, {path: p, writable: false, append: false})
      return fd
    }
    const exists = Boolean(this.catalog.files[p])
    const creates = flags.includes('w') || flags.includes('a')
    if (flags.includes('x') && exists) throw new FsError('EEXIST', p)
    if (!exists && !creates) throw new FsError('ENOENT', p)
    const writable = creates || flags.includes('+')
    if (writable) this.writable()
    if (!exists) this.create(p)
    else if (flags.includes('w')) this.truncate(p, 0)
    const fd = this.nextFd++
    this.fds.set(fd, {path: p, writable, append: flags.includes('a')})
    return fd
  }

  private handle(fd: number): OpenFile {
    const handle = this.fds.get(fd)
    if (!handle) throw new FsError('EBADF', `file descriptor ${fd}`)
    return handle
  }

  close(fd: number): void {
    this.handle(fd)
    this.fds.delete(fd)
  }

  fstat(fd: number): FileStat {
    return this.stat(this.handle(fd).path)
  }

  pathOf(fd: number): string {
    return this.handle(fd).path
  }

  /** The current content of a volume block: what this view wrote, or the volume at its read-point. */
  private page(block: number): Uint8Array {
    let page = this.pages.get(block)
    if (!page) {
      page = this.readBlock(block)
      this.pages.set(block, page)
    }
    return page
  }

  /** Visits each piece of [from, end) of a file that lies in one block, with its offset from `from`. */
  private spans(file: FileEntry, from: number, end: number, visit: (block: number | undefined, within: number, take: number, done: number) => void): void {
    for (let at = from; at < end; ) {
      const within = at % BLOCK_SIZE
      const take = Math.min(BLOCK_SIZE - within, end - at)
      visit(file.blocks[Math.floor(at / BLOCK_SIZE)], within, take, at - from)
      at += take
    }
  }

  read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
    const file = this.file(this.handle(fd).path)
    if (position >= file.size) return 0
    const end = Math.min(file.size, position + length)
    this.spans(file, position, end, (block, within, take, done) => {
      if (block === undefined) buffer.fill(0, offset + done, offset + done + take)
      else buffer.set(this.page(block).subarray(within, within + take), offset + done)
    })
    return end - position
  }

  private allocate(): number {
    const reused = this.catalog.free.pop()
    const block = reused ?? this.catalog.nextBlock++
    // A block taken for a new file starts as zeros, whatever it held before; the diff ships the difference.
    this.beforeChange(block)
    this.pages.set(block, new Uint8Array(BLOCK_SIZE))
    return block
  }

  private beforeChange(block: number): void {
    if (!this.pending.has(block)) this.pending.set(block, this.page(block).slice())
  }

  write(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
    const handle = this.handle(fd)
    if (!handle.writable) throw new FsError('EBADF', `${handle.path} is not open for writing`)
    const file = this.file(handle.path)
    const at = handle.append ? file.size : position
    const end = at + length
    while (file.blocks.length < Math.ceil(end / BLOCK_SIZE)) file.blocks.push(this.allocate())
    this.spans(file, at, end, (block, within, take, done) => {
      this.beforeChange(block!)
      this.page(block!).set(buffer.subarray(offset + done, offset + done + take), within)
    })
    if (end > file.size) {
      file.size = end
      this.touchTree()
    }
    return length
  }

  truncate(path: string, length: number): void {
    this.writable()
    if (length < 0) throw new FsError('EINVAL', `length ${length}`)
    const file = this.file(normalise(path))
    const keep = Math.ceil(length / BLOCK_SIZE)
    while (file.blocks.length > keep) this.catalog.free.push(file.blocks.pop()!)
    while (file.blocks.length < keep) file.blocks.push(this.allocate())
    const tail = length % BLOCK_SIZE
    if (tail !== 0 && length < file.size) {
      const block = file.blocks[keep - 1]
      this.beforeChange(block)
      this.page(block).fill(0, tail)
    }
    file.size = length
    this.touchTree()
  }

  writeFile(path: string, data: Uint8Array | string): void {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data
    const fd = this.open(path, 'w')
    this.write(fd, bytes, 0, bytes.length, 0)
    this.close(fd)
  }

  readFile(path: string): Uint8Array {
    const p = normalise(path)
    const file = this.file(p)
    const out = new Uint8Array(file.size)
    const fd = this.open(p, 'r')
    this.read(fd, out, 0, file.size, 0)
    this.close(fd)
    return out
  }

  // ----- durability -----

  /** Whether anything awaits `sync()`. */
  get dirty(): boolean {
    return this.pending.size > 0 || this.catalogDirty
  }

  /**
   * Commits every change since the last sync as one mini-transaction (changed byte
   * ranges only; the catalog too when the tree changed) and returns its LSN, durable
   * at 4/6 — the commit point of the compute.
   */
  sync(): number {
    if (this.readOnly || !this.dirty) return this.volume.vdl
    const writes: BlockWrite[] = []
    for (const [block, before] of this.pending) {
      const ranges = diffRanges(before, this.pages.get(block)!)
      if (ranges.length > 0) writes.push({block, ranges})
    }
    const catalog = this.catalogDirty ? this.catalogWrites() : undefined
    if (catalog) writes.push(...catalog.writes)
    if (writes.length > 0) {
      // A refused commit leaves everything pending, to be retried by the next sync.
      const lsn = this.volume.commit(writes, this.now())
      if (catalog) this.catalogBytes = catalog.json
      this.pending.clear()
      this.catalogDirty = false
      return lsn
    }
    this.pending.clear()
    this.catalogDirty = false
    return this.volume.vdl
  }

  private catalogWrites(): {writes: BlockWrite[]; json: Uint8Array} {
    const json = new TextEncoder().encode(JSON.stringify(this.catalog))
    const next = new Uint8Array(4 + json.length)
    new DataView(next.buffer).setUint32(0, json.length)
    next.set(json, 4)
    if (next.length > CATALOG_BLOCKS * BLOCK_SIZE) throw new FsError('EINVAL', 'the file catalog outgrew its reserved blocks')
    const previous = new Uint8Array(4 + this.catalogBytes.length)
    new DataView(previous.buffer).setUint32(0, this.catalogBytes.length)
    previous.set(this.catalogBytes, 4)
    const writes: BlockWrite[] = []
    const blocks = Math.ceil(Math.max(next.length, previous.length) / BLOCK_SIZE)
    for (let b = 0; b < blocks; b++) {
      const slice = (bytes: Uint8Array) => {
        const page = new Uint8Array(BLOCK_SIZE)
        page.set(bytes.subarray(b * BLOCK_SIZE, (b + 1) * BLOCK_SIZE))
        return page
      }
      const ranges: ByteRange[] = diffRanges(slice(previous), slice(next))
      if (ranges.length > 0) writes.push({block: b, ranges})
    }
    return {writes, json}
  }
}
