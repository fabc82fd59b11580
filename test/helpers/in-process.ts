import {vi} from 'vitest'

import {ROOT} from './process.js'

/**
 * Runs a command in this process on the aws backend (so an aws-sdk-client-mock answers; the endpoint is never
 * reached), capturing its output and exit code.
 */
export async function runInProcess(
  cmd: {run(argv: string[], root: string): Promise<unknown>}, argv: string[],
): Promise<{exitCode: number; stdout: string; stderr: string}> {
  let stdout = ''
  let stderr = ''
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true))
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true))
  const previous = process.exitCode
  process.exitCode = undefined
  try {
    await cmd.run([...argv, '--backend', 'aws', '--endpoint-url', 'http://127.0.0.1:9'], ROOT)
    return {exitCode: Number(process.exitCode ?? 0), stdout, stderr}
  } finally {
    process.exitCode = previous
    out.mockRestore()
    err.mockRestore()
  }
}
