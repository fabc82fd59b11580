import {describe, expect, it} from 'vitest'

import {ManualClock} from '../../src/lib/emulator/clock.js'
import {FsError, VolumeFileSystem} from '../../src/lib/emulator/storage/file-view.js'
import {StorageFleet} from '../../src/lib/emulator/storage/fleet.js'
import {Volume} from '../../src/lib/emulator/storage/volume.js'

const newVolume = () => new Volume({id: 'fs', fleet: new StorageFleet('us-east-1'), clock: new ManualClock()})
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)
const code = (f: () => unknown) => {
  try {
    f()
  } catch (error) {
    return (error as FsError).code
  }
  return 'no error'
}

describe('the volume as a file system', () => {
  it('keeps files across block boundaries, and only a sync makes them durable', () => {
    const volume = newVolume()
    const fs = new VolumeFileSystem(volume)
    fs.mkdir('/base/1', {recursive: true})
    const big = Uint8Array.from({length: 20_000}, (_, i) => i % 251)
    fs.writeFile('/base/1/rel', big)
    expect(fs.dirty).toBe(true)
    expect(new VolumeFileSystem(volume).exists('/base/1/rel')).toBe(false)
    const lsn = fs.sync()
    expect(volume.isDurable(lsn)).toBe(true)
    const reopened = new VolumeFileSystem(volume)
    expect(reopened.readFile('/base/1/rel')).toEqual(big)
    expect(reopened.readdir('/base')).toEqual(['1'])
    expect(reopened.stat('/base/1/rel').size).toBe(20_000)
  })

  it('ships only changed bytes for a small change to a page', () => {
    const volume = newVolume()
    const fs = new VolumeFileSystem(volume)
    fs.writeFile('/f', new Uint8Array(8192).fill(7))
    fs.sync()
    const before = volume.protectionGroups[0].members[0].logBytes
    const fd = fs.open('/f', 'r+')
    fs.write(fd, Uint8Array.of(1, 2, 3), 0, 3, 4000)
    fs.sync()
    expect(volume.protectionGroups[0].members[0].logBytes - before).toBeLessThan(200)
  })

  it('renames, truncates and unlinks, with POSIX errors', () => {
    const fs = new VolumeFileSystem(newVolume())
    fs.mkdir('/a')
    fs.writeFile('/a/x', 'hello world')
    fs.rename('/a', '/b')
    expect(text(fs.readFile('/b/x'))).toBe('hello world')
    fs.truncate('/b/x', 5)
    expect(text(fs.readFile('/b/x'))).toBe('hello')
    expect(code(() => fs.rmdir('/b'))).toBe('ENOTEMPTY')
    expect(code(() => fs.open('/nope'))).toBe('ENOENT')
    expect(code(() => fs.mkdir('/b'))).toBe('EEXIST')
    expect(code(() => fs.open('/b/x', 'wx'))).toBe('EEXIST')
    fs.unlink('/b/x')
    fs.rmdir('/b')
    expect(fs.readdir('/')).toEqual([])
  })

  it('is read-only at a read-point, and shows the files as they were then', () => {
    const volume = newVolume()
    const fs = new VolumeFileSystem(volume)
    fs.writeFile('/f', 'one')
    const first = fs.sync()
    fs.writeFile('/f', 'two')
    fs.sync()
    const past = new VolumeFileSystem(volume, {readPoint: first})
    expect(text(past.readFile('/f'))).toBe('one')
    expect(code(() => past.writeFile('/g', 'x'))).toBe('EROFS')
  })
})
