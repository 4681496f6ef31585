// `signal` (an AbortSignal) in every method's per-call options, as `fetch` takes it: an aborted
// call rejects with an AbortError, its request is dropped (the emulator sees the connection close),
// no retry follows, the client stays usable and no listener is left on the signal.

import assert from 'node:assert/strict'
import { getEventListeners } from 'node:events'
import { test } from 'node:test'

import { Client, PartnerCenterError } from 'partner-center'

import { TOKEN, newCustomer, uniqueDomain, useEmulator } from './helpers.mjs'

const env = useEmulator()

function client(options = {}) {
  return new Client({ token: TOKEN, baseUrl: env.emu.url, ...options })
}

/** The rejection of an aborted call; `reason`, when given, must be its `cause`. */
function aborted(reason) {
  return (err) => {
    assert.ok(err instanceof PartnerCenterError, `not a PartnerCenterError: ${err}`)
    assert.equal(err.name, 'AbortError')
    assert.equal(err.code, 'PC_ABORTED')
    assert.equal(err.kind, 'aborted')
    assert.equal(err.status, null)
    assert.equal(err.retryable, false)
    if (reason !== undefined) assert.equal(err.cause, reason)
    return true
  }
}

/** The fault script entries no request has consumed yet. */
async function scriptLeft() {
  return (await env.emu.admin('GET', '/_sandbox/faults')).script ?? []
}

test('an already-aborted signal rejects at once and sends nothing', async () => {
  const c = client()
  const created = await c.customers.create(newCustomer())
  // Any /v1 request would consume this entry.
  await env.emu.faults({ script: [{ fault: 'status', status: 503, times: 1 }] })

  const controller = new AbortController()
  const reason = new Error('the user went away')
  controller.abort(reason)
  await assert.rejects(c.customers.get(created.id, { signal: controller.signal }), (err) => {
    aborted(reason)(err)
    assert.equal(err.message, 'the call was aborted: the user went away')
    return true
  })
  await assert.rejects(c.domains.exists(uniqueDomain(), { signal: AbortSignal.abort() }), (err) => {
    aborted()(err)
    assert.equal(err.cause.name, 'AbortError')
    assert.equal(err.message, 'the call was aborted')
    return true
  })
  await assert.rejects(c.customers.createWithResponse(newCustomer(), { signal: controller.signal }), aborted(reason))
  await assert.rejects(async () => {
    for await (const _ of c.customers.list({ signal: controller.signal })) assert.fail('no page was asked for')
  }, aborted(reason))
  assert.equal((await scriptLeft()).length, 1, 'an aborted call sent a request')
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0)
})

test('aborting a call in flight rejects with AbortError, drops its connection, and the client stays usable', async () => {
  const c = client()
  const created = await c.customers.create(newCustomer())
  // A client of its own: its one connection is the held call's.
  const held = client({ maxRetries: 2 })
  await env.emu.faults({ latencyMs: 60_000 })
  const idle = await env.emu.probe()
  const controller = new AbortController()
  const reason = new Error('stop')
  const pending = held.customers.get(created.id, { signal: controller.signal })
  const during = await env.emu.until('the held call', (h) => h.inFlight === 1)
  assert.ok(during.connections > idle.connections, JSON.stringify({ idle, during }))
  assert.equal(getEventListeners(controller.signal, 'abort').length, 1)

  controller.abort(reason)
  await assert.rejects(pending, (err) => {
    aborted(reason)(err)
    assert.equal(err.correlationId, held.correlationId)
    return true
  })
  assert.equal(getEventListeners(controller.signal, 'abort').length, 0)
  // The emulator sees the request go: no call in flight, one connection fewer, and no retry.
  const gone = await env.emu.until('the aborted call go', (h) => h.inFlight === 0 && h.connections < during.connections)
  assert.equal(gone.requests, during.requests, 'the aborted call was retried')

  await env.emu.faults({})
  const again = new AbortController()
  assert.equal((await held.customers.get(created.id, { signal: again.signal })).id, created.id)
  assert.equal(getEventListeners(again.signal, 'abort').length, 0)
  // Aborting after the call ended changes nothing.
  again.abort()
  assert.equal(await held.domains.exists(created.companyProfile.domain), true)
})

