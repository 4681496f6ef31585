// The body of the worker_threads in workers.test.mjs: loads the package (and so the native addon)
// in a worker and calls the emulator from there. `workerData`:
//   { url, token, mode: 'calls', creates }  — `creates` creates, then a get and a domain check of
//       each, all in flight at once; posts { ok, ids } (or { ok: false, error }) and exits;
//   { url, token, mode: 'hold', customerId, calls } — `calls` gets of a customer whose answer the
//       emulator stalls (or whose token never comes); posts 'started' and waits to be terminated.
// Optional: `timeout`, `maxRetries` (client options), `tokenFunction` ('token' | 'never').

import { parentPort, workerData } from 'node:worker_threads'

import { Client } from 'partner-center'

import { newCustomer } from './helpers.mjs'

const { url, token, mode } = workerData
// `tokenFunction`: sign in with a JS token function instead (reached from Rust through a
// threadsafe function); 'never' is one whose Promise never settles.
const auth =
  workerData.tokenFunction === 'never'
    ? { credential: () => new Promise(() => {}) }
    : workerData.tokenFunction === 'token'
      ? { credential: async () => token }
      : { token }
const client = new Client({ ...auth, baseUrl: url, timeout: workerData.timeout, maxRetries: workerData.maxRetries })

if (mode === 'calls') {
  try {
    const created = await Promise.all(
      Array.from({ length: workerData.creates }, (_, i) =>
        client.customers.create(newCustomer({ companyName: `Worker ${workerData.name} ${i}` })),
      ),
    )
    const checks = await Promise.all(
      created.flatMap((c) => [client.customers.get(c.id), client.domains.exists(c.companyProfile.domain)]),
    )
    for (let i = 0; i < created.length; i++) {
      if (checks[2 * i].id !== created[i].id || checks[2 * i + 1] !== true) throw new Error(`wrong answer for ${i}`)
    }
    parentPort.postMessage({ ok: true, ids: created.map((c) => c.id) })
  } catch (err) {
    parentPort.postMessage({ ok: false, error: `${err?.code} ${err?.message}` })
  }
} else if (mode === 'hold') {
  for (let i = 0; i < workerData.calls; i++) {
    client.customers.get(workerData.customerId).then(
      () => parentPort.postMessage('answered'),
      (err) => parentPort.postMessage(`failed: ${err.code}`),
    )
  }
  parentPort.postMessage('started')
} else {
  throw new Error(`unknown mode ${mode}`)
}
