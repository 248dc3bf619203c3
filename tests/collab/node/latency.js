#!/usr/bin/env node
/*
 * latency.js - edit propagation latency load client for y-protocols servers (SynCode or stock y-websocket).
 *
 * For every room in --rooms-file it opens two WebsocketProviders (two typists, each with its own token)
 * in this one process. Each typist types --rate keys per second for --duration seconds; a keystroke is one
 * Yjs transaction that inserts a single character into `code:<language>` AND records
 * `bench[<typistTag>:<seq>] = sendTime` in the Y.Map 'bench', so both travel in the same update. The peer
 * observes 'bench' and records receiveTime - sendTime for each key added by the other typist. Both typists
 * live in this process, so send and receive times come from one clock (performance.now()).
 *
 * rooms file: JSON list [{"roomId": "...", "tokens": ["t1", "t2"]}, ...]; tokens may be "" (stock server).
 * A room may also carry "urls": ["ws://A/ws/rooms", "ws://B/ws/rooms"], one socket base per typist (two
 * gateways of one service); a room without it uses --url, which is then required.
 * Prints one JSON summary line on stdout:
 *   {rooms, typists, samples, expected, missing, p50_ms, p90_ms, p99_ms, max_ms, mean_ms, reconnects,
 *    gateways (distinct socket bases), diverged_rooms (rooms whose two documents differ at the end), ...}
 * Exit 0 when samples were collected, 1 on bad input / connect failure / no samples.
 *
 * Caveat: all clients share one Node event loop; `loop_delay_p99_ms` in the summary shows how much of
 * the measured latency may be client-side scheduling delay rather than the server.
 */
'use strict'

const fs = require('node:fs')
const { parseArgs } = require('node:util')
const { performance, monitorEventLoopDelay } = require('node:perf_hooks')

const Y = require('yjs')
const { WebsocketProvider } = require('y-websocket')
const WebSocket = require('ws') // Node 20 has no global WebSocket

const USAGE = `usage: node latency.js [--url ws://HOST:PORT/ws/rooms] --rooms-file rooms.json
        [--rate 5] [--duration 10] [--language python] [--warmup-ms 1000] [--drain-ms 3000]
        [--connect-timeout-ms 60000] [--seed 1] [--out summary.json] [--label NAME]`

function fail (msg) {
  process.stderr.write(`latency: ${msg}\n${USAGE}\n`)
  process.exit(1)
}

function parseCli () {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      'rooms-file': { type: 'string' },
      rate: { type: 'string', default: '5' },
      duration: { type: 'string', default: '10' },
      language: { type: 'string', default: 'python' },
      'drain-ms': { type: 'string', default: '3000' },
      'warmup-ms': { type: 'string', default: '1000' },
      'connect-timeout-ms': { type: 'string', default: '60000' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      label: { type: 'string' },
      help: { type: 'boolean', short: 'h' }
    },
    strict: true
  })
  if (values.help) {
    process.stdout.write(USAGE + '\n')
    process.exit(0)
  }
  const num = (name, positive) => {
    const n = Number(values[name])
    if (!Number.isFinite(n) || n < 0 || (positive && n === 0)) fail(`--${name} must be a ${positive ? 'positive' : 'non-negative'} number`)
    return n
  }
  if (!values['rooms-file']) fail('--rooms-file is required')
  let rooms
  try {
    rooms = JSON.parse(fs.readFileSync(values['rooms-file'], 'utf8'))
  } catch (err) {
    fail(`cannot read rooms file: ${err.message}`)
  }
  if (!Array.isArray(rooms) || rooms.length === 0) fail('rooms file must be a non-empty JSON list')
  for (const r of rooms) {
    if (!r || typeof r.roomId !== 'string' || !Array.isArray(r.tokens) || r.tokens.length !== 2) {
      fail('each room must look like {"roomId": "...", "tokens": ["t1", "t2"]}')
    }
    if (r.urls !== undefined) {
      if (!Array.isArray(r.urls) || r.urls.length !== 2 || !r.urls.every((u) => typeof u === 'string' && u)) {
        fail('a room\'s "urls" must be two socket base URLs, one per typist')
      }
    } else if (!values.url) {
      fail('--url is required for rooms without "urls"')
    }
  }
  return {
    url: values.url,
    rooms,
    rate: num('rate', true),
    duration: num('duration', true),
    language: values.language,
    drainMs: num('drain-ms'),
    warmupMs: num('warmup-ms'),
    connectTimeoutMs: num('connect-timeout-ms', true),
    seed: values.seed,
    out: values.out || null,
    label: values.label || null
  }
}

function makeRng (seed) {
  let h = 2166136261 >>> 0
  for (const ch of String(seed)) h = Math.imul(h ^ ch.codePointAt(0), 16777619) >>> 0
  let a = h
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const now = () => performance.now()
const round = (x) => (x === null || x === undefined || Number.isNaN(x) ? null : Math.round(x * 100) / 100)

function percentile (sorted, p) {
  if (sorted.length === 0) return null
  const rank = Math.ceil((p / 100) * sorted.length) - 1
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]
}

function waitSynced (provider, deadline) {
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
    }, Math.max(0, deadline - Date.now()))
    provider.on('synced', onSynced)
  })
}

