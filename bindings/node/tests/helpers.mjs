// Test helpers: the Partner Center emulator (tests/sandbox) as a real HTTP server, and models for it.
//
// The emulator binary is built with `cargo build -p sandbox --release` (set PC_SANDBOX_BIN to use a
// prebuilt one) and started on a free port with throttling off; `reset()` empties it and clears
// faults, `faults({...})` scripts injected failures (tests/sandbox/README.md). `useEmulator()` is the
// set-up most test files share: one emulator for the file, emptied before each test.

import { execFileSync, spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { request } from 'node:http'
import { createServer } from 'node:net'
import { dirname, resolve } from 'node:path'
import { after, before, beforeEach } from 'node:test'
import { fileURLToPath } from 'node:url'

import { Client } from 'partner-center'

export const PACKAGE = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const ROOT = resolve(PACKAGE, '../..')
export const TOKEN = 'sandbox-token-N0de7Hq2pX9w'
/** A known indirect reseller of the emulator (seed 004). */
export const RESELLER_ID = '484e548c-f5f3-4528-93a9-c16c6373cb59'

let binary = null

/** The emulator executable, built once per process (cargo reports its path). */
export function sandboxBinary() {
  if (binary !== null) return binary
  if (process.env.PC_SANDBOX_BIN) return (binary = process.env.PC_SANDBOX_BIN)
  const out = execFileSync(
    'cargo',
    ['build', '-q', '-p', 'sandbox', '--release', '--bin', 'sandbox', '--message-format=json'],
    { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 },
  )
  for (const line of out.split('\n')) {
    let msg
    try {
      msg = JSON.parse(line)
    } catch {
      continue
    }
    if (msg.reason === 'compiler-artifact' && msg.executable && msg.target?.name === 'sandbox') {
      return (binary = msg.executable)
    }
  }
  throw new Error('cargo did not report the sandbox executable')
}

/** One running emulator process. */
export class Emulator {
  static async start(...args) {
    const emu = new Emulator()
    emu.proc = spawn(
      sandboxBinary(),
      ['--port', '0', '--quiet', '--throttle-per-minute', '0', ...args],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    emu.url = await new Promise((resolveUrl, reject) => {
      let text = ''
      const timer = setTimeout(() => reject(new Error('the emulator did not start in 30 s')), 30_000)
      emu.proc.once('exit', (code) => reject(new Error(`the emulator exited (${code})`)))
      emu.proc.stdout.on('data', (chunk) => {
        text += chunk
        const line = text.split('\n')[0]
        if (text.includes('\n')) {
          clearTimeout(timer)
          if (line.startsWith('listening on ')) resolveUrl(line.split(' ').at(-1).trim())
          else reject(new Error(`the emulator did not start: ${line}`))
        }
      })
    })
    emu.proc.stdout.resume()
    return emu
  }

  async admin(method, path, body) {
    const res = await fetch(this.url + path, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`)
    const text = await res.text()
    return text ? JSON.parse(text) : null
  }

  reset() {
    return this.admin('POST', '/_sandbox/reset')
  }

  /** Replaces the fault configuration, e.g. faults({ script: [{ method: 'GET', fault: 'status', status: 503 }] }). */
  faults(config) {
    return this.admin('POST', '/_sandbox/faults', config)
  }

  health() {
    return this.admin('GET', '/_sandbox/health')
  }

  /**
   * `GET /_sandbox/health` over a connection of its own, closed after the answer (no keep-alive
   * pool), so its `connections` counts this request's connection once plus the clients' own.
   */
  probe() {
    return new Promise((resolveHealth, reject) => {
      const req = request(
        `${this.url}/_sandbox/health`,
        { agent: false, headers: { connection: 'close' } },
        (res) => {
          let text = ''
          res.setEncoding('utf8')
          res.on('data', (chunk) => (text += chunk))
          res.on('end', () => {
            if (res.statusCode === 200) resolveHealth(JSON.parse(text))
            else reject(new Error(`GET /_sandbox/health: ${res.statusCode} ${text}`))
          })
        },
      )
      req.on('error', reject)
      req.end()
    })
  }

  /**
   * Polls `probe()` until `check(health)` holds; fails after `ms` with the last answer. A bounded
   * wait for something the emulator must see, never a measure of how fast it happened.
   */
  async until(what, check, ms = 15_000) {
    const deadline = Date.now() + ms
    let last
    for (;;) {
      last = await this.probe()
      if (check(last)) return last
      if (Date.now() > deadline) throw new Error(`the emulator never saw ${what}: ${JSON.stringify(last)}`)
      await new Promise((r) => setTimeout(r, 25))
    }
  }

  async stop() {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return
    const exited = new Promise((r) => this.proc.once('exit', r))
    this.proc.kill('SIGTERM')
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  }
}

/**
 * Registers the hooks most test files share and returns `{ emu, client }`, which they fill in: `emu`
 * is one emulator for the file, started with `args` before its first test, stopped after its last
 * and emptied (`reset()`) before each test; with `client` (options), `client` is a new `Client` for
 * it before each test: the test token and the emulator's URL, then those options. Read them inside
 * tests and hooks; a file's own `beforeEach` hooks, registered after this call, run after the reset.
 */
export function useEmulator({ args = ['--quota', '100000'], client = null } = {}) {
  const env = { emu: null, client: null }
  before(async () => {
    env.emu = await Emulator.start(...args)
  })
  after(() => env.emu.stop())
  beforeEach(async () => {
    await env.emu.reset()
    if (client !== null) env.client = new Client({ token: TOKEN, baseUrl: env.emu.url, ...client })
  })
  return env
}

/** A port nothing listens on (bound, then closed). */
export async function closedPort() {
  const server = createServer()
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  const { port } = server.address()
  await new Promise((r) => server.close(r))
  return port
}

export function uniqueDomain(prefix = 'contoso') {
  return `${prefix}${randomUUID().replaceAll('-', '').slice(0, 12)}.onmicrosoft.com`
}

export function usAddress(overrides = {}) {
  return {
    addressLine1: 'One Microsoft Way',
    city: 'Redmond',
    state: 'WA',
    postalCode: '98052',
    country: 'US',
    ...overrides,
  }
}

export function newCustomer({ domain, companyName = 'Contoso', ...extra } = {}) {
  return {
    companyProfile: { domain: domain ?? uniqueDomain() },
    billingProfile: {
      email: 'admin@contoso.example',
      culture: 'en-US',
      language: 'en',
      companyName,
      defaultAddress: usAddress(),
    },
    ...extra,
  }
}
