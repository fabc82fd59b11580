import {randomBytes, randomInt} from 'node:crypto'
import {createServer, type Server, type Socket} from 'node:net'


import type {SqlSession} from './sql-instance.js'
import {ScramError, ScramExchange, scramKeys, type ScramKeys} from './scram.js'
import {
  authenticationOk,
  authenticationSasl,
  authenticationSaslContinue,
  authenticationSaslFinal,
  backendKeyData,
  CANCEL_REQUEST_CODE,
  copiesFromStdin,
  leavesReadOnly,
  errorResponse,
  GSSENC_REQUEST_CODE,
  lastReadyForQuery,
  MAX_MESSAGE,
  MAX_STARTUP_PACKET,
  message,
  negotiateProtocolVersion,
  parameterStatus,
  parseStartupParameters,
  readyForQuery,
  SESSION_MESSAGE_TYPES,
  sqlOf,
  SSL_REQUEST_CODE,
} from './wire-messages.js'

/**
 * A PostgreSQL wire-protocol front for a PGlite database (in process or in a worker): `psql` and any other v3
 * client connect to a loopback port, authenticate with SCRAM-SHA-256 against the
 * cluster's master user and password (as Aurora does), and their protocol messages are
 * then executed by PGlite, which answers with its own backend bytes.
 *
 * PGlite is a single session, so clients take turns (one lock per PGlite instance,
 * shared by every server that serves it):
 * - a client takes the lock for the batch of complete messages it has sent, and gives
 *   it back once PGlite is idle again: its last ReadyForQuery said 'I' (not in a
 *   transaction) and no extended-protocol cycle or COPY is half way (no Sync yet);
 * - so a client inside BEGIN … COMMIT holds the lock until its transaction ends, and
 *   every other client waits (as if all tables were locked by the open transaction);
 * - a client that goes away while holding it has its cycle ended (CopyFail + Sync) and
 *   its transaction rolled back before the next client runs.
 * Session state other than the transaction (SET, prepared statements, temp tables,
 * application_name) is PGlite's single session, shared by all clients; only
 * default_transaction_read_only is put back per endpoint at the start of each turn, and
 * read-only endpoints refuse requests for read-write mode (25006), as a hot standby does.
 *
 * Limits: a CancelRequest cannot stop a running statement (PGlite has no way to);
 * COPY … FROM STDIN is refused (it aborts PGlite); no TLS (SSLRequest → 'N').
 */

export interface WireOptions {
  /** Only loopback: the front has no TLS. */
  host?: '127.0.0.1'
  /** 0 = any free port (the port chosen is what `listen` returns). */
  port: number
  /**
   * The password of `user`, or undefined if there is no such user. SCRAM verifies a
   * proof computed from the password, so the front needs the password itself, not a
   * yes/no check; the emulator answers with the cluster's master password for the
   * master user. Asked at each connection, so a changed password applies to new sessions.
   */
  passwordFor(user: string): string | undefined
  /**
   * The PGlite to serve (the current writer after a failover, a replica's newest image);
   * asked at each turn between transactions. Throw a FatalError to refuse the session.
   */
  database: (session: object) => SqlSession | Promise<SqlSession>
  /** Reader endpoints: every session starts with default_transaction_read_only = on. */
  readOnly?: boolean
  /** Database names a client may ask for (default: postgres). All map to the one PGlite database. */
  databases?: readonly string[]
  /** Time a client has to finish authentication (default 60 s, as PostgreSQL's authentication_timeout). */
  authenticationTimeoutMs?: number
}

type TransactionStatus = 'I' | 'T' | 'E'

/** Turn-taking on one PGlite: a FIFO lock held by one connection at a time. */
class DatabaseTurns {
  owner: Connection | undefined
  private readonly waiting: {connection: Connection; resolve: (granted: boolean) => void}[] = []
  /** Last default_transaction_read_only value set through this front (undefined: never set). */
  readOnly: boolean | undefined
  parameters: Promise<[string, string][]> | undefined

  acquire(connection: Connection): Promise<boolean> {
    if (this.owner === connection) return Promise.resolve(true)
    if (this.owner === undefined) {
      this.owner = connection
      return Promise.resolve(true)
    }
    return new Promise((resolve) => this.waiting.push({connection, resolve}))
  }

