/**
 * Byte-level helpers for the PostgreSQL v3 frontend/backend protocol: the few backend
 * messages the wire front writes itself (authentication, errors, startup completion)
 * and the parsing of the startup packet.
 */

export const PROTOCOL_3_0 = 196_608 // (3 << 16) | 0
export const SSL_REQUEST_CODE = 80_877_103
export const GSSENC_REQUEST_CODE = 80_877_104
export const CANCEL_REQUEST_CODE = 80_877_102
/** PostgreSQL refuses startup packets longer than this (MAX_STARTUP_PACKET_LENGTH). */
export const MAX_STARTUP_PACKET = 10_000
/** Largest regular message accepted (PostgreSQL's PQ_LARGE_MESSAGE_LIMIT is 1 GB). */
export const MAX_MESSAGE = 0x3fff_ffff

/** Frontend message types valid once a session is authenticated. */
export const SESSION_MESSAGE_TYPES = new Set(['Q', 'P', 'B', 'E', 'D', 'C', 'H', 'S', 'F', 'd', 'c', 'f', 'X'])

export function message(type: string, body: Buffer = Buffer.alloc(0)): Buffer {
  const out = Buffer.alloc(5 + body.length)
  out.write(type, 0, 'latin1')
  out.writeInt32BE(4 + body.length, 1)
  body.copy(out, 5)
  return out
}

function int32(value: number): Buffer {
  const out = Buffer.alloc(4)
  out.writeInt32BE(value)
  return out
}

function cstring(value: string): Buffer {
  return Buffer.concat([Buffer.from(value, 'utf8'), Buffer.from([0])])
}

export function authenticationOk(): Buffer {
  return message('R', int32(0))
}

export function authenticationSasl(mechanisms: string[]): Buffer {
  return message('R', Buffer.concat([int32(10), ...mechanisms.map(cstring), Buffer.from([0])]))
}

export function authenticationSaslContinue(data: string): Buffer {
  return message('R', Buffer.concat([int32(11), Buffer.from(data, 'utf8')]))
}

export function authenticationSaslFinal(data: string): Buffer {
  return message('R', Buffer.concat([int32(12), Buffer.from(data, 'utf8')]))
}

export function parameterStatus(name: string, value: string): Buffer {
  return message('S', Buffer.concat([cstring(name), cstring(value)]))
}

export function backendKeyData(pid: number, secret: number): Buffer {
  return message('K', Buffer.concat([int32(pid), int32(secret)]))
}

export function readyForQuery(status: 'I' | 'T' | 'E'): Buffer {
  return message('Z', Buffer.from(status, 'latin1'))
}

export function negotiateProtocolVersion(minor: number, unrecognised: string[]): Buffer {
  return message('v', Buffer.concat([int32(minor), int32(unrecognised.length), ...unrecognised.map(cstring)]))
}

export function errorResponse(severity: 'ERROR' | 'FATAL', code: string, text: string): Buffer {
  return message(
    'E',
    Buffer.concat([
      cstring(`S${severity}`),
      cstring(`V${severity}`),
      cstring(`C${code}`),
      cstring(`M${text}`),
      Buffer.from([0]),
    ]),
  )
}

/** Key/value pairs of a StartupMessage body (after length and protocol version). */
export function parseStartupParameters(body: Buffer): Map<string, string> | undefined {
  const parameters = new Map<string, string>()
  const fields: string[] = []
  let start = 0
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== 0) continue
    if (i === start) {
      // the empty string that terminates the list
      if (fields.length % 2 !== 0) return undefined
      for (let f = 0; f < fields.length; f += 2) parameters.set(fields[f]!, fields[f + 1]!)
      return parameters
    }
    fields.push(body.toString('utf8', start, i))
    start = i + 1
  }
  return undefined
}

/**
 * The transaction status of the last ReadyForQuery among the complete backend messages
 * in `response`, or undefined if there is none.
 */
export function lastReadyForQuery(response: Uint8Array): 'I' | 'T' | 'E' | undefined {
  const view = Buffer.from(response.buffer, response.byteOffset, response.byteLength)
  let status: 'I' | 'T' | 'E' | undefined
  let offset = 0
  while (offset + 5 <= view.length) {
    const length = view.readInt32BE(offset + 1)
    if (length < 4) break
    if (view[offset] === 0x5a /* Z */ && length === 5 && offset + 6 <= view.length) {
      status = String.fromCharCode(view[offset + 5]!) as 'I' | 'T' | 'E'
    }
    offset += 1 + length
  }
  return status
}

/** The SQL text of a Query ('Q') or Parse ('P') message, else undefined. */
export function sqlOf(packet: Buffer): string | undefined {
  let start = 5
  if (packet[0] === 0x50 /* P */) {
    const nameEnd = packet.indexOf(0, 5)
    if (nameEnd < 0) return undefined
    start = nameEnd + 1
  } else if (packet[0] !== 0x51 /* Q */) {
    return undefined
  }
  const end = packet.indexOf(0, start)
  return packet.toString('utf8', start, end < 0 ? packet.length : end)
}

/**
 * Whether the SQL has a COPY … FROM STDIN (comments, string literals and quoted names
 * left out), which PGlite cannot run from the wire: it aborts the whole WebAssembly
 * instance.
 */
export function copiesFromStdin(sql: string): boolean {
  const code = sql
    .replace(/--[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\$([A-Za-z_]\w*)?\$[\s\S]*?\$\1\$/g, ' ')
    .replace(/'(?:[^']|'')*'/g, ' ')
    .replace(/"(?:[^"]|"")*"/g, ' ')
  return /\bcopy\b[^;]*?\bfrom\s+stdin\b/i.test(code)
}

/**
 * Whether the SQL tries to leave read-only mode — `BEGIN`/`START TRANSACTION`/`SET
 * TRANSACTION … READ WRITE`, setting or resetting (default_)transaction_read_only, or
 * `set_config` of it, also inside a string a DO block would EXECUTE. A replica refuses
 * these as a hot standby does. Reading the setting (SHOW, current_setting) is allowed.
 */
export function leavesReadOnly(sql: string): boolean {
  const text = sql.toLowerCase()
  return (
    /\bread\s+write\b/.test(text) ||
    /\b(default_)?transaction_read_only\b['"]?\s*(=|\bto\b|,)/.test(text) ||
    /\breset\s+(all\b|(default_)?transaction_read_only\b)/.test(text)
  )
}
