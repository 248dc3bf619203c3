#!/usr/bin/env node
/*
 * typist.js - a stock Yjs client (y-websocket WebsocketProvider) that types random edits into one
 * room's `code:<language>` Y.Text, then waits for the document to settle and reports the final text.
 *
 * Protocol on stdout (one JSON object per line):
 *   {"synced": true, ...}   once the first sync with the server completed
 *   {"done": true, ...}     once its own N edits were applied locally (and handed to the provider)
 *   {"text": ..., "length": ..., "edits": N, "reconnects": R, ...}   the final result (also written to --out)
 * Diagnostics go to stderr.
 *
 * After its own edits it waits until the text has not changed for --quiet-ms, the provider is connected
 * and synced, and a sync barrier round trip (sync step 1 -> step 2, processed in order behind our own
 * updates) completed without further change; then it prints the result and exits 0. Server restarts are
 * tolerated: y-websocket reconnects by itself, each 'disconnected' status counts as a reconnect, and the
 * quiet wait simply starts over.
 *
 * --readonly-expected (observers, locked candidates): the typist still attempts its edits, and the
 * server is expected to drop them. The final `text` is then the server's view, read with a fresh Y.Doc
 * over a new connection (the first one is closed first: SynCode replaces a user's older socket), and
 * `ownEditsAccepted` tells whether any of this client's edits reached the server (exit code 3 if so).
 *
 * Exit codes: 0 ok, 1 never synced / bad arguments, 2 timed out waiting for quiet, 3 readonly violated.
 * Requires NODE_PATH to point at the node_modules installed from tests/collab/node/package.json
 * (make bootstrap -> .data/collab-node/node_modules).
 */
'use strict'

const fs = require('node:fs')
const { parseArgs } = require('node:util')

const Y = require('yjs')
const { WebsocketProvider } = require('y-websocket')
const WebSocket = require('ws') // Node 20 has no global WebSocket
const encoding = require('lib0/encoding')
const syncProtocol = require('y-protocols/sync')

const USAGE = `usage: node typist.js --url ws://HOST:PORT/ws/rooms --room ROOM_ID [--token TOKEN]
        [--language python] [--edits 100] [--rate 10] [--seed 1] [--quiet-ms 1500]
        [--timeout-ms 120000] [--connect-timeout-ms 30000] [--readonly-expected] [--out result.json]
  env fallbacks: COLLAB_URL, COLLAB_ROOM, COLLAB_TOKEN, COLLAB_LANGUAGE, TYPIST_EDITS, TYPIST_RATE,
                 TYPIST_SEED, TYPIST_QUIET_MS, TYPIST_TIMEOUT_MS, TYPIST_OUT, TYPIST_READONLY_EXPECTED=1
  --rate is edits per second; 0 means as fast as possible.`

function parseCli () {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      room: { type: 'string' },
      token: { type: 'string' },
      language: { type: 'string' },
      edits: { type: 'string' },
      rate: { type: 'string' },
      seed: { type: 'string' },
      'quiet-ms': { type: 'string' },
      'timeout-ms': { type: 'string' },
      'connect-timeout-ms': { type: 'string' },
      'readonly-expected': { type: 'boolean' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    },
    strict: true
  })
  if (values.help) {
    process.stdout.write(USAGE + '\n')
    process.exit(0)
  }
  const env = process.env
  const num = (v, d, name) => {
    if (v === undefined || v === '') return d
    const n = Number(v)
    if (!Number.isFinite(n) || n < 0) fail(`--${name} must be a non-negative number, got ${v}`)
    return n
  }
  const opts = {
    url: values.url || env.COLLAB_URL,
    room: values.room || env.COLLAB_ROOM,
    token: values.token !== undefined ? values.token : (env.COLLAB_TOKEN || ''),
    language: values.language || env.COLLAB_LANGUAGE || 'python',
    edits: Math.floor(num(values.edits ?? env.TYPIST_EDITS, 100, 'edits')),
    rate: num(values.rate ?? env.TYPIST_RATE, 10, 'rate'),
    seed: values.seed ?? env.TYPIST_SEED ?? '1',
    quietMs: num(values['quiet-ms'] ?? env.TYPIST_QUIET_MS, 1500, 'quiet-ms'),
    timeoutMs: num(values['timeout-ms'] ?? env.TYPIST_TIMEOUT_MS, 120000, 'timeout-ms'),
    connectTimeoutMs: num(values['connect-timeout-ms'], 30000, 'connect-timeout-ms'),
    readonlyExpected: Boolean(values['readonly-expected']) || env.TYPIST_READONLY_EXPECTED === '1',
    out: values.out || env.TYPIST_OUT || null
  }
  if (!opts.url || !opts.room) fail('--url and --room are required')
  return opts
}

