// Retries on injected faults, idempotent creates, and many calls in flight at once.

import assert from 'node:assert/strict'
import { test } from 'node:test'

import { Client } from 'partner-center'

import { TOKEN, newCustomer, uniqueDomain, useEmulator } from './helpers.mjs'

const env = useEmulator({ client: {} })

test('a 503 is retried and the call succeeds', async () => {
  const c = await env.client.customers.create(newCustomer())
  await env.emu.faults({ script: [{ method: 'GET', path: `/v1/customers/${c.id}`, fault: 'status', status: 503, times: 2 }] })
  const got = await env.client.customers.getWithResponse(c.id)
  assert.equal(got.status, 200)
  assert.equal(got.data.id, c.id)
  assert.deepEqual((await env.emu.admin('GET', '/_sandbox/faults')).script ?? [], [])
})

test('a 429 is retried after its Retry-After', async () => {
  await env.emu.faults({ script: [{ fault: 'throttle', retryAfterSeconds: 1 }] })
  const started = Date.now()
  assert.equal(await env.client.domains.exists(uniqueDomain()), false)
  assert.ok(Date.now() - started >= 900, 'Retry-After was not honoured')
})

test('a create whose answer is lost after the commit is retried, not duplicated', async () => {
  const domain = uniqueDomain()
  await env.emu.faults({ script: [{ method: 'POST', path: '/v1/customers', fault: 'drop_after_commit' }] })
  const created = await env.client.customers.create(newCustomer({ domain }))
  assert.equal(created.companyProfile.domain, domain)
  assert.ok(created.userCredentials.password)
  const all = []
  for await (const x of env.client.customers.list()) all.push(x)
  assert.deepEqual(all.map((x) => x.id), [created.id])
  assert.equal((await env.emu.health()).customers, 1)
})

test('no retries with maxRetries: 0', async () => {
  await env.emu.faults({ script: [{ method: 'GET', fault: 'status', status: 503, times: 1 }] })
  const once = new Client({ token: TOKEN, baseUrl: env.emu.url, maxRetries: 0 })
  await assert.rejects(once.customers.getRelationshipRequest(), { code: 'PC_SERVER', status: 503 })
  assert.ok((await once.customers.getRelationshipRequest()).url)
})

test('hundreds of calls in flight; the event loop keeps running', async () => {
  let ticks = 0
  const timer = setInterval(() => ticks++, 5)
  try {
    const creates = await Promise.all(
      Array.from({ length: 200 }, (_, i) => env.client.customers.create(newCustomer({ companyName: `Concurrent ${i}` }))),
    )
    assert.equal(new Set(creates.map((c) => c.id)).size, 200)
    const calls = []
    for (const c of creates) {
      calls.push(env.client.customers.get(c.id))
      calls.push(env.client.domains.exists(c.companyProfile.domain))
      calls.push(env.client.profiles.getBilling(c.id))
    }
    const results = await Promise.all(calls)
    assert.equal(results.length, 600)
    for (let i = 0; i < creates.length; i++) {
      assert.equal(results[3 * i].id, creates[i].id)
      assert.equal(results[3 * i + 1], true)
      assert.equal(results[3 * i + 2].email, 'admin@contoso.example')
    }
    let listed = 0
    for await (const _ of env.client.customers.list({ size: 37 })) listed++
    assert.equal(listed, 200)
  } finally {
    clearInterval(timer)
  }
  assert.ok(ticks > 0, 'the event loop was blocked')
})

test('concurrent calls with faults: every one succeeds, every create once', async () => {
  await env.emu.faults({ errorRate: 0.15, dropAfterCreateRate: 0.15 })
  const fast = new Client({ token: TOKEN, baseUrl: env.emu.url, maxRetries: 10 })
  const creates = await Promise.all(Array.from({ length: 40 }, () => fast.customers.create(newCustomer())))
  await env.emu.faults({})
  assert.equal(new Set(creates.map((c) => c.id)).size, 40)
  assert.equal((await env.emu.health()).customers, 40)
})
