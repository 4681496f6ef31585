// Hand-written Partner Center clients: what a careful Node developer writes without an SDK.
// Used by load.mjs (the load cells) and ../coldstart/coldstart.mjs (the cold-start cell).
//
// Both send the headers bench/README.md lists (`Authorization: Bearer`, `Accept`, one
// MS-CorrelationId per client, a fresh MS-RequestId per call), check the status (any 2xx) and
// return the decoded JSON: plain objects, since JS has no dataclasses, so parsing the JSON is the
// whole decode step. What they leave out on purpose, as a hand-written client usually does:
// retries, validation, typed errors.

import { randomUUID } from 'node:crypto'

/** A hung call must not hang the benchmark; the Python peers use the same bound. */
const TIMEOUT_MS = 30_000

function sessionHeaders(token) {
  return {
    Authorization: `Bearer ${token}`,
    Accept: 'application/json',
    'MS-CorrelationId': randomUUID(),
  }
}

const customerPath = (id) => `/v1/customers/${encodeURIComponent(id)}`

/** One call's headers (a fresh MS-RequestId) and its JSON body, as both peers send them. */
function outgoing(sessionHeaders, body) {
  const headers = { ...sessionHeaders, 'MS-RequestId': randomUUID() }
  if (body === undefined) return { headers, payload: undefined }
  headers['Content-Type'] = 'application/json'
  return { headers, payload: JSON.stringify(body) }
}

/**
 * On Node's built-in `fetch`, with its default global dispatcher: what a partner gets without
 * installing anything.
 */
export class FetchClient {
  constructor({ token, baseUrl }) {
    this.baseUrl = baseUrl.replace(/\/+$/, '')
    this.headers = sessionHeaders(token)
  }

  async request(method, path, body) {
    const { headers, payload } = outgoing(this.headers, body)
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body: payload })
    if (!res.ok) {
      const text = await res.text()
      throw new Error(`${method} ${path}: HTTP ${res.status}: ${text.slice(0, 500)}`)
    }
    return res.json()
  }

  getCustomer(id) {
    return this.request('GET', customerPath(id))
  }

  createCustomer(body) {
    return this.request('POST', '/v1/customers', body)
  }

  close() {}
}

/**
 * On `undici.request` (the npm package, bench/node/package.json) through a `Pool` of its own: what
 * a performance-minded Node developer writes. The choices, and why:
 *   - `Pool`, not `Agent` or the global dispatcher: the API has one origin, and a Pool for it skips
 *     the Agent's per-call origin lookup;
 *   - `connections` = the calls the application keeps in flight (at least 1), so no call waits for
 *     a socket, as the Python peers size their pools;
 *   - keep-alive on with undici's defaults (4 s idle, or what the server's Keep-Alive says): the
 *     sockets are reused from call to call;
 *   - no pipelining (undici's default, 1): several requests queued on one socket are held up by
 *     the slowest, and proxies in front of real services handle it badly; a developer does not
 *     turn it on for an API client;
 *   - headers and body timeouts of 30 s instead of undici's 300 s (a stuck call fails the run).
 * `undiciClient()` imports undici only when asked, so the other clients' processes do not load it.
 */
export async function undiciClient({ token, baseUrl, connections = 1 }) {
  const { Pool } = await import('undici')
  const pool = new Pool(baseUrl, {
    connections: Math.max(1, connections),
    pipelining: 1,
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
  })
  return new UndiciClient(pool, sessionHeaders(token))
}

class UndiciClient {
  constructor(pool, headers) {
    this.pool = pool
    this.headers = headers
  }

  async request(method, path, body) {
    const { headers, payload } = outgoing(this.headers, body)
    const res = await this.pool.request({ method, path, headers, body: payload })
    if (res.statusCode < 200 || res.statusCode > 299) {
      const text = await res.body.text()
      throw new Error(`${method} ${path}: HTTP ${res.statusCode}: ${text.slice(0, 500)}`)
    }
    return res.body.json()
  }

  getCustomer(id) {
    return this.request('GET', customerPath(id))
  }

  createCustomer(body) {
    return this.request('POST', '/v1/customers', body)
  }

  close() {
    return this.pool.close()
  }
}
