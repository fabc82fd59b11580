/**
 * A refusal decided on this side (before any request is sent, or from an answer that lacks
 * what was asked for), shaped like an SDK service exception (name = AWS error code) so it is
 * reported like one.
 */
export class ClientSideFault extends Error {
  readonly $fault = 'client'

  constructor(code: string, message: string) {
    super(message)
    this.name = code
  }
}

/**
 * Adds a sentence to a backend's refusal, keeping its code (and so its exit code). The extra
 * detail is best effort: if it cannot be had, the refusal is reported as it came.
 */
export async function appendToMessage(error: unknown, detail: () => Promise<string>): Promise<void> {
  const e = error as {message?: string}
  const text = await detail().catch(() => undefined)
  if (text) e.message = `${(e.message ?? '').trim().replace(/([^.])$/, '$1.')} ${text}`.trim()
}
