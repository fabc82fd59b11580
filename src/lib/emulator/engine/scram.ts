import {createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual} from 'node:crypto'
import {promisify} from 'node:util'

/**
 * The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it inside
 * SASL: no channel binding (the front is plain TCP on loopback), the user name taken from
 * the startup packet (the client sends `n=` empty), 4096 iterations.
 */

export const SCRAM_ITERATIONS = 4096
const pbkdf2Async = promisify(pbkdf2)

function hmac(key: Buffer, data: string | Buffer): Buffer {
  return createHmac('sha256', key).update(data).digest()
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest()
}

export interface ScramKeys {
  salt: Buffer
  storedKey: Buffer
  serverKey: Buffer
}

export async function scramKeys(password: string, salt: Buffer, iterations = SCRAM_ITERATIONS): Promise<ScramKeys> {
  // PostgreSQL runs SASLprep on the password; the ASCII passwords Aurora allows are unchanged by it.
  const salted = await pbkdf2Async(password.normalize('NFKC'), salt, iterations, 32, 'sha256')
  return {salt, storedKey: sha256(hmac(salted, 'Client Key')), serverKey: hmac(salted, 'Server Key')}
}

export class ScramError extends Error {}

/** One SCRAM exchange: `first` answers client-first, `final` checks client-final. */
export class ScramExchange {
  private clientFirstBare = ''
  private serverFirst = ''
  private nonce = ''
  private gs2Header = ''

  /** `keys` undefined = unknown user: the exchange runs to the end with a made-up salt and fails. */
  constructor(
    private readonly keys: ScramKeys | undefined,
    /** Fixed only by tests (RFC 7677's example); random otherwise. */
    private readonly serverNonce = randomBytes(18).toString('base64'),
  ) {}

  first(clientFirst: string): string {
    // gs2-header: cbind-flag "," [authzid] ","
    const firstComma = clientFirst.indexOf(',')
    const secondComma = clientFirst.indexOf(',', firstComma + 1)
    if (firstComma < 0 || secondComma < 0) throw new ScramError('malformed SCRAM message')
    const flag = clientFirst.slice(0, firstComma)
    if (flag !== 'n' && flag !== 'y') throw new ScramError('channel binding is not supported')
    if (clientFirst.slice(firstComma + 1, secondComma) !== '') throw new ScramError('authorization identities are not supported')
    this.gs2Header = clientFirst.slice(0, secondComma + 1)
    this.clientFirstBare = clientFirst.slice(secondComma + 1)
    const attributes = this.clientFirstBare.split(',')
    if (!attributes[0]?.startsWith('n=') || !attributes[1]?.startsWith('r=')) throw new ScramError('malformed SCRAM message')
    if (attributes.some((a) => a.startsWith('m='))) throw new ScramError('SCRAM extensions are not supported')
    const clientNonce = attributes[1].slice(2)
    if (clientNonce.length === 0 || /[^\x21-\x2b\x2d-\x7e]/.test(clientNonce)) throw new ScramError('malformed SCRAM nonce')
    this.nonce = clientNonce + this.serverNonce
    const salt = this.keys?.salt ?? randomBytes(16)
    this.serverFirst = `r=${this.nonce},s=${salt.toString('base64')},i=${SCRAM_ITERATIONS}`
    return this.serverFirst
  }

  /** Returns server-final (`v=…`) if the proof is right, undefined if it is wrong. */
  final(clientFinal: string): string | undefined {
    const proofAt = clientFinal.lastIndexOf(',p=')
    if (proofAt < 0) throw new ScramError('malformed SCRAM message')
    const withoutProof = clientFinal.slice(0, proofAt)
    const attributes = withoutProof.split(',')
    if (attributes[0] !== `c=${Buffer.from(this.gs2Header).toString('base64')}`) throw new ScramError('SCRAM channel binding check failed')
    if (attributes[1] !== `r=${this.nonce}`) throw new ScramError('SCRAM nonce does not match')
    const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64')
    if (this.keys === undefined || proof.length !== 32) return undefined
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`
    const signature = hmac(this.keys.storedKey, authMessage)
    const clientKey = Buffer.alloc(32)
    for (let i = 0; i < 32; i++) clientKey[i] = proof[i]! ^ signature[i]!
    if (!timingSafeEqual(sha256(clientKey), this.keys.storedKey)) return undefined
    return `v=${hmac(this.keys.serverKey, authMessage).toString('base64')}`
  }
}