  release(connection: Connection): void {
    if (this.owner !== connection) return
    const next = this.waiting.shift()
    this.owner = next?.connection
    next?.resolve(true)
  }

  /** A connection that closed while waiting leaves the queue. */
  cancel(connection: Connection): void {
    const index = this.waiting.findIndex((w) => w.connection === connection)
    if (index >= 0) this.waiting.splice(index, 1)[0]!.resolve(false)
  }
}

const turnsByDatabase = new WeakMap<SqlSession, DatabaseTurns>()

function turnsFor(db: SqlSession): DatabaseTurns {
  let turns = turnsByDatabase.get(db)
  if (turns === undefined) {
    turns = new DatabaseTurns()
    turnsByDatabase.set(db, turns)
  }
  return turns
}

/** Whether no client holds a turn on `db` (it can be closed without cutting a transaction short). */
export function isIdle(db: SqlSession): boolean {
  return turnsByDatabase.get(db)?.owner === undefined
}

/** A fatal condition: an ErrorResponse with severity FATAL is sent and the connection closes. */
export class FatalError extends Error {
  constructor(
    readonly code: string,
    text: string,
  ) {
    super(text)
  }
}

const SYNC = message('S')
const COPY_FAIL = message('f', Buffer.from('client connection lost\0', 'utf8'))
const ROLLBACK = message('Q', Buffer.from('ROLLBACK\0', 'utf8'))
/** Raised by PGlite itself, so the error aborts the client's transaction as any error would. */
const NO_COPY_FROM_STDIN =
  "DO $wire$BEGIN RAISE EXCEPTION USING ERRCODE = 'feature_not_supported', " +
  "MESSAGE = 'COPY FROM STDIN is not supported by the emulator (PGlite)'; END$wire$"

/** What a hot standby answers to a request for read-write mode. */
const NO_READ_WRITE =
  "DO $wire$BEGIN RAISE EXCEPTION USING ERRCODE = 'read_only_sql_transaction', " +
  "MESSAGE = 'cannot set transaction read-write mode during recovery'; END$wire$"

/** The same message with its SQL replaced (Query or Parse; Parse keeps its name, declares no parameter types). */
function withSql(packet: Buffer, sql: string): Buffer {
  if (packet[0] === 0x51) return message('Q', Buffer.from(`${sql}\0`, 'utf8'))
  const name = packet.subarray(5, packet.indexOf(0, 5) + 1)
  return message('P', Buffer.concat([name, Buffer.from(`${sql}\0`, 'utf8'), Buffer.from([0, 0])]))
}

type Phase = 'startup' | 'sasl-initial' | 'sasl-response' | 'session' | 'closed'

class Connection {
  private buffer: Buffer = Buffer.alloc(0)
  private phase: Phase = 'startup'
  private busy = false
  private cleanedUp = false
  private user = ''
  private parameters = new Map<string, string>()
  private scram: ScramExchange | undefined
  private db: SqlSession | undefined
  private turns: DatabaseTurns | undefined
  private ownsTurn = false
  private status: TransactionStatus = 'I'
  /** An extended-protocol cycle or COPY has started and not reached ReadyForQuery. */
  private inCycle = false
  private readonly authTimer: NodeJS.Timeout

