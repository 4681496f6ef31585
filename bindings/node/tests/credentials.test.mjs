// Signing in (issue 12): every credential against the emulator's token endpoint over real HTTP, token
// refresh and rotation, single-flight refresh, each sign-in error, the adapters for what a user
// already holds (@azure/core-auth TokenCredential, () => Promise<string>), and no secret in any
// inspect / JSON / String / error.

import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { inspect } from 'node:util'

import {
  CertificateCredential,
  Client,
  ClientSecretCredential,
  DeviceCodeCredential,
  PartnerCenterError,
  RefreshTokenCredential,
} from 'partner-center'

import { Emulator, PACKAGE, newCustomer } from './helpers.mjs'

const TENANT = 'contoso.onmicrosoft.com'
const APP_SCOPE = 'https://api.partnercenter.microsoft.com/.default'

let emu
let dir

before(async () => {
  emu = await Emulator.start('--quota', '100000')
  dir = mkdtempSync(join(tmpdir(), 'pc-node-credentials-'))
})
after(async () => {
  await emu.stop()
  rmSync(dir, { recursive: true, force: true })
})

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Registers a confidential (or, with `clientSecret: null`, public) app; returns its id and secret. */
async function app({ clientSecret = `secret-${randomUUID()}`, certificate, lifetime } = {}) {
  const clientId = randomUUID()
  const body = { clientId }
  if (clientSecret !== null) body.clientSecret = clientSecret
  if (certificate !== undefined) body.certificate = certificate
  if (lifetime !== undefined) body.accessTokenLifetimeSeconds = lifetime
  await emu.admin('POST', '/_sandbox/auth/apps', body)
  return { clientId, clientSecret: clientSecret ?? undefined }
}

/** A stored refresh token for `clientId` (what the one-time consent would have kept). */
async function storedRefreshToken(clientId, { mfa = true, expiresInSeconds } = {}) {
  const body = { clientId, userPrincipalName: 'admin@contoso.example', mfa }
  if (expiresInSeconds !== undefined) body.expiresInSeconds = expiresInSeconds
  return (await emu.admin('POST', '/_sandbox/auth/refresh-tokens', body)).refreshToken
}

/** Token-endpoint requests the emulator has answered so far. */
async function tokenRequests() {
  return (await emu.health()).tokenRequests
}

