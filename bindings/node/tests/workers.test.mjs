// The addon in worker_threads: several workers loading it at once and calling the emulator
// concurrently beside the main thread, and workers terminated while their calls are in flight —
// the process does not crash, the main thread and the other workers keep working, and the calls
// of a terminated worker are dropped (the emulator sees them go) instead of running on for a
// Promise nobody can see. The workers run tests/worker-calls.mjs.

import assert from 'node:assert/strict'
import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import { test } from 'node:test'

import { TOKEN, newCustomer, useEmulator } from './helpers.mjs'

const WORKER = new URL('./worker-calls.mjs', import.meta.url)

const env = useEmulator({ client: {} })

/**
 * A worker running worker-calls.mjs with `data`; `message()` resolves with its next message (kept
 * if it came earlier), `exit` with its exit code.
 */
function start(data) {
  const worker = new Worker(WORKER, { workerData: { url: env.emu.url, token: TOKEN, ...data } })
  const errors = []
  const queue = []
  const waiting = []
  worker.on('error', (err) => errors.push(err))
  worker.on('message', (m) => (waiting.length > 0 ? waiting.shift()(m) : queue.push(m)))
  const exit = once(worker, 'exit').then(([code]) => {
    assert.deepEqual(errors, [], 'the worker threw')
    return code
  })
  const message = () => (queue.length > 0 ? Promise.resolve(queue.shift()) : new Promise((r) => waiting.push(r)))
  return { worker, exit, message }
}

/** Main-thread calls while workers run: creates, then a get and a domain check of each. */
async function mainThreadCalls(n) {
  const created = await Promise.all(Array.from({ length: n }, () => env.client.customers.create(newCustomer())))
  const checks = await Promise.all(created.flatMap((c) => [env.client.customers.get(c.id), env.client.domains.exists(c.companyProfile.domain)]))
  created.forEach((c, i) => {
    assert.equal(checks[2 * i].id, c.id)
    assert.equal(checks[2 * i + 1], true)
  })
  return created.map((c) => c.id)
}

test('the addon in four workers at once, each calling the emulator concurrently beside the main thread', async () => {
  // Each call takes a little while, so calls made at once are served at once.
  await env.emu.faults({ latencyMs: 20 })
  const workers = Array.from({ length: 4 }, (_, i) => start({ mode: 'calls', creates: 25, name: `w${i}` }))
  const [mainIds, ...answers] = await Promise.all([mainThreadCalls(25), ...workers.map((w) => w.message())])
  const ids = new Set(mainIds)
  for (const answer of answers) {
    assert.equal(answer.ok, true, answer.error)
    for (const id of answer.ids) ids.add(id)
  }
  assert.equal(ids.size, 125)
  for (const w of workers) assert.equal(await w.exit, 0, 'a worker did not end on its own')
  const health = await env.emu.health()
  assert.equal(health.customers, 125)
  assert.ok(health.inFlightPeak > 1, `no calls overlapped: ${JSON.stringify(health)}`)
})

test('workers terminated while their calls are in flight: no crash, the others keep working, the calls are dropped', async () => {
  const held = await env.client.customers.create(newCustomer())
  for (let round = 0; round < 3; round++) {
    // Every get of `held` gets its answer's headers, then nothing until the client goes away.
    await env.emu.faults({ script: [{ method: 'GET', path: `/v1/customers/${held.id}`, fault: 'stall_after_headers', times: 5 }] })
    const busy = start({ mode: 'calls', creates: 30, name: `busy${round}` })
    const holder = start({ mode: 'hold', customerId: held.id, calls: 5 })
    assert.equal(await holder.message(), 'started')
    const injected = async () => (await env.emu.admin('GET', '/_sandbox/faults')).injected.stall_after_headers
    const deadline = Date.now() + 15_000
    while ((await injected()) < 5) {
      assert.ok(Date.now() < deadline, 'the held calls never reached the emulator')
      await new Promise((r) => setTimeout(r, 25))
    }
    assert.ok((await env.emu.probe()).inFlight >= 5)

    await holder.worker.terminate()
    assert.equal(await holder.exit, 1)
    const answer = await busy.message()
    assert.equal(answer.ok, true, answer.error)
    assert.equal(await busy.exit, 0)
    // The terminated worker's stalled calls were dropped with it, not left to their 60 s timeout.
    await env.emu.until("the terminated worker's calls go", (h) => h.inFlight === 0)
    // The main thread and a new worker still work.
    assert.equal((await mainThreadCalls(5)).length, 5)
    const next = start({ mode: 'calls', creates: 5, name: `next${round}` })
    assert.equal((await next.message()).ok, true)
    assert.equal(await next.exit, 0)
  }
})

test('workers terminated the moment their calls start, again and again', async () => {
  const someone = await env.client.customers.create(newCustomer())
  for (let round = 0; round < 12; round++) {
    // Some sign in with a JS token function, asked through a threadsafe function of the worker.
    const tokenFunction = [undefined, 'token', 'never'][round % 3]
    const holder = start({ mode: 'hold', customerId: someone.id, calls: 20, tokenFunction })
    assert.equal(await holder.message(), 'started')
    await holder.worker.terminate()
    assert.equal(await holder.exit, 1)
  }
  await env.emu.until('no call left in flight', (h) => h.inFlight === 0)
  assert.equal((await env.client.customers.get(someone.id)).id, someone.id)
  const last = start({ mode: 'calls', creates: 3, name: 'last' })
  assert.equal((await last.message()).ok, true)
  assert.equal(await last.exit, 0)
})
