// Call logs through the `logger` client option (and PARTNER_CENTER_LOG), against the emulator: one
// event per attempt with its fields; retries (500/503, 429) are warnings, a failed call's end info,
// the rest debug; nothing secret in any event; a logger that throws, a worker terminated mid-call and
// a process with nothing left to do are all fine.

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { test } from 'node:test'

import { Client, ClientSecretCredential, RefreshTokenCredential } from 'partner-center'

import { PACKAGE, TOKEN, newCustomer, useEmulator } from './helpers.mjs'

const env = useEmulator()
const TENANT = '8f1d0c2a-5b3e-4c6f-9a7d-2e4b6c8d0f1a'
const QUERY_MARKER = 'QueryMarker-9c1e'
const INDEX = join(PACKAGE, 'index.js')

/** A console-like logger that keeps every event as `{ level, message, fields }`. */
function capture() {
  const events = []
  const keep = (level) => (message, fields) => events.push({ level, message, fields })
  return { events, logger: { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') } }
}

function client(options = {}) {
  return new Client({ token: TOKEN, baseUrl: env.emu.url, ...options })
}

/** Events are queued to the event loop: they are all in once the loop has turned. */
const settled = () => new Promise((r) => setImmediate(r))

async function faultsThenSuccess() {
  await env.emu.faults({
    script: [
      { method: 'GET', fault: 'status', status: 503 },
      { method: 'GET', fault: 'throttle', retryAfterSeconds: 1 },
    ],
  })
}

test('each attempt is an event with its fields; retries are warnings', async () => {
  const { events, logger } = capture()
  const c = client({ logger, logLevel: 'debug' })
  await faultsThenSuccess()
  const page = await c.customers.listPage({ size: 3 })
  await settled()
  assert.deepEqual(events.map((e) => e.level), ['warn', 'warn', 'debug'], JSON.stringify(events))
  events.forEach(({ fields, message }, i) => {
    assert.equal(fields.operation, 'listCustomers')
    assert.equal(fields.method, 'GET')
    assert.equal(fields.path, '/v1/customers')
    assert.equal(fields.attempt, i + 1)
    assert.equal(fields.requestId, page.requestId)
    assert.ok(typeof fields.durationMs === 'number' && fields.durationMs >= 0)
    assert.ok(message.startsWith('listCustomers GET /v1/customers: ') && message.includes(`attempt ${i + 1} of 3`), message)
  })
  assert.deepEqual(
    events.map(({ fields }) => [fields.status, fields.error]),
    [[503, 'server'], [429, 'throttled'], [200, null]],
  )
  assert.equal(events[1].fields.retryAfterMs, 1000)
  assert.equal(events[1].fields.retryInMs, 1000)
  assert.equal(events[0].fields.retryAfterMs, null)
  assert.equal(events[2].fields.retryInMs, null)
})

test("logLevel defaults to 'warn'; a failed call's end is info", async () => {
  const warnings = capture()
  const c = client({ logger: warnings.logger })
  await faultsThenSuccess()
  await c.customers.listPage()
  const missing = '00000000-0000-4000-8000-000000000001'
  await assert.rejects(c.customers.get(missing), { code: 'PC_NOT_FOUND' })
  await settled()
  assert.deepEqual(warnings.events.map((e) => e.level), ['warn', 'warn'])

  const infos = capture()
  await assert.rejects(client({ logger: infos.logger, logLevel: 'info' }).customers.get(missing), { code: 'PC_NOT_FOUND' })
  await settled()
  assert.equal(infos.events.length, 1)
  const [{ level, message, fields }] = infos.events
  assert.deepEqual([level, fields.status, fields.error, fields.path], ['info', 404, 'not_found', `/v1/customers/${missing}`])
  assert.ok(message.endsWith('; the call fails (not_found)'), message)

  const none = capture()
  await env.emu.faults({ script: [{ method: 'GET', fault: 'status', status: 503 }] })
  await client({ logger: none.logger, logLevel: 'off' }).customers.listPage()
  await settled()
  assert.deepEqual(none.events, [])
})

test('a logger that throws does not break the call; bad options are PC_CONFIG', async () => {
  const angry = () => {
    throw new Error('logger down')
  }
  const c = client({ logger: { debug: angry, info: angry, warn: angry }, logLevel: 'debug' })
  await env.emu.faults({ script: [{ method: 'GET', fault: 'status', status: 500 }] })
  assert.deepEqual((await c.customers.listPage()).items, [])
  await settled()
  assert.throws(() => client({ logger: console, logLevel: 'verbose' }), { code: 'PC_CONFIG', message: /logLevel/ })
  assert.throws(() => client({ logger: { warn() {} } }), { code: 'PC_CONFIG', message: /logger/ })
  assert.throws(() => client({ logger: 'console' }), { code: 'PC_CONFIG', message: /logger/ })
})

test('no secret reaches an event', async () => {
  const clientId = randomUUID()
  const clientSecret = `Logging-Client-Secret-${randomUUID()}`
  await env.emu.admin('POST', '/_sandbox/auth/apps', { clientId, clientSecret })
  const body = { clientId, userPrincipalName: 'admin@contoso.example', mfa: true }
  const refreshToken = (await env.emu.admin('POST', '/_sandbox/auth/refresh-tokens', body)).refreshToken
  // An @azure/core-auth style credential signing in at the emulator: its bearer tokens are known.
  const issued = []
  const foreign = {
    async getToken() {
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: clientSecret,
        scope: 'https://api.partnercenter.microsoft.com/.default',
      })
      const res = await fetch(`${env.emu.url}/${TENANT}/oauth2/v2.0/token`, { method: 'POST', body: form })
      const token = (await res.json()).access_token
      issued.push(token)
      return { token, expiresOnTimestamp: Date.now() + 3_600_000 }
    },
  }
  const { events, logger } = capture()
  const options = { baseUrl: env.emu.url, logger, logLevel: 'debug' }
  const app = new Client({ ...options, credential: new ClientSecretCredential({ tenantId: TENANT, clientId, clientSecret, authorityHost: env.emu.url }) })
  const created = await app.customers.create(newCustomer())
  assert.ok(created.userCredentials.password)
  await env.emu.faults({ script: [{ method: 'GET', fault: 'status', status: 500 }] })
  await app.customers.listPage({ size: 7, filter: { Field: 'CompanyName', Value: QUERY_MARKER, Operator: 'starts_with' } })
  const signedIn = new Client({ ...options, credential: foreign })
  await env.emu.faults({ script: [{ method: 'GET', fault: 'throttle', retryAfterSeconds: 0 }] })
  await signedIn.customers.listPage()
  const user = new Client({
    ...options,
    credential: new RefreshTokenCredential({ tenantId: TENANT, clientId, clientSecret, refreshToken, authorityHost: env.emu.url }),
  })
  const mine = await user.customers.create(newCustomer())
  await user.profiles.getCompany(mine.id)
  await new Client({ ...options, token: TOKEN }).customers.get(created.id)
  await settled()

  assert.ok(issued.length > 0)
  const operations = new Set(events.map((e) => e.fields.operation))
  for (const op of ['createCustomer', 'listCustomers', 'getCompanyProfile', 'getCustomer']) assert.ok(operations.has(op), op)
  assert.ok(events.some((e) => e.level === 'warn'))
  assert.deepEqual(events.filter((e) => e.fields.operation === 'listCustomers').map((e) => e.fields.path), Array(4).fill('/v1/customers'))
  const secrets = [clientSecret, refreshToken, TOKEN, QUERY_MARKER, created.userCredentials.password, mine.userCredentials.password, ...issued]
  for (const e of events) {
    const shown = JSON.stringify(e)
    for (const secret of secrets) assert.ok(!shown.includes(secret), `a secret in an event: ${shown}`)
    assert.ok(!shown.includes('size=') && !shown.includes('filter'), shown)
  }
})