  constructor(
    readonly socket: Socket,
    private readonly server: PostgresWireServer,
    private readonly options: WireOptions,
  ) {
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      if (this.phase === 'closed') return
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk])
      void this.pump()
    })
    socket.on('error', () => {
      // A reset by the client; 'close' follows.
    })
    socket.on('close', () => this.closed())
    this.authTimer = setTimeout(() => {
      if (this.phase !== 'session') this.socket.destroy()
    }, options.authenticationTimeoutMs ?? 60_000)
    this.authTimer.unref()
  }

  private write(bytes: Uint8Array): void {
    if (!this.socket.destroyed && this.socket.writable && bytes.length > 0) this.socket.write(bytes)
  }

  private fatal(code: string, text: string): void {
    this.write(errorResponse('FATAL', code, text))
    this.phase = 'closed'
    this.socket.end()
    // A client that does not read or close: don't wait for it for ever.
    setTimeout(() => this.socket.destroy(), 1000).unref()
  }

  private closed(): void {
    clearTimeout(this.authTimer)
    this.phase = 'closed'
    this.server.forget(this)
    this.turns?.cancel(this)
    if (!this.busy) void this.cleanUp()
  }

  /** Processes the complete messages in the buffer, one at a time, in order. */
  private async pump(): Promise<void> {
    if (this.busy) return
    this.busy = true
    try {
      for (;;) {
        if (this.phase === 'closed') break
        const next = this.nextMessage()
        if (next === undefined) {
          this.releaseTurnIfIdle()
          break
        }
        await this.handle(next)
      }
    } catch (error) {
      if (this.phase !== 'closed') {
        if (error instanceof FatalError) this.fatal(error.code, error.message)
        else this.fatal('XX000', `internal error in the wire front: ${(error as Error).message}`)
      }
    } finally {
      this.busy = false
    }
    if (this.phase === 'closed') await this.cleanUp()
  }

  /** The next complete message (with its type byte and length), or undefined. */
  private nextMessage(): Buffer | undefined {
    if (this.phase === 'startup') {
      if (this.buffer.length < 4) return undefined
      const length = this.buffer.readInt32BE(0)
      if (length < 8 || length > MAX_STARTUP_PACKET) throw new FatalError('08P01', 'invalid length of startup packet')
      return this.take(length)
    }
    if (this.buffer.length < 5) return undefined
    const type = String.fromCharCode(this.buffer[0]!)
    if (this.phase === 'session' && !SESSION_MESSAGE_TYPES.has(type)) {
      throw new FatalError('08P01', `invalid frontend message type ${this.buffer[0]}`)
    }
    if (this.phase !== 'session' && type !== 'p') {
      throw new FatalError('08P01', `expected SASL response, got message type ${this.buffer[0]}`)
    }
    const length = this.buffer.readInt32BE(1)
    if (length < 4 || length > MAX_MESSAGE) throw new FatalError('08P01', 'invalid message length')
    return this.take(1 + length)
  }

  private take(size: number): Buffer | undefined {
    if (this.buffer.length < size) return undefined
    const out = this.buffer.subarray(0, size)
    this.buffer = this.buffer.subarray(size)
    return out
  }

  private async handle(packet: Buffer): Promise<void> {
    switch (this.phase) {
      case 'startup':
        return this.startup(packet)
      case 'sasl-initial':
        return this.saslInitial(packet.subarray(5))
      case 'sasl-response':
        return this.saslResponse(packet.subarray(5))
      case 'session':
        return this.session(packet)
      case 'closed':
        return
    }
  }

  private async startup(packet: Buffer): Promise<void> {
    const code = packet.readInt32BE(4)
    if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
      this.write(Buffer.from('N'))
      return
    }
    if (code === CANCEL_REQUEST_CODE) {
      // PGlite runs a query to its end: there is nothing to cancel.
      this.phase = 'closed'
      this.socket.end()
      return
    }
    const major = code >>> 16
    const minor = code & 0xffff
    if (major !== 3) {
      throw new FatalError('0A000', `unsupported frontend protocol ${major}.${minor}: server supports 3.0 to 3.0`)
    }
    const parameters = parseStartupParameters(packet.subarray(8))
    if (parameters === undefined) throw new FatalError('08P01', 'invalid startup packet layout: expected terminator as last byte')
    const unrecognised = [...parameters.keys()].filter((k) => k.startsWith('_pq_.'))
    // As PostgreSQL: a newer 3.x minor version or protocol options are negotiated down to 3.0.
    if (minor > 0 || unrecognised.length > 0) this.write(negotiateProtocolVersion(0, unrecognised))
    const user = parameters.get('user')
    if (!user) throw new FatalError('28000', 'no PostgreSQL user name specified in startup packet')
    this.user = user
    this.parameters = parameters
    const password = this.options.passwordFor(user)
    this.scram = new ScramExchange(password === undefined ? undefined : await this.server.keysFor(password))
    this.phase = 'sasl-initial'
    this.write(authenticationSasl(['SCRAM-SHA-256']))
  }

  private saslInitial(body: Buffer): void {
    const end = body.indexOf(0)
    if (end < 0 || body.length < end + 5) throw new FatalError('08P01', 'malformed SASL message')
    const mechanism = body.toString('utf8', 0, end)
    if (mechanism !== 'SCRAM-SHA-256') throw new FatalError('08P01', 'client selected an invalid SASL authentication mechanism')
    const length = body.readInt32BE(end + 1)
    if (length < 0 || end + 5 + length !== body.length) throw new FatalError('08P01', 'malformed SASL message')
    const serverFirst = this.scramStep(() => this.scram!.first(body.toString('utf8', end + 5)))
    this.phase = 'sasl-response'
    this.write(authenticationSaslContinue(serverFirst))
  }

  private async saslResponse(body: Buffer): Promise<void> {
    const serverFinal = this.scramStep(() => this.scram!.final(body.toString('utf8')))
    if (serverFinal === undefined) throw new FatalError('28P01', `password authentication failed for user "${this.user}"`)
    this.scram = undefined
    const database = this.parameters.get('database') || this.user
    if (!(this.options.databases ?? ['postgres']).includes(database)) {
      throw new FatalError('3D000', `database "${database}" does not exist`)
    }
    if (!(await this.resolveDatabase())) return
    const db = this.db!
    let settings = this.turns!.parameters
    if (settings === undefined) {
      // Only the first session of a PGlite waits for a turn, to read its settings.
      if (!(await this.takeTurn())) return
      const turns = this.turns!
      settings = turns.parameters ??= serverParameters(db).catch((error: unknown) => {
        turns.parameters = undefined // the next session tries again
        throw error
      })
    }
    const shared = await settings
    this.releaseTurnIfIdle()
    clearTimeout(this.authTimer)
    this.phase = 'session'
    const perSession: [string, string][] = [
      ['application_name', this.parameters.get('application_name') ?? ''],
      ['client_encoding', 'UTF8'],
      ['session_authorization', this.user],
      ['is_superuser', 'on'],
      ['default_transaction_read_only', this.options.readOnly ? 'on' : 'off'],
      ['in_hot_standby', this.options.readOnly ? 'on' : 'off'],
    ]
    this.write(
      Buffer.concat([
        authenticationSaslFinal(serverFinal),
        authenticationOk(),
        ...[...shared, ...perSession].map(([name, value]) => parameterStatus(name, value)),
        backendKeyData(randomInt(1, 2 ** 31 - 1), randomInt(0, 2 ** 31 - 1)),
        readyForQuery('I'),
      ]),
    )
  }

  private scramStep<T>(step: () => T): T {
    try {
      return step()
    } catch (error) {
      if (error instanceof ScramError) throw new FatalError('08P01', error.message)
      throw error
    }
  }

  /** Asks which PGlite serves this session now; false if the connection closed meanwhile. */
  private async resolveDatabase(): Promise<boolean> {
    const db = await this.options.database(this)
    if (db === this.db) return true
    await db.waitReady
    if (this.phase === 'closed') return false
    this.db = db
    this.turns = turnsFor(db)
    return true
  }

  /** Waits for this connection's turn on PGlite; false if the connection closed meanwhile. */
  private async takeTurn(): Promise<boolean> {
    if (this.ownsTurn) return true
    // Between transactions a session may move to another PGlite: a replica refreshed at a newer read-point.
    if (!(await this.resolveDatabase())) return false
    const granted = await this.turns!.acquire(this)
    if (!granted) return false
    this.ownsTurn = true
    if (this.phase === 'closed') return true // cleanUp gives the turn back
    await this.applyReadOnly()
    return true
  }

  /** PGlite is idle when a turn starts: put default_transaction_read_only the way this endpoint wants. */
  private async applyReadOnly(): Promise<void> {
    const wanted = this.options.readOnly ?? false
    const turns = this.turns!
    // A reader sets it at every turn (a client may have SET it off); a writer only undoes a reader's.
    if (wanted || turns.readOnly === true) {
      await this.db!.exec(`SET default_transaction_read_only = ${wanted ? 'on' : 'off'}`)
      turns.readOnly = wanted
    }
  }

  private releaseTurnIfIdle(): void {
    if (this.ownsTurn && !this.inCycle && this.status === 'I') {
      this.ownsTurn = false
      this.turns!.release(this)
    }
  }

  private async session(packet: Buffer): Promise<void> {
    if (packet[0] === 0x58 /* X: Terminate */) {
      this.phase = 'closed'
      this.socket.end()
      return
    }
    if (!(await this.takeTurn()) || this.phase === 'closed') return
    // What the client has already sent goes to PGlite in one call (an extended-protocol
    // query is five messages), up to a Terminate, which is handled on its own.
    const batch = [this.guarded(packet)]
    while (this.buffer.length > 0 && this.buffer[0] !== 0x58) {
      const next = this.nextMessage()
      if (next === undefined) break
      batch.push(this.guarded(next))
    }
    const response = await this.execute(batch.length === 1 ? batch[0] : Buffer.concat(batch))
    this.write(response)
  }

  /** The message with SQL that PGlite must not run replaced by a statement raising the right error. */
  private guarded(packet: Buffer): Buffer {
    const sql = sqlOf(packet)
    if (sql === undefined) return packet
    if (copiesFromStdin(sql)) return withSql(packet, NO_COPY_FROM_STDIN)
    if (this.options.readOnly && leavesReadOnly(sql)) return withSql(packet, NO_READ_WRITE)
    return packet
  }

  /** Runs one frontend message on PGlite; a response with ReadyForQuery is made durable first. */
  private async execute(packet: Buffer): Promise<Uint8Array> {
    const db = this.db!
    const response = await db.runExclusive(() => db.execProtocolRaw(packet, {syncToFs: false}))
    const status = lastReadyForQuery(response)
    if (status === undefined) {
      this.inCycle = true
    } else {
      this.status = status
      this.inCycle = false
      await db.syncToFs()
    }
    return response
  }

  /** After the socket closed: end what the client left half way on SqlSession, give the turn back. */
  private async cleanUp(): Promise<void> {
    if (this.cleanedUp || this.busy) return
    this.cleanedUp = true
    if (!this.ownsTurn) return
    try {
      if (this.inCycle) {
        await this.execute(COPY_FAIL)
        await this.execute(SYNC)
      }
      if (this.status !== 'I') await this.execute(ROLLBACK)
    } catch {
      // SqlSession itself failed; the next client will see it.
    } finally {
      this.ownsTurn = false
      this.turns!.release(this)
    }
  }
}