async function main () {
  const opts = parseCli()
  const rnd = makeRng(opts.seed)
  const latencies = []
  const state = { measuring: false, reconnects: 0, closeCodes: {}, sent: 0 }
  const typists = []
  process.setMaxListeners(opts.rooms.length * 2 + 16) // each provider adds a process 'exit' listener
  const ownTags = new Set()

  opts.rooms.forEach((room, ri) => {
    for (let ti = 0; ti < 2; ti++) {
      const doc = new Y.Doc()
      const tag = `r${ri}t${ti}c${doc.clientID}`
      const token = room.tokens[ti]
      const url = room.urls ? room.urls[ti] : opts.url
      const provider = new WebsocketProvider(url, room.roomId, doc, {
        params: token ? { token } : {},
        WebSocketPolyfill: WebSocket,
        disableBc: true // both typists of a room live in this process: force traffic through the server
      })
      provider.on('status', ({ status }) => { if (status === 'disconnected') state.reconnects++ })
      provider.on('connection-close', (event) => {
        if (event) state.closeCodes[event.code] = (state.closeCodes[event.code] || 0) + 1
      })
      const text = doc.getText('code:' + opts.language)
      const bench = doc.getMap('bench')
      const prefix = tag + ':'
      ownTags.add(tag)
      bench.observe((event) => {
        if (!state.measuring || event.transaction.local) return
        const received = now()
        event.changes.keys.forEach((change, key) => {
          if (change.action !== 'add' || key.startsWith(prefix)) return
          const sent = bench.get(key)
          if (typeof sent === 'number' && ownTags.has(key.slice(0, key.lastIndexOf(':')))) {
            latencies.push(received - sent) // only keys typed by this run's typists
          }
        })
      })
      typists.push({ doc, provider, text, bench, tag, seq: 0, url })
    }
  })

  const connectDeadline = Date.now() + opts.connectTimeoutMs
  const synced = await Promise.all(typists.map((t) => waitSynced(t.provider, connectDeadline)))
  const notSynced = synced.filter((ok) => !ok).length
  if (notSynced > 0) {
    process.stderr.write(`latency: ${notSynced}/${typists.length} clients not synced within ${opts.connectTimeoutMs} ms; close codes ${JSON.stringify(state.closeCodes)}\n`)
    typists.forEach((t) => t.provider.destroy())
    process.exit(1)
  }

  const LOOP_RESOLUTION_MS = 5
  await sleep(opts.warmupMs) // all clients connected and synced: let the server settle before typing
  const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS }) // samples include the period
  const keysPerTypist = Math.max(1, Math.round(opts.rate * opts.duration))
  const interval = 1000 / opts.rate
  state.t0 = now() + 200
  state.measuring = true
  loopDelay.enable()

  const typeAll = typists.map(async (t) => {
    const start = state.t0 + rnd() * interval // stagger typists within one key period
    for (let i = 0; i < keysPerTypist; i++) {
      const wait = start + i * interval - now()
      if (wait > 0) await sleep(wait)
      const ch = String.fromCharCode(97 + Math.floor(rnd() * 26))
      const pos = Math.floor(rnd() * (t.text.length + 1))
      const key = `${t.tag}:${t.seq++}`
      t.doc.transact(() => {
        t.text.insert(pos, ch)
        t.bench.set(key, now())
      })
      state.sent++
    }
  })
  await Promise.all(typeAll)
  await sleep(opts.drainMs)
  state.measuring = false
  loopDelay.disable()
  let diverged = 0 // typists 2i and 2i+1 share room i
  for (let i = 0; i + 1 < typists.length; i += 2) {
    if (typists[i].text.toString() !== typists[i + 1].text.toString()) diverged++
  }
  typists.forEach((t) => t.provider.destroy())

  latencies.sort((a, b) => a - b)
  const mean = latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : null
  const summary = {
    label: opts.label,
    url: opts.url,
    gateways: new Set(typists.map((t) => t.url)).size,
    diverged_rooms: diverged,
    rooms: opts.rooms.length,
    typists: typists.length,
    rate_keys_per_s: opts.rate,
    duration_s: opts.duration,
    expected: state.sent,
    samples: latencies.length,
    missing: state.sent - latencies.length, // not received by the end of the drain period
    p50_ms: round(percentile(latencies, 50)),
    p90_ms: round(percentile(latencies, 90)),
    p99_ms: round(percentile(latencies, 99)),
    max_ms: round(latencies.length ? latencies[latencies.length - 1] : null),
    mean_ms: round(mean),
    reconnects: state.reconnects,
    close_codes: state.closeCodes,
    loop_delay_p99_ms: round(Math.max(0, loopDelay.percentile(99) / 1e6 - LOOP_RESOLUTION_MS))
  }
  const line = JSON.stringify(summary)
  if (opts.out) fs.writeFileSync(opts.out, line + '\n')
  fs.writeSync(1, line + '\n')
  process.exit(latencies.length > 0 ? 0 : 1)
}

main().catch((err) => {
  process.stderr.write(`latency: ${err && err.stack ? err.stack : err}\n`)
  process.exit(1)
})