function fail (msg) {
  process.stderr.write(`typist: ${msg}\n${USAGE}\n`)
  process.exit(1)
}

/** mulberry32 over a 32-bit hash of the seed string: deterministic, dependency-free. */
function makeRng (seed) {
  let h = 2166136261 >>> 0
  for (const ch of String(seed)) {
    h = Math.imul(h ^ ch.codePointAt(0), 16777619) >>> 0
  }
  let a = h
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz_0123456789 ()=:+\n'
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const emit = (obj) => fs.writeSync(1, JSON.stringify(obj) + '\n')
const log = (msg) => fs.writeSync(2, `typist[${process.pid}]: ${msg}\n`)

function randomEdit (ytext, rnd) {
  const len = ytext.length
  if (len > 0 && rnd() < 0.35) {
    const pos = Math.floor(rnd() * len)
    const n = 1 + Math.floor(rnd() * Math.min(4, len - pos))
    ytext.delete(pos, n)
    return
  }
  const size = 1 + Math.floor(rnd() * 6)
  let s = ''
  for (let i = 0; i < size; i++) s += ALPHABET[Math.floor(rnd() * ALPHABET.length)]
  ytext.insert(Math.floor(rnd() * (len + 1)), s)
}

function makeProvider (opts, doc) {
  return new WebsocketProvider(opts.url, opts.room, doc, {
    params: opts.token ? { token: opts.token } : {},
    WebSocketPolyfill: WebSocket,
    disableBc: true, // Node 20 has a global BroadcastChannel; never let it short-cut the server
    maxBackoffTime: 2500
  })
}

function waitSynced (provider, timeoutMs) {
  if (provider.synced) return Promise.resolve(true)
  return new Promise((resolve) => {
    const onSynced = (state) => {
      if (!state) return
      clearTimeout(timer)
      provider.off('synced', onSynced)
      resolve(true)
    }
    const timer = setTimeout(() => {
      provider.off('synced', onSynced)
      resolve(false)
    }, timeoutMs)
    provider.on('synced', onSynced)
  })
}

/**
 * Sync barrier: send sync step 1 on the open socket and wait for the server's step 2. Messages on one
 * socket are processed in order, so the answer reflects every update we sent before it and carries
 * everything the server had that we lacked. Uses the provider's own synced flag to detect step 2.
 */
async function barrier (provider, timeoutMs) {
  const ws = provider.ws
  if (!provider.wsconnected || !ws || ws.readyState !== 1) return false
  provider.synced = false
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, 0) // messageSync
  syncProtocol.writeSyncStep1(enc, provider.doc)
  try {
    ws.send(encoding.toUint8Array(enc))
  } catch (err) {
    return false
  }
  const ok = await waitSynced(provider, timeoutMs)
  if (!ok && provider.wsconnected && provider.ws === ws) provider.synced = true // server ignored it
  return ok
}