async function serverParameters(db: SqlSession): Promise<[string, string][]> {
  const names = [
    'server_version',
    'server_encoding',
    'DateStyle',
    'IntervalStyle',
    'TimeZone',
    'integer_datetimes',
    'standard_conforming_strings',
  ]
  const result = await db.query<Record<string, string>>(
    `SELECT ${names.map((name, i) => `current_setting('${name}') AS s${i}`).join(', ')}`,
  )
  const row = result.rows[0] ?? {}
  return names.map((name, i) => [name, row[`s${i}`] ?? ''])
}

export class PostgresWireServer {
  private server: Server | undefined
  private readonly open = new Set<Connection>()
  private readonly salt = randomBytes(16)
  private readonly keys = new Map<string, Promise<ScramKeys>>()

  constructor(private readonly options: WireOptions) {}

  /** Starts listening; resolves with the port. */
  listen(): Promise<number> {
    if (this.server !== undefined) return Promise.reject(new Error('the wire server is already listening'))
    const server = createServer((socket) => {
      const connection = new Connection(socket, this, this.options)
      this.open.add(connection)
    })
    this.server = server
    return new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.options.port, this.options.host ?? '127.0.0.1', () => {
        server.off('error', reject)
        server.on('error', () => {
          // accept errors (e.g. EMFILE) must not take the process down
        })
        const address = server.address()
        resolve(typeof address === 'object' && address !== null ? address.port : this.options.port)
      })
    })
  }

  /** Closes every client socket at once (a failover drops sessions). */
  dropConnections(): void {
    for (const connection of this.open) connection.socket.destroy()
  }

  /** Stops listening and drops every client. */
  async close(): Promise<void> {
    const server = this.server
    this.server = undefined
    this.dropConnections()
    if (server === undefined) return
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  /** Open client connections (authenticated or not). */
  get connections(): number {
    return this.open.size
  }

  /** @internal */
  forget(connection: Connection): void {
    this.open.delete(connection)
  }

  /** @internal SCRAM keys of a password, with this server's salt (computed once per password). */
  keysFor(password: string): Promise<ScramKeys> {
    let keys = this.keys.get(password)
    if (keys === undefined) {
      if (this.keys.size >= 8) this.keys.clear()
      keys = scramKeys(password, this.salt)
      this.keys.set(password, keys)
    }
    return keys
  }
}
