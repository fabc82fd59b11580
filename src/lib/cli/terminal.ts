import {Chalk, type ChalkInstance} from 'chalk'

type Stream = NodeJS.WriteStream

/** Colour only for a TTY, and never with NO_COLOR or TERM=dumb (clig.dev; chalk does not read NO_COLOR). */
export function colourEnabled(stream: Stream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.TERM === 'dumb') return false
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true
  return Boolean(stream.isTTY)
}

export function chalkFor(stream: Stream): ChalkInstance {
  return new Chalk({level: colourEnabled(stream) ? 1 : 0})
}

/** Prompts only when a person is at both ends: stdin and stdout are TTYs. */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY) && process.env.AURORACTL_NO_PROMPT === undefined
}

/** Animated progress only on an interactive stderr outside CI. */
export function liveProgress(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI && process.env.TERM !== 'dumb'
}
