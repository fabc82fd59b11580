import {ExitCode} from './exit-codes.js'
import {CommandError} from './errors.js'
import {canPrompt} from './terminal.js'

/**
 * Destructive actions ask the user to type the resource id (as gh and heroku do),
 * or take --yes. Without a TTY and without --yes they refuse rather than hang.
 */
export async function confirmDestructive(what: string, id: string, yes: boolean): Promise<void> {
  if (yes) return
  if (!canPrompt()) {
    throw new CommandError(`--yes is required to ${what} when not running interactively.`, {
      exitCode: ExitCode.usage,
      hint: `Re-run with --yes to ${what} without a prompt.`,
    })
  }
  const {input} = await import('@inquirer/prompts')
  const typed = await input({message: `This will ${what}. Type ${id} to confirm:`}, {output: process.stderr})
  if (typed.trim() !== id) {
    throw new CommandError(`"${typed.trim()}" did not match ${id}; nothing was changed.`, {exitCode: ExitCode.error})
  }
}

/** Reads a secret from a hidden prompt (TTY only). */
export async function promptSecret(message: string): Promise<string> {
  if (!canPrompt()) throw new CommandError('Cannot prompt for a secret when not running interactively.', {exitCode: ExitCode.usage})
  const {password} = await import('@inquirer/prompts')
  return password({message, mask: true}, {output: process.stderr})
}

/** Reads a secret from stdin: the first line, without its newline. */
export async function readSecretFromStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0]
}

async function nonEmptySecretFromStdin(flag: string): Promise<string> {
  const secret = await readSecretFromStdin()
  if (!secret) throw new CommandError(`${flag} read an empty password.`, {exitCode: ExitCode.usage})
  return secret
}

/**
 * The master password, from stdin (--master-password-stdin) or a hidden prompt typed
 * twice; never from a flag, so it stays out of shell history and process lists.
 * Undefined when AWS Secrets Manager manages it.
 */
export async function resolveMasterPassword(options: {fromStdin: boolean; managed: boolean}): Promise<string | undefined> {
  if (options.managed) return undefined
  if (options.fromStdin) return nonEmptySecretFromStdin('--master-password-stdin')
  if (!canPrompt()) {
    throw new CommandError('A master password is needed.', {
      exitCode: ExitCode.usage,
      hint: 'Pipe it in with --master-password-stdin, or let AWS manage it with --manage-master-password.',
    })
  }
  const first = await promptSecret('Master password:')
  const second = await promptSecret('Master password (again):')
  if (first !== second) throw new CommandError('The passwords did not match.', {exitCode: ExitCode.usage})
  return first
}

/** A password to log in with: stdin (--password-stdin), PGPASSWORD, or a hidden prompt on a TTY. */
export async function resolveSqlPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin) return nonEmptySecretFromStdin('--password-stdin')
  if (process.env.PGPASSWORD) return process.env.PGPASSWORD
  if (!canPrompt()) {
    throw new CommandError('The master password is needed to log in.', {exitCode: ExitCode.usage, hint: 'Set PGPASSWORD or pipe it in with --password-stdin.'})
  }
  return promptSecret('Master password:')
}
