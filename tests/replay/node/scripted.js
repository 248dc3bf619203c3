#!/usr/bin/env node
/*
 * scripted.js - a stock Yjs client (yjs + y-websocket) driven line by line from stdin, for replay tests.
 *
 * Commands (one JSON object per line on stdin), each answered by one JSON line on stdout once done:
 *   {"op":"insert","index":N,"text":"..."}   insert into code:<language>
 *   {"op":"delete","index":N,"length":K}
 *   {"op":"shape","record":{...}}            set whiteboard[record.id] = record (a tldraw record)
 *   {"op":"wait","text":"..."}               wait until the local text equals it (bounded)
 *   {"op":"quit"}
 * After every edit the client runs a sync barrier (step 1 -> the server's step 2 on the same socket, which
 * the server answers only after applying everything sent before it), so an answer means the server has
 * the edit. Answers: {"ok":true,"text":...} or {"ok":false,"error":...}. Exit code 1 if never synced.
 * Usage: node scripted.js URL ROOM TOKEN [language]; NODE_PATH must hold yjs, y-websocket, ws, lib0.
 */
'use strict'

const readline = require('node:readline')
const Y = require('yjs')
const { WebsocketProvider } = require('y-websocket')
const WebSocket = require('ws')
const encoding = require('lib0/encoding')
const syncProtocol = require('y-protocols/sync')

const [url, room, token, language = 'python'] = process.argv.slice(2)
const doc = new Y.Doc()
const text = doc.getText('code:' + language)
const board = doc.getMap('whiteboard')
const provider = new WebsocketProvider(url, room, doc, {
  params: { token },
  WebSocketPolyfill: WebSocket,
  disableBc: true,
  maxBackoffTime: 2500
})
const reply = (obj) => process.stdout.write(JSON.stringify(obj) + '\n')

function synced (timeoutMs) {
  if (provider.synced) return Promise.resolve(true)
  return new Promise((resolve) => {
    const timer = setTimeout(() => { provider.off('synced', on); resolve(false) }, timeoutMs)
    const on = (state) => { if (state) { clearTimeout(timer); provider.off('synced', on); resolve(true) } }
    provider.on('synced', on)
  })
}

async function barrier () {
  const enc = encoding.createEncoder()
  encoding.writeVarUint(enc, 0)
  syncProtocol.writeSyncStep1(enc, doc)
  provider.synced = false
  provider.ws.send(encoding.toUint8Array(enc))
  return synced(20000)
}

async function until (predicate, timeoutMs) {
  const deadline = Date.now() + timeoutMs
  while (!predicate()) {
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return true
}

async function run (command) {
  if (command.op === 'insert') text.insert(command.index, command.text)
  else if (command.op === 'delete') text.delete(command.index, command.length)
  else if (command.op === 'shape') board.set(command.record.id, command.record)
  else if (command.op === 'wait') {
    const ok = await until(() => text.toString() === command.text, 20000)
    return ok ? { ok: true, text: text.toString() } : { ok: false, error: 'wait timed out', text: text.toString() }
  } else if (command.op === 'quit') {
    provider.destroy()
    reply({ ok: true })
    process.exit(0)
  } else return { ok: false, error: 'unknown op ' + command.op }
  const ok = await barrier()
  return ok ? { ok: true, text: text.toString() } : { ok: false, error: 'barrier timed out' }
}

async function main () {
  if (!(await synced(30000))) {
    reply({ ok: false, error: 'not synced' })
    process.exit(1)
  }
  reply({ ok: true, synced: true, text: text.toString() })
  const lines = readline.createInterface({ input: process.stdin })
  for await (const line of lines) {
    if (line.trim()) reply(await run(JSON.parse(line)))
  }
  provider.destroy()
  process.exit(0)
}

main().catch((err) => { process.stderr.write(String(err && err.stack ? err.stack : err) + '\n'); process.exit(1) })
