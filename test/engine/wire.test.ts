import {spawn} from 'node:child_process'
import {createHash, createHmac, pbkdf2Sync, randomBytes} from 'node:crypto'
import {rmSync, writeFileSync} from 'node:fs'
import {connect, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {PGlite} from '@electric-sql/pglite'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {PostgresWireServer, type WireOptions} from '../../src/lib/emulator/engine/wire.js'
import {copiesFromStdin} from '../../src/lib/emulator/engine/wire-messages.js'

const USER = 'admin'
const PASSWORD = 'master-password-1'

interface Run {
  code: number | null
  stdout: string
  stderr: string
  ms: number
}

/** Runs the real psql (asynchronously: the server under test lives in this process). */
function psql(
  port: number,
  args: string[],
  {password = PASSWORD, user = USER, stdin}: {password?: string; user?: string; stdin?: string} = {},
): Promise<Run> {
  const started = performance.now()
  const child = spawn(
    'psql',
    [`host=127.0.0.1 port=${port} user=${user} dbname=postgres sslmode=prefer`, '-X', '-v', 'ON_ERROR_STOP=1', ...args],
    {env: {...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '5', PGAPPNAME: 'wire-test'}},
  )
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  child.stdin.end(stdin ?? '')
  return new Promise((resolve) => child.on('close', (code) => resolve({code, stdout, stderr, ms: performance.now() - started})))
}

function server(db: PGlite, extra: Partial<WireOptions> = {}): PostgresWireServer {
  return new PostgresWireServer({
    port: 0,
    passwordFor: (user) => (user === USER ? PASSWORD : undefined),
    database: () => db,
    ...extra,
  })
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** Sends raw bytes and collects everything the server answers until it closes (or timeout). */
function raw(port: number, chunks: Buffer[], timeoutMs = 3000): Promise<{data: Buffer; closed: boolean}> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    const received: Buffer[] = []
    const timer = setTimeout(() => {
      socket.destroy()
      resolve({data: Buffer.concat(received), closed: false})
    }, timeoutMs)
    socket.on('connect', () => {
      for (const chunk of chunks) socket.write(chunk)
    })
    socket.on('data', (d) => received.push(d))
    socket.on('error', () => {})
    socket.on('close', () => {
      clearTimeout(timer)
      resolve({data: Buffer.concat(received), closed: true})
    })
  })
}

function startupPacket(version: number, parameters: Record<string, string>): Buffer {
  const body = Buffer.concat([
    ...Object.entries(parameters).flatMap(([k, v]) => [Buffer.from(`${k}\0`), Buffer.from(`${v}\0`)]),
    Buffer.from([0]),
  ])
  const head = Buffer.alloc(8)
  head.writeInt32BE(8 + body.length, 0)
  head.writeInt32BE(version, 4)
  return Buffer.concat([head, body])
}


function frontend(type: string, ...parts: (string | Buffer | number)[]): Buffer {
  const body = Buffer.concat(
    parts.map((part) => {
      if (typeof part === 'number') {
        const b = Buffer.alloc(4)
        b.writeInt32BE(part)
        return b
      }
      return typeof part === 'string' ? Buffer.from(`${part}\0`) : part
    }),
  )
  const head = Buffer.alloc(5)
  head.write(type, 0, 'latin1')
  head.writeInt32BE(4 + body.length, 1)
  return Buffer.concat([head, body])
}

function int16(value: number): Buffer {
  const b = Buffer.alloc(2)
  b.writeInt16BE(value)
  return b
}

interface Backend {
  type: string
  body: Buffer
}

