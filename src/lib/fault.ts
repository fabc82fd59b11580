/**
 * A refusal decided before any request is sent, shaped like an SDK service
 * exception (name = AWS error code) so it is reported like one.
 */
export class ClientSideFault extends Error {
  readonly $fault = 'client'

  constructor(code: string, message: string) {
    super(message)
    this.name = code
  }
}
