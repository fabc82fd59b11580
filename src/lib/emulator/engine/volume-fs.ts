import {BaseFilesystem, ERRNO_CODES, type FsStats} from '@electric-sql/pglite/basefs'

import {FsError, type VolumeFileSystem} from '../storage/file-view.js'

/** Emscripten's errno for a read-only file system (not in PGlite's exported subset). */
const EROFS = 69

function errno(error: unknown): never {
  if (error instanceof FsError) {
    const code = error.code === 'EROFS' ? EROFS : ERRNO_CODES[error.code]
    throw Object.assign(new Error(error.message), {code})
  }
  throw error
}

function guard<T>(operation: () => T): T {
  try {
    return operation()
  } catch (error) {
    return errno(error)
  }
}

/**
 * PGlite's data directory on an Aurora volume: every file call goes to the volume's
 * file view, and `syncToFs` — which PGlite runs after each query — is the commit
 * point that waits for 4/6 (DESIGN §4).
 */
export class VolumeBackedFilesystem extends BaseFilesystem {
  private fenced = false

  constructor(
    readonly view: VolumeFileSystem,
    private readonly onCommit?: (lsn: number) => void,
  ) {
    super()
  }

  /** From now on every change is refused: this compute lost its right to write. */
  fence(): void {
    this.fenced = true
  }

  private mutable(): void {
    if (this.fenced) throw Object.assign(new Error('this instance was fenced off the volume'), {code: EROFS})
  }

  override async syncToFs(): Promise<void> {
    this.commit()
  }

  /** Commits what changed since the last commit, durable at 4/6 when it returns. */
  commit(): void {
    // A fenced engine's commit is refused, never dropped silently: its client must not see it acknowledged.
    if (this.fenced) {
      if (this.view.dirty) this.mutable()
      return
    }
    const dirty = this.view.dirty
    const lsn = this.view.sync()
    if (dirty) this.onCommit?.(lsn)
  }

  private stats(path: string): FsStats {
    const s = this.view.stat(path)
    return {dev: 0, ino: s.ino, mode: s.mode, nlink: 1, uid: 0, gid: 0, rdev: 0, size: s.size, blksize: 8192, blocks: Math.ceil(s.size / 512), atime: s.mtime, mtime: s.mtime, ctime: s.mtime}
  }

  chmod(path: string, mode: number): void {
    this.mutable()
    guard(() => this.view.chmod(path, mode))
  }

  close(fd: number): void {
    guard(() => this.view.close(fd))
  }

  fstat(fd: number): FsStats {
    return guard(() => this.stats(this.view.pathOf(fd)))
  }

  lstat(path: string): FsStats {
    return guard(() => this.stats(path))
  }

  mkdir(path: string, options?: {recursive?: boolean; mode?: number}): void {
    this.mutable()
    guard(() => this.view.mkdir(path, options))
  }

  open(path: string, flags?: string): number {
    return guard(() => this.view.open(path, flags ?? (this.view.readOnly ? 'r' : 'r+')))
  }

  readdir(path: string): string[] {
    return guard(() => this.view.readdir(path))
  }

  read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number): number {
    return guard(() => this.view.read(fd, buffer, offset, length, position))
  }

  rename(oldPath: string, newPath: string): void {
    this.mutable()
    guard(() => this.view.rename(oldPath, newPath))
  }

  rmdir(path: string): void {
    this.mutable()
    guard(() => this.view.rmdir(path))
  }

  truncate(path: string, len: number): void {
    this.mutable()
    guard(() => this.view.truncate(path, len))
  }

  unlink(path: string): void {
    this.mutable()
    guard(() => this.view.unlink(path))
  }

  utimes(path: string, atime: number, mtime: number): void {
    guard(() => this.view.utimes(path, atime, mtime))
  }

  writeFile(path: string, data: string | Uint8Array): void {
    this.mutable()
    guard(() => this.view.writeFile(path, data))
  }

  /** PGlite hands over the WASM heap's ArrayBuffer here, not a Uint8Array. */
  write(fd: number, buffer: Uint8Array | ArrayBuffer, offset: number, length: number, position: number): number {
    this.mutable()
    const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer)
    return guard(() => this.view.write(fd, bytes, offset, length, position))
  }
}