/** A minimal protocol client with its own SCRAM-SHA-256, to send what psql never would. */
class RawClient {
  private buffer = Buffer.alloc(0)
  private readonly messages: Backend[] = []
  private wake: (() => void) | undefined
  closed = false

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d])
      while (this.buffer.length >= 5 && this.buffer.length >= 1 + this.buffer.readInt32BE(1)) {
        const length = this.buffer.readInt32BE(1)
        this.messages.push({type: String.fromCharCode(this.buffer[0]!), body: this.buffer.subarray(5, 1 + length)})
        this.buffer = this.buffer.subarray(1 + length)
      }
      this.wake?.()
    })
    socket.on('error', () => {})
    socket.on('close', () => {
      this.closed = true
      this.wake?.()
    })
  }

  static async connect(port: number, password = PASSWORD): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1')
    await new Promise((r) => socket.once('connect', r))
    const client = new RawClient(socket)
    socket.write(startupPacket(0x30000, {user: USER, database: 'postgres'}))
    expect((await client.next()).body.readInt32BE(0)).toBe(10)
    const clientNonce = randomBytes(18).toString('base64')
    const clientFirst = `n,,n=,r=${clientNonce}`
    socket.write(frontend('p', 'SCRAM-SHA-256', Buffer.byteLength(clientFirst), Buffer.from(clientFirst)))
    const serverFirst = (await client.next()).body.subarray(4).toString()
    const fields = Object.fromEntries(serverFirst.split(',').map((f) => [f[0], f.slice(2)]))
    const salted = pbkdf2Sync(password, Buffer.from(fields.s!, 'base64'), Number(fields.i), 32, 'sha256')
    const clientKey = createHmac('sha256', salted).update('Client Key').digest()
    const storedKey = createHash('sha256').update(clientKey).digest()
    const withoutProof = `c=biws,r=${fields.r}`
    const signature = createHmac('sha256', storedKey).update(`n=,r=${clientNonce},${serverFirst},${withoutProof}`).digest()
    const proof = Buffer.from(clientKey.map((byte, i) => byte ^ signature[i]!))
    socket.write(frontend('p', Buffer.from(`${withoutProof},p=${proof.toString('base64')}`)))
    await client.until('Z')
    return client
  }

  send(...messages: Buffer[]): void {
    this.socket.write(Buffer.concat(messages))
  }

  async next(timeoutMs = 3000): Promise<Backend> {
    const deadline = Date.now() + timeoutMs
    while (this.messages.length === 0) {
      if (this.closed) throw new Error('connection closed')
      if (Date.now() > deadline) throw new Error('no message')
      await new Promise<void>((r) => {
        this.wake = r
        setTimeout(r, 50)
      })
    }
    return this.messages.shift()!
  }

  /** Messages up to and including the first of `type`. */
  async until(type: string): Promise<Backend[]> {
    const out: Backend[] = []
    for (;;) {
      const m = await this.next()
      out.push(m)
      if (m.type === type) return out
    }
  }
}