/** An access token straight from the emulator's token endpoint (client credentials). */
async function fetchToken({ clientId, clientSecret }, scope = APP_SCOPE) {
  const res = await fetch(`${emu.url}/${TENANT}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope }),
  })
  const body = await res.json()
  assert.equal(res.status, 200, JSON.stringify(body))
  return body
}

/** Every way a value is shown or logged; none may contain any of `secrets`. */
function assertHides(value, secrets, what) {
  const shown = [
    inspect(value, { depth: Infinity }),
    inspect(value, { depth: Infinity, showHidden: true }),
    JSON.stringify(value) ?? '',
    String(value),
    value instanceof Error ? String(value.stack) : '',
  ]
  for (const secret of secrets) {
    assert.ok(secret && secret.length >= 8, 'a secret worth looking for')
    for (const text of shown) assert.ok(!text.includes(secret), `${what} shows a secret: ${text.slice(0, 300)}`)
  }
}

/** `promise` must reject with a PartnerCenterError of `code` that shows none of `secrets`. */
async function failure(promise, code, secrets = []) {
  try {
    await promise
  } catch (err) {
    assert.ok(err instanceof PartnerCenterError, `not a PartnerCenterError: ${inspect(err)}`)
    assert.equal(err.code, code, inspect(err))
    if (secrets.length > 0) assertHides(err, secrets, `the ${code} error`)
    return err
  }
  assert.fail(`resolved; expected ${code}`)
}

const client = (credential, extra = {}) => new Client({ credential, baseUrl: emu.url, maxRetries: 0, ...extra })

describe('our credentials sign in at the emulator', { timeout: 60_000 }, () => {
  test('ClientSecretCredential: app-only, one token request for many calls, nothing secret shown', async () => {
    const a = await app()
    const credential = new ClientSecretCredential({ tenantId: TENANT, ...a, authorityHost: emu.url })
    assert.deepEqual(
      { tenantId: credential.tenantId, clientId: credential.clientId, authorityHost: credential.authorityHost },
      { tenantId: TENANT, clientId: a.clientId, authorityHost: emu.url },
    )
    const c = client(credential)
    const before = await tokenRequests()
    const created = await c.customers.create(newCustomer())
    assert.ok(created.id)
    for (let i = 0; i < 5; i++) assert.equal((await c.customers.listPage({ size: 5 })).status, 200)
    assert.equal((await tokenRequests()) - before, 1, 'one token for six calls')
    assertHides(credential, [a.clientSecret], 'the credential')
    assertHides(c, [a.clientSecret], 'the client')
  })

  test('CertificateCredential: a PEM file, PEM text and an encrypted key with its password', async () => {
    const key = join(dir, 'key.pem')
    const cert = join(dir, 'cert.pem')
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=pc-node-test'],
      { stdio: 'ignore' },
    )
    const password = `pw-${randomUUID()}`
    const encrypted = join(dir, 'key.enc.pem')
    execFileSync('openssl', ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', key, '-out', encrypted, '-passout', `pass:${password}`], {
      stdio: 'ignore',
    })
    const certPem = readFileSync(cert, 'utf8')
    const keyPem = readFileSync(key, 'utf8')
    const encryptedPem = readFileSync(encrypted, 'utf8')
    assert.match(encryptedPem, /BEGIN ENCRYPTED PRIVATE KEY/)
    const bundle = join(dir, 'bundle.pem')
    writeFileSync(bundle, certPem + keyPem)

    const a = await app({ clientSecret: null, certificate: certPem })
    const common = { tenantId: TENANT, clientId: a.clientId, authorityHost: emu.url }
    const keyBody = keyPem.split('\n').filter((l) => l && !l.startsWith('-----'))[3]
    for (const credential of [
      new CertificateCredential({ ...common, certificatePath: bundle }),
      new CertificateCredential({ ...common, certificate: certPem + keyPem }),
      new CertificateCredential({ ...common, certificate: Buffer.from(certPem + encryptedPem), password }),
    ]) {
      assert.equal((await client(credential).customers.listPage({ size: 1 })).status, 200)
      assertHides(credential, [keyBody, password], 'the certificate credential')
    }

    // A wrong or missing password, or no key at all, is refused when the credential is made; the
    // message never repeats the password.
    for (const options of [
      { ...common, certificate: certPem + encryptedPem, password: 'wrong-password-123' },
      { ...common, certificate: certPem + encryptedPem },
      { ...common, certificate: certPem },
      { ...common, certificatePath: join(dir, 'missing.pem') },
      { ...common, certificatePath: bundle, certificate: certPem + keyPem },
    ]) {
      assert.throws(
        () => new CertificateCredential(options),
        (err) => {
          assert.equal(err.code, 'PC_CONFIG', inspect(err))
          assertHides(err, ['wrong-password-123', keyBody], 'the PC_CONFIG error')
          return true
        },
      )
    }
    // A certificate the app was not registered with: the token endpoint refuses it.
    const other = await app({ clientSecret: null, certificate: certPem })
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=other'], {
      stdio: 'ignore',
    })
    const stranger = new CertificateCredential({
      ...common,
      clientId: other.clientId,
      certificate: readFileSync(cert, 'utf8') + readFileSync(key, 'utf8'),
    })
    const err = await failure(client(stranger).customers.listPage({ size: 1 }), 'PC_AUTHENTICATION')
    assert.equal(err.error, 'invalid_client')
  })

  test('RefreshTokenCredential: App+User across expiry; onRefresh gets every rotated refresh token', async () => {
    const a = await app({ lifetime: 2 })
    const original = await storedRefreshToken(a.clientId)
    const rotated = []
    const credential = new RefreshTokenCredential({
      tenantId: TENANT,
      ...a,
      refreshToken: original,
      authorityHost: emu.url,
      onRefresh: async (token) => {
        await sleep(5) // an asynchronous store: the call waits for it
        rotated.push(token)
      },
    })
    const c = client(credential)
    const { id } = await c.customers.create(newCustomer())
    const before = await tokenRequests()
    const redeemedBefore = rotated.length
    assert.equal(redeemedBefore, 1, 'the first sign-in rotated the stored token')
    const started = Date.now()
    let calls = 0
    while (Date.now() - started < 4500) {
      // getCompanyProfile is App+User only: every call really is signed in as the user.
      assert.equal((await c.profiles.getCompanyWithResponse(id)).status, 200)
      calls += 1
      assert.equal(rotated.length - redeemedBefore, (await tokenRequests()) - before, 'one rotation per token request, told at once')
      await sleep(200)
    }
    const redeemed = (await tokenRequests()) - before
    assert.ok(redeemed >= 2, `tokens live 2 s: ${redeemed} refreshes in 4.5 s`)
    assert.ok(calls >= 10)
    assert.equal(new Set([original, ...rotated]).size, rotated.length + 1, 'every refresh token is new')
    assertHides(credential, [original, ...rotated], 'the credential')
    assertHides(c, [original, ...rotated], 'the client')

    // The last one handed out is a working refresh token (what the caller stored).
    const next = []
    const resumed = client(
      new RefreshTokenCredential({ tenantId: TENANT, ...a, refreshToken: rotated.at(-1), authorityHost: emu.url, onRefresh: (t) => next.push(t) }),
    )
    assert.equal((await resumed.profiles.getCompanyWithResponse(id)).status, 200)
    assert.equal(next.length, 1)
  })

  test('an onRefresh may call Partner Center with the same client (it does not wait for itself)', { timeout: 20_000 }, async () => {
    const a = await app()
    const seen = []
    const c = client(
      new RefreshTokenCredential({
        tenantId: TENANT,
        ...a,
        refreshToken: await storedRefreshToken(a.clientId),
        authorityHost: emu.url,
        onRefresh: async () => {
          seen.push((await c.customers.listPage({ size: 1 })).status)
        },
      }),
    )
    assert.equal((await c.customers.listPage({ size: 1 })).status, 200)
    assert.deepEqual(seen, [200], 'the call resolved after its onRefresh, which made a call of its own')
  })

  test('an onRefresh that throws is a warning without the token; the call still succeeds', async () => {
    const a = await app()
    const warnings = []
    const listener = (w) => warnings.push(w)
    process.on('warning', listener)
    try {
      const c = client(
        new RefreshTokenCredential({
          tenantId: TENANT,
          ...a,
          refreshToken: await storedRefreshToken(a.clientId),
          authorityHost: emu.url,
          onRefresh: (token) => {
            throw new Error(`cannot store ${token}`)
          },
        }),
      )
      assert.equal((await c.customers.listPage({ size: 1 })).status, 200)
      await sleep(50)
    } finally {
      process.off('warning', listener)
    }
    const mine = warnings.filter((w) => w.code === 'PARTNER_CENTER_CALLBACK')
    assert.equal(mine.length, 1, inspect(warnings))
    assert.match(mine[0].message, /onRefresh failed: Error: cannot store \[redacted\]/)
  })

  test('DeviceCodeCredential: the prompt, the user approving, then the refresh token', { timeout: 20_000 }, async () => {
    await emu.admin('POST', '/_sandbox/auth/settings', { deviceCodeIntervalSeconds: 1 })
    const a = await app({ clientSecret: null, lifetime: 2 })
    const prompts = []
    const approvals = []
    const rotated = []
    const credential = new DeviceCodeCredential({
      clientId: a.clientId,
      authorityHost: emu.url,
      prompt: (info) => {
        prompts.push(info)
        // The user signs in elsewhere while the credential polls.
        approvals.push(
          sleep(1500).then(() =>
            emu.admin('POST', '/_sandbox/auth/device-codes/approve', {
              userCode: info.userCode,
              userPrincipalName: 'admin@contoso.example',
              mfa: true,
            }),
          ),
        )
      },
      onRefresh: (t) => rotated.push(t),
    })
    assert.equal(credential.tenantId, 'organizations')
    const c = client(credential)
    const { id } = await c.customers.create(newCustomer())
    await Promise.all(approvals)
    assert.equal(prompts.length, 1)
    const [info] = prompts
    assert.deepEqual(Object.keys(info).sort(), ['expiresIn', 'message', 'userCode', 'verificationUri'])
    assert.ok(info.userCode.length > 0 && info.message.includes(info.userCode), inspect(info))
    assert.match(info.verificationUri, /^https?:\/\//)
    assert.ok(info.expiresIn > 0)
    assert.equal(rotated.length, 1, 'the device-code sign-in gave a refresh token')

    await sleep(2200)
    assert.equal((await c.profiles.getCompanyWithResponse(id)).status, 200)
    assert.equal(prompts.length, 1, 'after expiry the refresh token is redeemed, no new prompt')
    assert.equal(rotated.length, 2)
    assertHides(credential, rotated, 'the device-code credential')
  })

  test('a device code never shows, even when the sign-in fails', async () => {
    const deviceCode = `DEVICE-CODE-${randomUUID()}`
    const server = createServer((req, res) => {
      req.resume()
      req.on('end', () => {
        res.setHeader('content-type', 'application/json')
        if (req.url.endsWith('/devicecode')) {
          res.end(
            JSON.stringify({
              device_code: deviceCode,
              user_code: 'FAKE-USER-CODE',
              verification_uri: 'https://microsoft.com/devicelogin',
              expires_in: 900,
              interval: 1,
              message: 'To sign in, open https://microsoft.com/devicelogin and enter FAKE-USER-CODE',
            }),
          )
        } else {
          res.statusCode = 400
          res.end(JSON.stringify({ error: 'access_denied', error_description: 'AADSTS70000: The user declined.', error_codes: [70000] }))
        }
      })
    })
    await new Promise((r) => server.listen(0, '127.0.0.1', r))
    try {
      const prompts = []
      const credential = new DeviceCodeCredential({
        clientId: randomUUID(),
        authorityHost: `http://127.0.0.1:${server.address().port}`,
        prompt: (info) => prompts.push(info),
      })
      const err = await failure(client(credential).customers.listPage({ size: 1 }), 'PC_AUTHENTICATION', [deviceCode])
      assert.equal(err.error, 'access_denied')
      assert.deepEqual(err.errorCodes, [70000])
      assertHides(prompts, [deviceCode], 'the prompt')
      assertHides(credential, [deviceCode], 'the credential')
    } finally {
      server.close()
    }
  })
})

