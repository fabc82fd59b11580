import fs from 'node:fs'

/**
 * Whether a process is running. A killed process whose parent has not reaped it yet (a zombie) still answers
 * signal 0, so on Linux its state in /proc decides: a daemon killed with SIGKILL is dead at once.
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat[stat.lastIndexOf(')') + 2] !== 'Z'
  } catch {
    // No /proc (macOS) or the process just went: signal 0 said it was there.
    return !fs.existsSync('/proc')
  }
}
