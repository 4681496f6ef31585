// Every error code: what a failed call rejects with, and that no token ever shows in it.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { inspect } from 'node:util'

import { Client, PartnerCenterError } from 'partner-center'

import { Emulator, TOKEN, closedPort, newCustomer, uniqueDomain, useEmulator } from './helpers.mjs'

const env = useEmulator({ client: {} })

/** Awaits `promise`, which must reject with a PartnerCenterError of `code`; returns the error. */
async function failure(promise, code) {
  try {
    await promise
  } catch (err) {
    assert.ok(err instanceof PartnerCenterError, `not a PartnerCenterError: ${inspect(err)}`)
    assert.ok(err instanceof Error)
    assert.equal(err.name, 'PartnerCenterError')
    assert.equal(err.code, code, inspect(err))
    for (const text of [inspect(err, { showHidden: true, depth: Infinity }), JSON.stringify(err), String(err), err.stack]) {
      assert.ok(!text.includes(TOKEN), 'the token shows in the error')
    }
    return err
  }
  assert.fail(`resolved; expected ${code}`)
}

describe('before any request', () => {
  test('PC_VALIDATION: every problem with its wire path, and nothing sent', async () => {
    const offline = new Client({ token: TOKEN, baseUrl: `http://127.0.0.1:${await closedPort()}` })
    const body = newCustomer()
    body.billingProfile.email = 'not-an-email'
    body.billingProfile.defaultAddress.addressLine1 = ''
    const err = await failure(offline.customers.create(body), 'PC_VALIDATION')
    assert.equal(err.status, null)
    assert.equal(err.requestId, null)
    const paths = err.errors.map((e) => e.path)
    assert.ok(paths.includes('billingProfile.email'), paths.join())
    assert.ok(paths.includes('billingProfile.defaultAddress.addressLine1'), paths.join())
    assert.ok(err.errors.every((e) => typeof e.message === 'string' && e.message))

    const missing = await failure(
      env.client.customers.create({ companyProfile: { domain: uniqueDomain() } }),
      'PC_VALIDATION',
    )
    assert.ok(missing.errors.some((e) => e.path === 'billingProfile'), inspect(missing.errors))
    await failure(env.client.customers.get('not-a-guid'), 'PC_VALIDATION')
    await failure(env.client.customers.get(undefined), 'PC_VALIDATION')
    await failure(env.client.customers.get('f2a3d2a6-2b3e-4c56-8d1e-3f5a6b7c8d9e', { timeout: -5 }), 'PC_VALIDATION')
    await failure(env.client.customers.get('f2a3d2a6-2b3e-4c56-8d1e-3f5a6b7c8d9e', { requestId: 42 }), 'PC_VALIDATION')
    const cyclic = newCustomer()
    cyclic.self = cyclic
    await failure(env.client.customers.create(cyclic), 'PC_VALIDATION')
    assert.equal((await env.emu.health()).customers, 0)
  })

  test('PC_CONFIG: bad client options throw at construction', () => {
    for (const options of [
      { token: TOKEN, cloud: 'mars' },
      { token: TOKEN, cloud: 'global', baseUrl: env.emu.url },
      { token: TOKEN, baseUrl: env.emu.url, timeout: 0 },
      { token: TOKEN, baseUrl: env.emu.url, maxRetries: -1 },
      { token: TOKEN, base_url: env.emu.url },
      { token: 12345, baseUrl: env.emu.url },
      { token: TOKEN, baseUrl: 'not a url' },
    ]) {
      assert.throws(
        () => new Client(options),
        (err) => {
          assert.ok(err instanceof PartnerCenterError)
          assert.equal(err.code, 'PC_CONFIG', inspect(err))
          assert.ok(!inspect(err).includes(TOKEN) && !inspect(err).includes('12345'))
          return true
        },
        inspect(options),
      )
    }
    for (const cloud of ['global', 'china', 'usgov']) assert.ok(new Client({ token: TOKEN, cloud }))
  })
})