async function main () {
  const opts = parseCli()
  const started = Date.now()
  const deadline = started + opts.timeoutMs
  const rnd = makeRng(opts.seed)
  const doc = new Y.Doc()
  const ytext = doc.getText('code:' + opts.language)
  const state = {
    reconnects: 0,
    closeCodes: [],
    lastActivity: Date.now(),
    version: 0,
    edits: 0,
    barrierTimeouts: 0,
    finished: false
  }
  ytext.observe(() => {
    state.version++
    state.lastActivity = Date.now()
  })
  let provider = makeProvider(opts, doc)
  const track = (p) => {
    p.on('status', ({ status }) => {
      state.lastActivity = Date.now()
      if (status === 'disconnected') {
        state.reconnects++
        log(`disconnected (reconnects=${state.reconnects})`)
      }
    })
    p.on('synced', () => { state.lastActivity = Date.now() })
    p.on('connection-close', (event) => {
      if (!event) return
      state.closeCodes.push(event.code)
      if (state.closeCodes.length > 20) state.closeCodes.shift()
      if (event.code >= 4000) log(`server closed the socket: ${event.code} ${event.reason || ''}`)
    })
  }
  track(provider)

  const finish = async (extra, code) => {
    if (state.finished) return
    state.finished = true
    const localText = ytext.toString()
    const result = {
      text: localText,
      length: localText.length,
      edits: state.edits,
      reconnects: state.reconnects,
      room: opts.room,
      language: opts.language,
      clientId: doc.clientID,
      seed: String(opts.seed),
      readonlyExpected: opts.readonlyExpected,
      closeCodes: state.closeCodes,
      barrierTimeouts: state.barrierTimeouts,
      elapsedMs: Date.now() - started,
      ...extra
    }
    if (opts.readonlyExpected && !extra.error) {
      // Read the server's view with a fresh doc; close our socket first (one socket per user).
      provider.destroy()
      const fresh = new Y.Doc()
      const viewer = makeProvider(opts, fresh)
      const ok = await waitSynced(viewer, Math.max(1000, Math.min(opts.connectTimeoutMs, deadline + 30000 - Date.now())))
      const serverText = fresh.getText('code:' + opts.language).toString()
      const clocks = Y.decodeStateVector(Y.encodeStateVector(fresh))
      result.localText = localText
      result.text = serverText
      result.length = serverText.length
      result.serverViewSynced = ok
      result.ownEditsAccepted = (clocks.get(doc.clientID) || 0) > 0
      viewer.destroy()
      if (!ok && code === 0) code = 2
      if (result.ownEditsAccepted && code === 0) code = 3
    } else {
      provider.destroy()
    }
    const line = JSON.stringify(result)
    if (opts.out) fs.writeFileSync(opts.out, line + '\n')
    fs.writeSync(1, line + '\n')
    process.exit(code)
  }
  for (const sig of ['SIGTERM', 'SIGINT']) {
    process.on(sig, () => { finish({ terminated: sig }, 0) })
  }

  if (!(await waitSynced(provider, opts.connectTimeoutMs))) {
    log(`not synced within ${opts.connectTimeoutMs} ms (is the server speaking y-protocols? token valid?)`)
    await finish({ error: 'not-synced' }, 1)
    return
  }
  emit({ synced: true, clientId: doc.clientID, length: ytext.length })

  const interval = opts.rate > 0 ? 1000 / opts.rate : 0
  const editsStart = Date.now()
  for (let i = 0; i < opts.edits && !state.finished; i++) {
    if (Date.now() > deadline) break
    if (interval > 0) {
      const wait = editsStart + i * interval - Date.now()
      if (wait > 0) await sleep(wait)
    } else if (i % 16 === 0) {
      await new Promise((resolve) => setImmediate(resolve)) // let the socket breathe
    }
    randomEdit(ytext, rnd)
    state.edits++
  }
  emit({ done: true, edits: state.edits, length: ytext.length })

  // Wait for quiet + synced + a clean barrier, bounded by --timeout-ms.
  while (!state.finished) {
    const now = Date.now()
    if (now > deadline) {
      log(`timed out after ${opts.timeoutMs} ms waiting for quiet`)
      await finish({ timedOut: true }, 2)
      return
    }
    const quiet = now - state.lastActivity >= opts.quietMs
    if (quiet && provider.synced && provider.wsconnected) {
      const version = state.version
      const ok = await barrier(provider, Math.max(opts.quietMs, 2000))
      if (!ok) {
        state.barrierTimeouts++
        await sleep(50)
        continue
      }
      if (state.version === version && provider.wsconnected) {
        await finish({}, 0)
        return
      }
      continue
    }
    await sleep(Math.min(100, Math.max(10, opts.quietMs / 10)))
  }
}

main().catch((err) => {
  process.stderr.write(`typist: ${err && err.stack ? err.stack : err}\n`)
  process.exit(1)
})