/** Runs `script` in a fresh Node with PARTNER_CENTER_LOG set to `level` (unset for null). */
async function node(level, script) {
  const childEnv = { ...process.env }
  delete childEnv.PARTNER_CENTER_LOG
  if (level !== null) childEnv.PARTNER_CENTER_LOG = level
  const prelude = `const { Client } = require(${JSON.stringify(INDEX)});\nconst c = new Client({ token: ${JSON.stringify(TOKEN)}, baseUrl: ${JSON.stringify(env.emu.url)} });\n`
  const child = spawn(process.execPath, ['-e', prelude + script], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d))
  child.stdout.resume()
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  const [code, signal] = await once(child, 'exit')
  clearTimeout(timer)
  // Also shows the log does not keep the process alive: it exits on its own once the call is done.
  assert.deepEqual([code, signal], [0, null], stderr)
  return stderr
}

test('PARTNER_CENTER_LOG sends the events to stderr without a logger', async () => {
  const call = 'c.customers.listPage({ size: 2 }).catch((e) => { console.error(e); process.exitCode = 1 })'
  const debug = await node('debug', call)
  assert.match(debug, /DEBUG partner-center: listCustomers GET \/v1\/customers: 200 in /)
  assert.ok(!debug.includes('size'), debug)
  await env.emu.faults({ script: [{ method: 'GET', fault: 'status', status: 503 }] })
  const warn = await node('warn', call)
  assert.match(warn, /WARN partner-center: listCustomers GET \/v1\/customers: 503 in /)
  assert.ok(!warn.includes('DEBUG'), warn)
  await env.emu.faults({ script: [{ method: 'GET', fault: 'status', status: 503 }] })
  assert.equal(await node(null, call), '')
})

test('a worker with a logger: its events arrive, and terminating it mid-call is safe', async () => {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads')
    const { Client } = require(workerData.index)
    const events = []
    const keep = (message, fields) => events.push(fields.level)
    const c = new Client({ token: workerData.token, baseUrl: workerData.url, logLevel: 'debug',
                           logger: { debug: keep, info: keep, warn: keep } })
    c.customers.listPage().then(() => setImmediate(() => {
      parentPort.postMessage(events)
      for (let i = 0; i < 20; i++) c.customers.listPage().catch(() => {})
      parentPort.postMessage('busy')
    }))
  `
  await env.emu.faults({ script: [{ method: 'GET', fault: 'status', status: 500 }], latencyMs: 300 })
  const worker = new Worker(code, { eval: true, workerData: { index: INDEX, token: TOKEN, url: env.emu.url } })
  const errors = []
  worker.on('error', (e) => errors.push(e))
  const [first] = await once(worker, 'message')
  assert.deepEqual(first, ['warn', 'debug'])
  await once(worker, 'message')
  await env.emu.until('the calls in flight', (h) => h.inFlight > 0)
  await worker.terminate()
  assert.deepEqual(errors, [])
  // The main thread's clients go on, logging as before.
  await env.emu.faults({})
  const { events, logger } = capture()
  await client({ logger, logLevel: 'debug' }).customers.listPage()
  await settled()
  assert.deepEqual(events.map((e) => e.level), ['debug'])
})
