import {describe, expect, it} from 'vitest'

import {ScramError, ScramExchange, scramKeys} from '../../src/lib/emulator/engine/scram.js'

// RFC 7677 §3: user "user", password "pencil".
const SALT = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64')
const SERVER_NONCE = '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0'
const CLIENT_FIRST = 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO'
const SERVER_FIRST = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096'
const CLIENT_FINAL =
  'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ='
const SERVER_FINAL = 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4='

describe('ScramExchange (SCRAM-SHA-256 server side)', () => {
  it("reproduces RFC 7677's example exchange", async () => {
    const exchange = new ScramExchange(await scramKeys('pencil', SALT), SERVER_NONCE)
    expect(exchange.first(CLIENT_FIRST)).toBe(SERVER_FIRST)
    expect(exchange.final(CLIENT_FINAL)).toBe(SERVER_FINAL)
  })

  it('refuses a wrong password, and an unknown user after a full exchange', async () => {
    const wrong = new ScramExchange(await scramKeys('pencil2', SALT), SERVER_NONCE)
    wrong.first(CLIENT_FIRST)
    expect(wrong.final(CLIENT_FINAL)).toBeUndefined()
    const unknown = new ScramExchange(undefined, SERVER_NONCE)
    expect(unknown.first(CLIENT_FIRST)).toMatch(/^r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj\)hNlF\$k0,s=[A-Za-z0-9+/=]{24},i=4096$/)
    expect(unknown.final(CLIENT_FINAL)).toBeUndefined()
  })

  it('rejects malformed messages, channel binding, a changed nonce', async () => {
    const keys = await scramKeys('pencil', SALT)
    expect(() => new ScramExchange(keys).first('garbage')).toThrow(ScramError)
    expect(() => new ScramExchange(keys).first('p=tls-server-end-point,,n=,r=abc')).toThrow(ScramError)
    expect(() => new ScramExchange(keys).first('n,,n=user,r=abc,m=ext')).toThrow(ScramError)
    const exchange = new ScramExchange(keys, SERVER_NONCE)
    exchange.first(CLIENT_FIRST)
    expect(() => exchange.final(CLIENT_FINAL.replace('r=rOpr', 'r=xOpr'))).toThrow(ScramError)
    expect(() => exchange.final(CLIENT_FINAL.replace('c=biws', 'c=eSws'))).toThrow(ScramError)
    expect(() => exchange.final('c=biws')).toThrow(ScramError)
  })
})