describe('tokens expire and are refreshed', { timeout: 60_000 }, () => {
  test('calls over 4 s with 2 s tokens all succeed', async () => {
    const a = await app({ lifetime: 2 })
    const c = client(new ClientSecretCredential({ tenantId: TENANT, ...a, authorityHost: emu.url }))
    const before = await tokenRequests()
    const started = Date.now()
    let calls = 0
    while (Date.now() - started < 4200) {
      assert.equal((await c.customers.listPage({ size: 1 })).status, 200)
      calls += 1
      await sleep(100)
    }
    assert.ok(calls >= 20, `${calls} calls`)
    assert.ok((await tokenRequests()) - before >= 3, 'tokens were refreshed before they expired')
  })

  test('200 calls in flight after the token expired: exactly one token request', async () => {
    const a = await app({ lifetime: 5 })
    const c = client(new ClientSecretCredential({ tenantId: TENANT, ...a, authorityHost: emu.url }))
    await c.customers.listPage({ size: 1 })
    await sleep(5200)
    const before = await tokenRequests()
    const pages = await Promise.all(Array.from({ length: 200 }, () => c.customers.listPage({ size: 1 })))
    assert.ok(pages.every((p) => p.status === 200))
    assert.equal((await tokenRequests()) - before, 1)
  })
})

