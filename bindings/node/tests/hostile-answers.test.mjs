// Hostile answers (the emulator's answer faults, tests/sandbox/README.md): each becomes its typed
// error with a capped excerpt, never a crash, and the client stays usable. Answers larger than
// `maxResponseBytes` are refused without being read whole: the process's memory stays far below
// the answer's size.

import assert from 'node:assert/strict'
import { beforeEach, test } from 'node:test'

import { Client, PartnerCenterError } from 'partner-center'

import { TOKEN, newCustomer, useEmulator } from './helpers.mjs'

const env = useEmulator()
let customer

beforeEach(async () => {
  customer = await client().customers.create(newCustomer())
})

function client(options = {}) {
  return new Client({ token: TOKEN, baseUrl: env.emu.url, ...options })
}

/** Scripts `fault` (with `extra` members) for the next `times` gets of the customer. */
function fault(fault, extra = {}, times = 1) {
  return env.emu.faults({ script: [{ method: 'GET', path: `/v1/customers/${customer.id}`, fault, times, ...extra }] })
}

/** The customer's get rejects with `code`; returns the error. */
async function failing(c, code) {
  let caught
  await assert.rejects(c.customers.get(customer.id), (err) => {
    caught = err
    assert.ok(err instanceof PartnerCenterError, String(err))
    assert.equal(err.code, code, `${err.code}: ${err.message}`)
    return true
  })
  return caught
}

/** The client works again once the faults are gone, and nothing is left in flight. */
async function stillUsable(c) {
  await env.emu.faults({})
  assert.equal((await c.customers.get(customer.id)).id, customer.id)
  await env.emu.until('no call left in flight', (h) => h.inFlight === 0)
}

// First in this file: the process's peak RSS (maxRSS) is then this test's own.
test('maxResponseBytes: a small limit refuses a 300 MB answer in bounded memory', async () => {
  const c = client({ maxRetries: 0, maxResponseBytes: 1 << 20 })
  const start = process.memoryUsage().rss
  for (const chunked of [true, false, true]) {
    // 300 000 000 bytes by default; chunked, the client can only stop reading at its limit.
    await fault('huge_body', { chunked })
    const err = await failing(c, 'PC_DECODE')
    assert.match(err.message, /larger than this client's limit of 1048576 bytes/)
    assert.ok((err.body ?? '').length <= 1024)
    await env.emu.until('the huge answer let go', (h) => h.inFlight === 0)
  }
  // The most this process ever held (maxRSS, in KiB) grew by far less than one answer's 300 MB.
  const peak = process.resourceUsage().maxRSS * 1024
  assert.ok(peak - start < 64e6, `RSS ${Math.round(start / 1e6)} MB, then a peak of ${Math.round(peak / 1e6)} MB`)
  // Answers under the limit are read as usual.
  await stillUsable(c)
})

for (const kind of ['malformed_json', 'wrong_types', 'invalid_utf8']) {
  test(`${kind}: PC_DECODE with the answer's excerpt, not retried`, async () => {
    const c = client({ maxRetries: 2 })
    await fault(kind, {}, 3)
    const before = (await env.emu.probe()).requests
    const err = await failing(c, 'PC_DECODE')
    assert.equal(err.status, 200)
    assert.equal(err.retryable, false)
    assert.ok(err.body !== null && err.body.length > 0 && err.body.length <= 1024, JSON.stringify(err.body))
    assert.match(err.message, /could not decode/)
    assert.equal((await env.emu.probe()).requests, before + 1, 'a decode error was retried')
    await stillUsable(c)
  })
}

test('truncated: PC_TRANSPORT, retried like any transport error', async () => {
  const once = client({ maxRetries: 0 })
  await fault('truncated')
  const err = await failing(once, 'PC_TRANSPORT')
  assert.equal(err.retryable, true)
  await stillUsable(once)
  // With retries, the next attempt gets the whole answer.
  const retrying = client({ maxRetries: 2 })
  await fault('truncated')
  const before = (await env.emu.probe()).requests
  assert.equal((await retrying.customers.get(customer.id)).id, customer.id)
  assert.equal((await env.emu.probe()).requests, before + 2)
})

test('html_502: PC_SERVER, status 502, the page capped at 4 KiB, retried as a 5xx', async () => {
  const once = client({ maxRetries: 0 })
  await fault('html_502')
  const err = await failing(once, 'PC_SERVER')
  assert.equal(err.status, 502)
  assert.equal(err.retryable, true)
  assert.ok(err.body.startsWith('<!DOCTYPE html>'), err.body.slice(0, 40))
  // The page is 5253 bytes: the excerpt is visibly cut.
  assert.equal(err.body.length, 4096)
  await stillUsable(once)
  const retrying = client({ maxRetries: 2 })
  await fault('html_502')
  assert.equal((await retrying.customers.get(customer.id)).id, customer.id)
})

for (const [kind, extra] of [
  ['slow_body', { intervalMs: 200 }],
  ['stall_after_headers', {}],
]) {
  test(`${kind}: PC_TIMEOUT (the attempt's timeout covers the body), and the connection is let go`, async () => {
    const c = client({ maxRetries: 0, timeout: 1000 })
    await fault(kind, extra)
    const err = await failing(c, 'PC_TIMEOUT')
    assert.equal(err.retryable, true)
    await stillUsable(c)
  })
}

test('huge_body: refused above the default 32 MiB limit, announced by Content-Length or not', async () => {
  const c = client({ maxRetries: 0 })
  for (const chunked of [false, true]) {
    await fault('huge_body', { chunked })
    const err = await failing(c, 'PC_DECODE')
    assert.match(err.message, /the answer is larger than this client's limit of 33554432 bytes/)
    assert.ok((err.body ?? '').length <= 1024)
    await env.emu.until('the huge answer let go', (h) => h.inFlight === 0)
  }
  await stillUsable(c)
})

test('many hostile answers in a row, concurrently: every call ends with its typed error, no crash', async () => {
  const c = client({ maxRetries: 0, timeout: 2000 })
  const kinds = {
    malformed_json: 'PC_DECODE',
    wrong_types: 'PC_DECODE',
    invalid_utf8: 'PC_DECODE',
    truncated: 'PC_TRANSPORT',
    html_502: 'PC_SERVER',
    stall_after_headers: 'PC_TIMEOUT',
  }
  const script = Object.keys(kinds).map((kind) => ({ method: 'GET', path: `/v1/customers/${customer.id}`, fault: kind, times: 5 }))
  await env.emu.faults({ script })
  // The script is consumed in order: 5 of each kind.
  const codes = []
  for (let round = 0; round < Object.keys(kinds).length; round++) {
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => c.customers.get(customer.id)))
    codes.push(...outcomes.map((o) => (o.status === 'rejected' ? o.reason.code : 'ok')))
  }
  assert.deepEqual(codes, Object.values(kinds).flatMap((code) => Array(5).fill(code)))
  await stillUsable(c)
})
