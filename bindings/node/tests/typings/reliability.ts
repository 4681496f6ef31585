// Type checks of the reliability options (compiled with `tsc --noEmit --strict -p tests/typings` by
// tests/typings.test.mjs): `signal` per call, `requestsPerMinute` and `maxResponseBytes` per client,
// and (@ts-expect-error) what must not compile.

import { Client, PartnerCenterError, type CallOptions, type Customer } from '../../index'

const client = new Client({ token: 't', baseUrl: 'http://127.0.0.1:8080' })

export function bulkClient(): Client {
  // @ts-expect-error a number of requests, not text
  void new Client({ token: 't', cloud: 'global', requestsPerMinute: '500' })
  // @ts-expect-error a number of bytes
  void new Client({ token: 't', cloud: 'global', maxResponseBytes: '1MB' })
  return new Client({ token: 't', cloud: 'global', requestsPerMinute: 480, maxResponseBytes: 8 << 20, maxRetries: 5 })
}

export async function cancelling(id: string): Promise<void> {
  const controller = new AbortController()
  const customer: Customer = await client.customers.get(id, { signal: controller.signal })
  await client.customers.get(id, { signal: AbortSignal.timeout(5000), requestId: 'r' })
  await client.domains.exists('contoso.onmicrosoft.com', { signal: null })
  for await (const c of client.customers.list({ size: 10, signal: controller.signal })) void c
  const options: CallOptions = { signal: controller.signal, timeout: 1000 }
  void options
  void customer
  // @ts-expect-error a signal is an AbortSignal, not a controller
  await client.customers.get(id, { signal: controller })
  // @ts-expect-error nor a boolean
  await client.customers.get(id, { signal: true })
  try {
    await client.customers.get(id, { signal: controller.signal })
  } catch (err) {
    if (err instanceof PartnerCenterError && err.name === 'AbortError') {
      const code: 'PC_ABORTED' | string = err.code
      const reason: unknown = err.cause
      void code
      void reason
    }
  }
}