describe('sign-in errors', { timeout: 60_000 }, () => {
  test('a wrong client secret: PC_AUTHENTICATION with the token endpoint fields', async () => {
    const a = await app()
    const wrong = `wrong-${randomUUID()}`
    const c = client(new ClientSecretCredential({ tenantId: TENANT, clientId: a.clientId, clientSecret: wrong, authorityHost: emu.url }))
    const err = await failure(c.customers.listPage({ size: 1 }), 'PC_AUTHENTICATION', [wrong, a.clientSecret])
    assert.equal(err.kind, 'authentication')
    assert.equal(err.error, 'invalid_client')
    assert.ok(err.errorCodes.includes(7000215), inspect(err.errorCodes))
    assert.match(err.errorDescription, /AADSTS7000215/)
    assert.match(err.traceId, /^[0-9a-f-]{36}$/)
    assert.match(err.correlationId, /^[0-9a-f-]{36}$/)
    assert.equal(err.partnerCenterCode, null)
    assert.equal(err.retryable, false)
    const json = JSON.parse(JSON.stringify(err))
    assert.equal(json.error, 'invalid_client')
    assert.deepEqual(json.errorCodes, err.errorCodes)
    assert.equal(json.traceId, err.traceId)
  })

  test('an expired refresh token: PC_REAUTHENTICATION_REQUIRED', async () => {
    const a = await app()
    const dead = await storedRefreshToken(a.clientId, { expiresInSeconds: 0 })
    const c = client(new RefreshTokenCredential({ tenantId: TENANT, ...a, refreshToken: dead, authorityHost: emu.url }))
    const err = await failure(c.customers.listPage({ size: 1 }), 'PC_REAUTHENTICATION_REQUIRED', [dead, a.clientSecret])
    assert.equal(err.kind, 'reauthentication_required')
    assert.equal(err.error, 'invalid_grant')
    assert.ok(err.errorCodes.includes(700082), inspect(err.errorCodes))
    assert.ok(err.traceId && err.correlationId)
  })

  test('an app-only token on an App+User operation: 403 that says App+User', async () => {
    const a = await app()
    const c = client(new ClientSecretCredential({ tenantId: TENANT, ...a, authorityHost: emu.url }))
    const { id } = await c.customers.create(newCustomer())
    const before = await tokenRequests()
    const err = await failure(c.profiles.getCompany(id), 'PC_FORBIDDEN', [a.clientSecret])
    assert.equal(err.status, 403)
    assert.equal(err.partnerCenterCode, '900150')
    assert.match(err.message, /App\+User/)
    assert.equal((await tokenRequests()) - before, 0, 'a 403 is not answered by a new token')
  })

  test('an App+User sign-in without MFA: PC_MFA_REQUIRED', async () => {
    const a = await app()
    const refreshToken = await storedRefreshToken(a.clientId, { mfa: false })
    const c = client(new RefreshTokenCredential({ tenantId: TENANT, ...a, refreshToken, authorityHost: emu.url }))
    const err = await failure(c.customers.listPage({ size: 1 }), 'PC_MFA_REQUIRED', [refreshToken])
    assert.equal(err.kind, 'mfa_required')
    assert.equal(err.status, 401)
    assert.equal(err.partnerCenterCode, '900421')
  })

  test('a token for the Azure AD Graph audience: 401 with code 900420', async () => {
    const a = await app()
    const graph = await fetchToken(a, 'https://graph.windows.net/.default')
    const c = new Client({ token: graph.access_token, baseUrl: emu.url, maxRetries: 0 })
    const err = await failure(c.customers.listPage({ size: 1 }), 'PC_UNAUTHORIZED', [graph.access_token])
    assert.equal(err.status, 401)
    assert.equal(err.partnerCenterCode, '900420')
  })

  test('bad credential options are PC_CONFIG and never repeat a secret', () => {
    const secret = `secret-${randomUUID()}`
    for (const make of [
      () => new ClientSecretCredential({ tenantId: TENANT, clientId: 'x' }),
      () => new ClientSecretCredential({ tenantId: TENANT, clientId: 'x', clientSecret: secret, nope: 1 }),
      () => new ClientSecretCredential({ tenantId: TENANT, clientId: 'x', clientSecret: 42 }),
      () => new ClientSecretCredential({ tenantId: TENANT, clientId: 'x', clientSecret: secret, authorityHost: 'not a url' }),
      () => new ClientSecretCredential(TENANT, 'x', secret),
      () => new RefreshTokenCredential({ tenantId: TENANT, clientId: 'x', refreshToken: secret, onRefresh: 'no' }),
      () => new RefreshTokenCredential({ tenantId: TENANT, clientId: 'x' }),
      () => new DeviceCodeCredential({ clientSecret: secret }),
      () => new CertificateCredential({ tenantId: TENANT, clientId: 'x', password: secret }),
      () => new Client({ baseUrl: emu.url, credential: {} }),
      () => new Client({ baseUrl: emu.url, credential: 'token' }),
      () => new Client({ baseUrl: emu.url, token: secret, credential: async () => secret }),
      () => new Client({ baseUrl: emu.url, token: 't', caCert: 'not a certificate' }),
    ]) {
      assert.throws(make, (err) => {
        assert.ok(err instanceof PartnerCenterError, inspect(err))
        assert.equal(err.code, 'PC_CONFIG', inspect(err))
        assertHides(err, [secret], 'the PC_CONFIG error')
        return true
      })
    }
  })
})