describe('answers from the service', () => {
  test('PC_BAD_REQUEST: the service refuses what validation let through', async () => {
    const loose = new Client({ token: TOKEN, baseUrl: env.emu.url, validate: false })
    const body = newCustomer()
    body.billingProfile.email = 'not-an-email'
    const err = await failure(loose.customers.create(body), 'PC_BAD_REQUEST')
    assert.equal(err.status, 400)
    assert.equal(err.partnerCenterCode, '3000')
    assert.match(err.description, /email/i)
    assert.equal(err.source, 'PartnerFD')
    assert.match(err.requestId, /^[0-9a-f-]{36}$/)
    assert.equal(err.correlationId, loose.correlationId)
    assert.ok(err.body.includes('3000'))
    assert.ok(Array.isArray(err.data))
  })

  test('PC_UNAUTHORIZED: a token the service does not accept', async () => {
    const guarded = await Emulator.start('--token', 'the-right-token')
    try {
      const wrong = new Client({ token: TOKEN, baseUrl: guarded.url, maxRetries: 0 })
      const err = await failure(wrong.customers.get('f2a3d2a6-2b3e-4c56-8d1e-3f5a6b7c8d9e'), 'PC_UNAUTHORIZED')
      assert.equal(err.status, 401)
      assert.equal(err.partnerCenterCode, '400')
      const right = new Client({ token: 'the-right-token', baseUrl: guarded.url })
      assert.equal(await right.domains.exists(uniqueDomain()), false)
    } finally {
      await guarded.stop()
    }
  })

  test('PC_NOT_FOUND', async () => {
    const err = await failure(env.client.customers.get('f2a3d2a6-2b3e-4c56-8d1e-3f5a6b7c8d9e'), 'PC_NOT_FOUND')
    assert.equal(err.status, 404)
    assert.equal(err.partnerCenterCode, '60003')
    assert.ok(err.message.includes('60003'))
    await failure(env.client.countryValidationRules.get('ZZ'), 'PC_NOT_FOUND')
  })

  test('PC_CONFLICT: a domain that exists', async () => {
    const domain = uniqueDomain()
    await env.client.customers.create(newCustomer({ domain }))
    const err = await failure(env.client.customers.create(newCustomer({ domain })), 'PC_CONFLICT')
    assert.equal(err.status, 409)
  })

  test('PC_PRECONDITION_FAILED: a stale etag', async () => {
    const c = await env.client.customers.create(newCustomer())
    const billing = await env.client.profiles.getBilling(c.id)
    const stale = billing.attributes.etag
    await env.client.profiles.updateBilling(c.id, { ...billing, firstName: 'Ada' })
    const err = await failure(
      env.client.profiles.updateBilling(c.id, { ...billing, firstName: 'Grace' }, { ifMatch: stale }),
      'PC_PRECONDITION_FAILED',
    )
    assert.equal(err.status, 412)
    assert.equal(err.partnerCenterCode, '2055')
  })

  test('PC_THROTTLED with retryAfter', async () => {
    await env.emu.faults({ script: [{ fault: 'throttle', retryAfterSeconds: 7 }] })
    const once = new Client({ token: TOKEN, baseUrl: env.emu.url, maxRetries: 0 })
    const err = await failure(once.domains.exists(uniqueDomain()), 'PC_THROTTLED')
    assert.equal(err.status, 429)
    assert.equal(err.retryAfter, 7)
    assert.ok(err.retryable)
  })

  test('PC_SERVER, PC_FORBIDDEN and PC_HTTP_STATUS from injected statuses', async () => {
    const once = new Client({ token: TOKEN, baseUrl: env.emu.url, maxRetries: 0 })
    await env.emu.faults({ script: [{ method: 'GET', fault: 'status', status: 500 }] })
    const err = await failure(once.customers.getRelationshipRequest(), 'PC_SERVER')
    assert.equal(err.status, 500)
    assert.equal(err.partnerCenterCode, '500')
    await env.emu.faults({ script: [{ method: 'GET', fault: 'status', status: 403 }] })
    await failure(once.customers.getRelationshipRequest(), 'PC_FORBIDDEN')
    await env.emu.faults({ script: [{ method: 'GET', fault: 'status', status: 418 }] })
    const other = await failure(once.customers.getRelationshipRequest(), 'PC_HTTP_STATUS')
    assert.equal(other.status, 418)
  })

  test('PC_TRANSPORT: nothing listens', async () => {
    const nowhere = new Client({ token: TOKEN, baseUrl: `http://127.0.0.1:${await closedPort()}`, maxRetries: 0 })
    const err = await failure(nowhere.domains.exists(uniqueDomain()), 'PC_TRANSPORT')
    assert.equal(err.status, null)
    assert.match(err.requestId, /^[0-9a-f-]{36}$/)
    assert.equal(err.correlationId, nowhere.correlationId)
  })

  test('PC_TIMEOUT: per call and per client', async () => {
    await env.emu.faults({ latencyMs: 1500 })
    const once = new Client({ token: TOKEN, baseUrl: env.emu.url, maxRetries: 0 })
    const started = Date.now()
    const err = await failure(once.domains.exists(uniqueDomain(), { timeout: 150 }), 'PC_TIMEOUT')
    assert.ok(Date.now() - started < 1400, 'the per-call timeout was not applied')
    assert.equal(err.status, null)
    const impatient = new Client({ token: TOKEN, baseUrl: env.emu.url, maxRetries: 0, timeout: 150 })
    await failure(impatient.domains.exists(uniqueDomain()), 'PC_TIMEOUT')
  })
})

test('PartnerCenterError can be built and serialised by hand', () => {
  const err = new PartnerCenterError({ kind: 'not_found', message: 'gone', status: 404 })
  assert.equal(err.code, 'PC_NOT_FOUND')
  assert.deepEqual(JSON.parse(JSON.stringify(err)).status, 404)
  assert.equal(new PartnerCenterError().code, 'PC_HTTP_STATUS')
})