describe('PostgresWireServer', () => {
  let db: PGlite
  let wire: PostgresWireServer
  let port: number

  beforeAll(async () => {
    db = await PGlite.create()
    wire = server(db)
    port = await wire.listen()
  })

  afterAll(async () => {
    await wire.close()
    await db.close()
  })

  it('serves psql: create table, insert, select', async () => {
    const run = await psql(port, [
      '-c', 'CREATE TABLE items (id int PRIMARY KEY, name text)',
      '-c', "INSERT INTO items VALUES (1, 'one'), (2, 'two')",
      '-At', '-c', 'SELECT id, name FROM items ORDER BY id',
    ])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toContain('CREATE TABLE')
    expect(run.stdout).toContain('INSERT 0 2')
    expect(run.stdout).toContain('1|one\n2|two')
    await until(() => wire.connections === 0)
  })

  it("reports PGlite's server version to psql and serves psql's own catalogue queries", async () => {
    const run = await psql(port, ['-At', '-c', 'SELECT current_setting($$server_version_num$$)::int >= 140000', '-c', '\\dt items'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^t\npublic\|items\|table\|/)
  })

  it('refuses a wrong password and an unknown user with 28P01 and exit code 2', async () => {
    const wrong = await psql(port, ['-c', 'SELECT 1'], {password: 'not-the-password'})
    expect(wrong.code).toBe(2)
    expect(wrong.stderr).toContain(`FATAL:  password authentication failed for user "${USER}"`)
    expect(wrong.stderr).not.toContain('not-the-password')
    const unknown = await psql(port, ['-c', 'SELECT 1'], {user: 'mallory'})
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('FATAL:  password authentication failed for user "mallory"')
    await until(() => wire.connections === 0)
  })

  it('serves several clients at once, each transaction whole', async () => {
    await psql(port, ['-c', 'CREATE TABLE hits (client int, n int)'])
    const clients = 5
    const rows = 20
    const runs = await Promise.all(
      Array.from({length: clients}, (_, c) =>
        psql(port, [
          '-c', 'BEGIN',
          ...Array.from({length: rows}, (_, n) => ['-c', `INSERT INTO hits VALUES (${c}, ${n})`]).flat(),
          '-c', 'COMMIT',
        ]),
      ),
    )
    for (const run of runs) {
      expect(run.stderr).toBe('')
      expect(run.code).toBe(0)
    }
    const count = await psql(port, ['-At', '-c', 'SELECT count(*), count(DISTINCT client) FROM hits'])
    expect(count.stdout.trim()).toBe(`${clients * rows}|${clients}`)
  })

  it('a read-only endpoint refuses writes as PostgreSQL does but serves reads; the writer still writes', async () => {
    const reader = server(db, {readOnly: true})
    const readerPort = await reader.listen()
    try {
      await psql(port, ['-c', 'CREATE TABLE ro (x int)', '-c', 'INSERT INTO ro VALUES (1)'])
      const insert = await psql(readerPort, ['-c', 'INSERT INTO ro VALUES (2)'])
      expect(insert.code).not.toBe(0)
      expect(insert.stderr).toContain('ERROR:  cannot execute INSERT in a read-only transaction')
      const verbose = await psql(readerPort, ['-c', '\\set VERBOSITY verbose', '-c', 'INSERT INTO ro VALUES (2)'])
      expect(verbose.stderr).toContain('25006')
      const select = await psql(readerPort, ['-At', '-c', 'SELECT count(*) FROM ro'])
      expect(select.code).toBe(0)
      expect(select.stdout).toBe('1\n')
      const write = await psql(port, ['-At', '-c', 'INSERT INTO ro VALUES (3)', '-c', 'SELECT count(*) FROM ro'])
      expect(write.stderr).toBe('')
      expect(write.stdout).toContain('2\n')
    } finally {
      await reader.close()
    }
  })

  it('dropConnections ends open sessions at once, rolls back their transaction and frees waiting clients', async () => {
    await psql(port, ['-c', 'CREATE TABLE dropped (x int)'])
    // Session A: inside a transaction, idle, reading more commands from stdin.
    const a = spawn('psql', [`host=127.0.0.1 port=${port} user=${USER} dbname=postgres`, '-X'], {
      env: {...process.env, PGPASSWORD: PASSWORD, PGCONNECT_TIMEOUT: '5'},
    })
    let aOut = ''
    let aErr = ''
    a.stdout.on('data', (d: Buffer) => (aOut += d.toString()))
    a.stderr.on('data', (d: Buffer) => (aErr += d.toString()))
    const aExit = new Promise<number | null>((resolve) => a.on('close', resolve))
    a.stdin.write('BEGIN;\nINSERT INTO dropped VALUES (1);\n')
    await until(() => aOut.includes('INSERT 0 1'))
    // Session B waits for A's transaction to end.
    const b = psql(port, ['-At', '-c', 'SELECT count(*) FROM dropped'])
    await until(() => wire.connections === 2)
    await new Promise((r) => setTimeout(r, 100))
    const dropped = performance.now()
    wire.dropConnections()
    const bRun = await b
    expect(bRun.code).toBe(2)
    expect(performance.now() - dropped).toBeLessThan(2000)
    a.stdin.end('SELECT 2;\n')
    expect(await aExit).not.toBe(0)
    expect(aErr).toMatch(/server closed the connection unexpectedly|connection to server was lost|no connection to the server/)
    await until(() => wire.connections === 0)
    // A's insert was rolled back, and the database is free for the next client.
    const after = await psql(port, ['-At', '-c', 'SELECT count(*) FROM dropped'])
    expect(after.stdout).toBe('0\n')
  })

  it('serves the extended protocol (Parse/Bind/Execute/Sync) to a raw client', async () => {
    const client = await RawClient.connect(port)
    client.send(
      frontend('P', '', 'SELECT $1::int + 1 AS answer', int16(0)),
      frontend('B', '', '', int16(0), int16(1), 2, Buffer.from('41'), int16(0)),
      frontend('D', Buffer.from('P'), ''),
      frontend('E', '', 0),
      frontend('S'),
    )
    const replies = await client.until('Z')
    expect(replies.map((m) => (m.type === 'E' ? m.body.toString() : m.type)).join('')).toBe('12TDCZ')
    expect(replies[3]!.body.subarray(6).toString()).toBe('42')
    expect(replies[5]!.body.toString()).toBe('I')
    client.send(frontend('X'))
    await until(() => client.closed)
  })

  it('a client inside a transaction makes the others wait until it commits', async () => {
    await psql(port, ['-c', 'CREATE TABLE queued (x int)'])
    const a = await RawClient.connect(port)
    a.send(frontend('Q', 'BEGIN; INSERT INTO queued VALUES (1)'))
    expect((await a.until('Z')).at(-1)!.body.toString()).toBe('T')
    let bDone = false
    const b = psql(port, ['-At', '-c', 'SELECT count(*) FROM queued']).then((run) => {
      bDone = true
      return run
    })
    await new Promise((r) => setTimeout(r, 300))
    expect(bDone).toBe(false)
    a.send(frontend('Q', 'COMMIT'))
    expect((await a.until('Z')).at(-1)!.body.toString()).toBe('I')
    expect((await b).stdout).toBe('1\n')
    a.socket.destroy()
  })

  it('clients that vanish mid-transaction or mid-cycle are rolled back and do not block the others', async () => {
    await psql(port, ['-c', 'CREATE TABLE vanish (x int)'])
    const inTransaction = await RawClient.connect(port)
    inTransaction.send(frontend('Q', 'BEGIN; INSERT INTO vanish VALUES (1)'))
    await inTransaction.until('Z')
    inTransaction.socket.destroy()
    const midCycle = await RawClient.connect(port)
    midCycle.send(frontend('P', '', 'INSERT INTO vanish VALUES (2)', int16(0)), frontend('B', '', '', int16(0), int16(0), int16(0)))
    expect((await midCycle.until('2')).map((m) => m.type).join('')).toBe('12')
    midCycle.socket.destroy()
    const run = await psql(port, ['-At', '-c', 'SELECT count(*) FROM vanish', '-c', 'INSERT INTO vanish VALUES (3)', '-c', 'SELECT count(*) FROM vanish'])
    expect(run.stderr).toBe('')
    expect(run.stdout).toBe('0\nINSERT 0 1\n1\n')
    await until(() => wire.connections === 0)
  })

  it('an invalid message type after authentication is FATAL 08P01 for that client only', async () => {
    const client = await RawClient.connect(port)
    client.send(Buffer.from([0x5a, 0, 0, 0, 4]), Buffer.from('more garbage'))
    const error = await client.next()
    expect(error.type).toBe('E')
    expect(error.body.toString()).toContain('invalid frontend message type 90')
    expect(error.body.toString()).toContain('08P01')
    await until(() => client.closed)
    const still = await psql(port, ['-At', '-c', 'SELECT 7'])
    expect(still.stdout).toBe('7\n')
  })

  it('asks for the database per session: after a failover new sessions reach the new writer', async () => {
    const first = await PGlite.create()
    const second = await PGlite.create()
    await first.exec("CREATE TABLE whoami (name text); INSERT INTO whoami VALUES ('first')")
    await second.exec("CREATE TABLE whoami (name text); INSERT INTO whoami VALUES ('second')")
    let writer = first
    const endpoint = server(first, {database: async () => writer})
    const endpointPort = await endpoint.listen()
    try {
      expect((await psql(endpointPort, ['-At', '-c', 'SELECT name FROM whoami'])).stdout).toBe('first\n')
      writer = second
      endpoint.dropConnections()
      expect((await psql(endpointPort, ['-At', '-c', 'SELECT name FROM whoami'])).stdout).toBe('second\n')
    } finally {
      await endpoint.close()
      await first.close()
      await second.close()
    }
  })

  it('refuses COPY FROM STDIN (it would abort PGlite) with an error; COPY TO STDOUT works', async () => {
    expect(copiesFromStdin('copy t (x) from stdin with (format csv)')).toBe(true)
    expect(copiesFromStdin("/* c */ COPY t FROM\n  STDIN")).toBe(true)
    expect(copiesFromStdin("select 'copy t from stdin'")).toBe(false)
    expect(copiesFromStdin('copy t to stdout')).toBe(false)
    const file = join(tmpdir(), `wire-copy-${process.pid}.txt`)
    writeFileSync(file, '1\n2\n')
    try {
      const run = await psql(port, ['-c', 'CREATE TABLE copied (x int)', '-c', `\\copy copied from '${file}'`])
      expect(run.code).not.toBe(0)
      expect(run.stderr).toContain('ERROR:  COPY FROM STDIN is not supported by the emulator (PGlite)')
      const inTransaction = await RawClient.connect(port)
      inTransaction.send(frontend('Q', 'BEGIN'), frontend('Q', 'COPY copied FROM STDIN'))
      await inTransaction.until('Z')
      const replies = await inTransaction.until('Z')
      expect(replies[0]!.body.toString()).toContain('0A000')
      expect(replies.at(-1)!.body.toString()).toBe('E')
      inTransaction.send(frontend('Q', 'ROLLBACK'), frontend('X'))
      await until(() => inTransaction.closed)
      const out = await psql(port, ['-c', 'INSERT INTO copied VALUES (5)', '-c', '\\copy copied to stdout'])
      expect(out.stderr).toBe('')
      expect(out.stdout).toBe('INSERT 0 1\n5\n')
    } finally {
      rmSync(file, {force: true})
    }
  })

  it('garbage bytes get an ErrorResponse and a close, never a crash', async () => {
    const http = await raw(port, [Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')])
    expect(http.closed).toBe(true)
    expect(http.data[0]).toBe('E'.charCodeAt(0))
    expect(http.data.toString()).toContain('invalid length of startup packet')

    const v2 = await raw(port, [startupPacket(0x20000, {user: USER})])
    expect(v2.closed).toBe(true)
    expect(v2.data.toString()).toContain('unsupported frontend protocol 2.0')

    const noUser = await raw(port, [startupPacket(0x30000, {database: 'postgres'})])
    expect(noUser.data.toString()).toContain('no PostgreSQL user name specified')

    // SSLRequest then a regular message instead of a SASL response.
    const ssl = Buffer.alloc(8)
    ssl.writeInt32BE(8, 0)
    ssl.writeInt32BE(80877103, 4)
    const wrongMessage = await raw(port, [ssl, startupPacket(0x30000, {user: USER}), Buffer.from('Q\0\0\0\x0dselect 1\0')])
    expect(wrongMessage.data.subarray(0, 1).toString()).toBe('N')
    expect(wrongMessage.data.toString()).toContain('SCRAM-SHA-256')
    expect(wrongMessage.data.toString()).toContain('expected SASL response')
    expect(wrongMessage.closed).toBe(true)

    // Random bytes, and a client that goes away half way through its startup packet.
    const random = await raw(port, [Buffer.from(Array.from({length: 300}, (_, i) => (i * 7919 + 13) % 256))])
    expect(random.closed).toBe(true)
    const half = startupPacket(0x30000, {user: USER}).subarray(0, 10)
    const socket = connect(port, '127.0.0.1', () => socket.end(half))
    await new Promise((r) => socket.on('close', r))

    await until(() => wire.connections === 0)
    const still = await psql(port, ['-At', '-c', 'SELECT 42'])
    expect(still.stdout).toBe('42\n')
  })

  it('answers a protocol 3.2 client with NegotiateProtocolVersion 3.0', async () => {
    const reply = await raw(port, [startupPacket(0x30002, {user: USER, _pq_unknown: 'x'})], 500)
    expect(reply.data[0]).toBe('v'.charCodeAt(0))
    expect(reply.data.readInt32BE(5)).toBe(0)
    expect(reply.data.toString()).toContain('SCRAM-SHA-256')
  })

  it('serves four psql clients of 250 queries each at once (figures printed, not asserted)', async () => {
    const single: number[] = []
    for (let i = 0; i < 5; i++) single.push((await psql(port, ['-At', '-c', 'SELECT 1'])).ms)
    const clients = 4
    const perClient = 250
    const started = performance.now()
    const runs = await Promise.all(
      Array.from({length: clients}, () => psql(port, ['-At'], {stdin: 'SELECT 1;\n'.repeat(perClient)})),
    )
    const seconds = (performance.now() - started) / 1000
    for (const run of runs) expect(run.stdout).toBe('1\n'.repeat(perClient))
    const median = single.sort((x, y) => x - y)[2]!
    console.log(
      `wire: psql connect + SELECT 1 median ${median.toFixed(0)} ms; ` +
        `${clients} clients x ${perClient} queries: ${((clients * perClient) / seconds).toFixed(0)} queries/s`,
    )
    expect(single).toHaveLength(5)
  })
})