describe('credentials a user already holds', { timeout: 60_000 }, () => {
  test('a TokenCredential: asked for the app scope, cached, refreshed after refreshAfterTimestamp', async () => {
    const a = await app()
    const asked = []
    const credential = {
      async getToken(scopes, options) {
        asked.push({ scopes, options })
        const t = await fetchToken(a)
        return { token: t.access_token, expiresOnTimestamp: Date.now() + t.expires_in * 1000, refreshAfterTimestamp: Date.now() + 2000 }
      },
    }
    const c = client(credential)
    for (let i = 0; i < 3; i++) await c.customers.listPage({ size: 1 })
    assert.equal(asked.length, 1, 'cached')
    assert.deepEqual(asked[0].scopes, [APP_SCOPE])
    assert.equal(typeof asked[0].options, 'object')
    await sleep(2200)
    await c.customers.listPage({ size: 1 })
    assert.equal(asked.length, 2, 'refreshed once refreshAfterTimestamp passed (the token still had an hour)')
    await Promise.all(Array.from({ length: 50 }, () => c.customers.listPage({ size: 1 })))
    assert.equal(asked.length, 2)
  })

  test('a TokenCredential whose token Partner Center rejects (401): asked again, the call retried once', async () => {
    const a = await app()
    const graph = await fetchToken(a, 'https://graph.windows.net/.default')
    let calls = 0
    const credential = {
      async getToken() {
        calls += 1
        const token = calls === 1 ? graph.access_token : (await fetchToken(a)).access_token
        return { token, expiresOnTimestamp: Date.now() + 3_600_000 }
      },
    }
    assert.equal((await client(credential).customers.listPage({ size: 1 })).status, 200)
    assert.equal(calls, 2)
  })

  test('a TokenCredential that fails: PC_AUTHENTICATION / PC_REAUTHENTICATION_REQUIRED with its fields', async () => {
    const nothing = await failure(client({ getToken: async () => null }).customers.listPage(), 'PC_AUTHENTICATION')
    assert.equal(nothing.error, 'credential_unavailable')
    const thrown = await failure(
      client({
        getToken: async () => {
          throw new Error('no managed identity here')
        },
      }).customers.listPage(),
      'PC_AUTHENTICATION',
    )
    assert.equal(thrown.error, 'credential_error')
    assert.match(thrown.errorDescription, /no managed identity here/)
    // The shape of @azure/identity's AuthenticationError.
    const refused = Object.assign(new Error('AADSTS700082: The refresh token has expired'), {
      name: 'AuthenticationError',
      statusCode: 400,
      errorResponse: {
        error: 'invalid_grant',
        errorDescription: 'AADSTS700082: The refresh token has expired',
        errorCodes: [700082],
        traceId: 'trace-1',
        correlationId: 'corr-1',
      },
    })
    const err = await failure(
      client({
        getToken: async () => {
          throw refused
        },
      }).customers.listPage(),
      'PC_REAUTHENTICATION_REQUIRED',
    )
    assert.deepEqual([err.error, err.errorCodes, err.traceId, err.correlationId], ['invalid_grant', [700082], 'trace-1', 'corr-1'])
    // @azure/identity 4 passes MSAL's text of the refusal on as the message.
    const msal = Object.assign(
      new Error(
        "invalid_client: Error(s): 7000215 - Timestamp: 2026-01-01 00:00:00Z - Description: AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 9f8b82bb-5d9c-47f2-b1a2-e6e3b9f66743 - Correlation ID: cf65f5ab-d015-48d3-ae08-628f7bcddb83 - Trace ID: 9f8b82bb-5d9c-47f2-b1a2-e6e3b9f66743",
      ),
      { name: 'AuthenticationRequiredError' },
    )
    const parsed = await failure(
      client({
        getToken: async () => {
          throw msal
        },
      }).customers.listPage(),
      'PC_AUTHENTICATION',
    )
    assert.deepEqual(
      [parsed.error, parsed.errorCodes, parsed.traceId, parsed.correlationId],
      ['invalid_client', [7000215], '9f8b82bb-5d9c-47f2-b1a2-e6e3b9f66743', 'cf65f5ab-d015-48d3-ae08-628f7bcddb83'],
    )
    assert.match(parsed.errorDescription, /^AADSTS7000215: Invalid client secret provided\./)
    const expired = await failure(
      client({ getToken: async () => ({ token: 'x'.repeat(20), expiresOnTimestamp: 'soon' }) }).customers.listPage(),
      'PC_AUTHENTICATION',
    )
    assert.match(expired.errorDescription, /expiresOnTimestamp/)
  })

  test('a () => Promise<string>: asked before every attempt; its failure is PC_AUTHENTICATION', async () => {
    const a = await app()
    const token = (await fetchToken(a)).access_token
    let calls = 0
    const c = client(async () => {
      calls += 1
      return token
    })
    for (let i = 0; i < 3; i++) await c.customers.listPage({ size: 1 })
    assert.equal(calls, 3)
    assertHides(c, [token], 'the client')
    const err = await failure(
      client(async () => {
        throw new Error('vault unreachable')
      }).customers.listPage(),
      'PC_AUTHENTICATION',
    )
    assert.match(err.errorDescription, /vault unreachable/)
    await failure(client(async () => 42).customers.listPage(), 'PC_AUTHENTICATION')
  })
})