test('aborting while the client waits to retry stops the retries', async () => {
  const c = client({ maxRetries: 2 })
  await env.emu.faults({ script: [{ fault: 'status', status: 503, retryAfterSeconds: 2, times: 3 }] })
  const controller = new AbortController()
  const pending = c.domains.exists(uniqueDomain(), { signal: controller.signal })
  // The first attempt got its 503 (one of the entry's `times` used); the client now waits 2 s.
  await env.emu.until('the first attempt', (h) => h.requests === 1)
  controller.abort()
  await assert.rejects(pending, aborted())
  // Past the Retry-After, no retry has come: the call's future was dropped, not left to run.
  await new Promise((r) => setTimeout(r, 3_000))
  assert.equal((await env.emu.probe()).requests, 1, 'a retry was sent after the abort')
  assert.equal((await scriptLeft())[0]?.times, 2)
  await env.emu.faults({})
  assert.equal(await c.domains.exists(uniqueDomain()), false)
})

test('list() checks the signal before every page', async () => {
  const c = client()
  for (let i = 0; i < 3; i++) await c.customers.create(newCustomer())
  const controller = new AbortController()
  const seen = []
  await assert.rejects(async () => {
    for await (const customer of c.customers.list({ size: 1, signal: controller.signal })) {
      seen.push(customer.id)
      // The next page's request would consume this entry.
      await env.emu.faults({ script: [{ fault: 'status', status: 503, times: 1 }] })
      controller.abort()
    }
  }, aborted())
  assert.equal(seen.length, 1)
  assert.equal((await scriptLeft()).length, 1, 'the next page was asked for after the abort')
})

test('thousands of calls with one signal leave no listener behind', async (t) => {
  const warnings = []
  const onWarning = (w) => warnings.push(w)
  process.on('warning', onWarning)
  t.after(() => process.off('warning', onWarning))
  const c = client()
  const created = await c.customers.create(newCustomer())
  const controller = new AbortController()
  const { signal } = controller
  let peak = 0
  for (let round = 0; round < 25; round++) {
    const calls = []
    for (let i = 0; i < 80; i++) {
      // Answers, 404s and calls refused before sending: every way a call ends.
      if (i % 3 === 0) calls.push(c.customers.get(created.id, { signal }))
      else if (i % 3 === 1) calls.push(c.customers.get('9f3c5b2e-1d4a-4c6b-8e7f-0a1b2c3d4e5f', { signal }).catch((e) => e.code))
      else calls.push(c.customers.create({ companyProfile: 5 }, { signal }).catch((e) => e.code))
    }
    peak = Math.max(peak, getEventListeners(signal, 'abort').length)
    const results = await Promise.all(calls)
    assert.equal(results.filter((r) => r === 'PC_NOT_FOUND').length, 27)
    assert.equal(getEventListeners(signal, 'abort').length, 0, `round ${round}`)
  }
  // One listener for all the calls in flight, so no MaxListenersExceededWarning either.
  assert.equal(peak, 1, 'calls in flight did not share one listener')
  await new Promise((r) => setImmediate(r))
  assert.deepEqual(warnings.map((w) => w.name), [])
  // And an abort reaches every call in flight on it.
  await env.emu.faults({ latencyMs: 60_000 })
  const held = Array.from({ length: 20 }, () => c.customers.get(created.id, { signal }))
  await env.emu.until('the 20 held calls', (h) => h.inFlight === 20)
  controller.abort()
  const outcomes = await Promise.allSettled(held)
  for (const o of outcomes) assert.ok(o.status === 'rejected' && aborted()(o.reason))
  assert.equal(getEventListeners(signal, 'abort').length, 0)
  await env.emu.until('the aborted calls go', (h) => h.inFlight === 0)
})

test('a signal that is not an AbortSignal is a validation error', async () => {
  const c = client()
  for (const signal of [5, 'abort', { aborted: false }]) {
    await assert.rejects(c.domains.exists(uniqueDomain(), { signal }), (err) => {
      assert.equal(err.code, 'PC_VALIDATION')
      assert.deepEqual(err.errors.map((e) => e.path), ['signal'])
      return true
    })
  }
  // null and undefined are no signal.
  assert.equal(await c.domains.exists(uniqueDomain(), { signal: null }), false)
  assert.equal(await c.domains.exists(uniqueDomain(), { signal: undefined }), false)
})