describe('over TLS', { timeout: 90_000 }, () => {
  let tls
  let caFile
  let ca

  before(async () => {
    caFile = join(dir, 'emulator-ca.pem')
    tls = await Emulator.start('--tls', '--tls-cert-out', caFile)
    ca = readFileSync(caFile, 'utf8')
  })
  after(() => tls?.stop())

  test('caCert: trusted only with the emulator CA, for the API and the token endpoint', async () => {
    assert.match(tls.url, /^https:\/\/127\.0\.0\.1:\d+$/)
    await failure(new Client({ token: 't0ken-value', baseUrl: tls.url, maxRetries: 0 }).customers.listPage(), 'PC_TRANSPORT')
    assert.equal((await new Client({ token: 't0ken-value', baseUrl: tls.url, caCert: ca }).customers.listPage()).status, 200)
    assert.equal((await new Client({ token: 't0ken-value', baseUrl: tls.url, caCert: Buffer.from(ca) }).customers.listPage()).status, 200)

    // Our credential's token requests go through the client's HTTP client: the same trust.
    const clientId = randomUUID()
    const clientSecret = `secret-${randomUUID()}`
    await new Promise((resolve, reject) => {
      const req = httpsRequest(
        `${tls.url}/_sandbox/auth/apps`,
        { method: 'POST', ca, headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume()
          res.on('end', () => (res.statusCode === 201 ? resolve() : reject(new Error(`register: ${res.statusCode}`))))
        },
      )
      req.on('error', reject)
      req.end(JSON.stringify({ clientId, clientSecret }))
    })
    const credential = new ClientSecretCredential({ tenantId: TENANT, clientId, clientSecret, authorityHost: tls.url })
    assert.equal((await new Client({ credential, baseUrl: tls.url, caCert: ca }).customers.listPage()).status, 200)
    const untrusted = new ClientSecretCredential({ tenantId: TENANT, clientId, clientSecret, authorityHost: tls.url })
    const err = await failure(new Client({ credential: untrusted, baseUrl: tls.url, maxRetries: 0 }).customers.listPage(), 'PC_TRANSPORT')
    assertHides(err, [clientSecret], 'the transport error')
  })

  test('the real @azure/identity ClientSecretCredential (and getBearerTokenProvider) signs a client in', () => {
    // NODE_EXTRA_CA_CERTS is read when a process starts, so the check runs in a child process that
    // trusts the emulator's CA; @azure/identity needs https for its authority and MSAL's instance
    // discovery off (disableInstanceDiscovery) to accept a local one. The emulator's admin calls
    // run there too (they need the same trust).
    const script = `
      const { ClientSecretCredential, getBearerTokenProvider } = require('@azure/identity')
      const { Client } = require('partner-center')
      const { readFileSync } = require('node:fs')
      const [url, caFile] = process.argv.slice(-2)
      const admin = (path, body) => fetch(url + path, { method: body ? 'POST' : 'GET', headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body) }).then((r) => r.json())
      ;(async () => {
        const app = { clientId: require('node:crypto').randomUUID(), clientSecret: 'identity-secret-' + Date.now() }
        await admin('/_sandbox/auth/apps', app)
        const credential = new ClientSecretCredential('contoso.onmicrosoft.com', app.clientId, app.clientSecret, {
          authorityHost: url,
          disableInstanceDiscovery: true,
        })
        const caCert = readFileSync(caFile, 'utf8')
        const client = new Client({ credential, baseUrl: url, caCert })
        const before = (await admin('/_sandbox/health')).tokenRequests
        const statuses = []
        for (let i = 0; i < 3; i++) statuses.push((await client.customers.listPage({ size: 1 })).status)
        const requests = (await admin('/_sandbox/health')).tokenRequests - before
        const provider = getBearerTokenProvider(credential, 'https://api.partnercenter.microsoft.com/.default')
        const viaProvider = (await new Client({ credential: provider, baseUrl: url, caCert }).customers.listPage({ size: 1 })).status
        const wrong = new ClientSecretCredential('contoso.onmicrosoft.com', app.clientId, 'not-the-secret', { authorityHost: url, disableInstanceDiscovery: true })
        let refused = null
        try { await new Client({ credential: wrong, baseUrl: url, caCert }).customers.listPage() } catch (err) { refused = { code: err.code, error: err.error, errorCodes: err.errorCodes } }
        console.log(JSON.stringify({ statuses, requests, viaProvider, refused }))
      })().catch((err) => { console.error(err); process.exit(1) })
    `
    // Run from the package directory: `partner-center` resolves to this package, @azure/identity
    // to its devDependency.
    const out = execFileSync(process.execPath, ['-e', script, tls.url, caFile], {
      cwd: PACKAGE,
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
      encoding: 'utf8',
      timeout: 60_000,
    })
    const result = JSON.parse(out.trim().split('\n').at(-1))
    assert.deepEqual(result.statuses, [200, 200, 200])
    assert.equal(result.requests, 1, 'the token is cached')
    assert.equal(result.viaProvider, 200)
    assert.equal(result.refused.code, 'PC_AUTHENTICATION')
    assert.equal(result.refused.error, 'invalid_client')
    assert.ok(result.refused.errorCodes.includes(7000215), out)
  })
})
