// Shared by the onboarding tests (onboarding*.test.mjs): the emulator's onboarding admin calls
// (tests/sandbox/README.md), clients with each kind of token, users and attestations to create, and
// the checks every failed call gets (a PartnerCenterError of the right code, no secret in it).

import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { Console } from 'node:console'
import { Writable } from 'node:stream'
import { inspect } from 'node:util'

import { Client, ClientSecretCredential, PartnerCenterError } from 'partner-center'

import { TOKEN, newCustomer, uniqueDomain } from './helpers.mjs'

export const MCA_TEMPLATE = '117a77b0-9360-443b-8795-c6dedc750cf9'
export const MCLOUDA_TEMPLATE = '998b88de-aa99-4388-a42c-1b3517d49490'
/** The `userId` of an attestation made with a token the emulator did not issue (the contract's fixed GUID). */
export const LENIENT_USER_ID = '3d6f2c09-eb40-48ca-a4b3-d24c9c007531'
/** A customer id the emulator never issued. */
export const UNKNOWN_CUSTOMER = '9f3c5b2e-1d4a-4c6b-8e7f-0a1b2c3d4e5f'
export const UNKNOWN_USER = '0c2d6f3a-8b1e-4f5a-9c7d-3e2b1a0f9d8c'
/** An ISO-8601 date-time as the service writes it (UTC with `Z`, optional fraction). */
export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/
export const DELETED = { Field: 'UserState', Value: 'Inactive', Operator: 'equals' }
const TENANT = 'onboarding.onmicrosoft.com'

/** A client with the fixed token the emulator accepts as App+User (lenient mode). */
export function appUserClient(emu, options = {}) {
  return new Client({ token: TOKEN, baseUrl: emu.url, locale: 'en-US', maxRetries: 0, ...options })
}

/** A client that signs in App-only (client credentials) at the emulator's token endpoint. */
export async function appOnlyClient(emu) {
  const clientId = randomUUID()
  const clientSecret = `secret-${randomUUID()}`
  await emu.admin('POST', '/_sandbox/auth/apps', { clientId, clientSecret })
  const credential = new ClientSecretCredential({ tenantId: TENANT, clientId, clientSecret, authorityHost: emu.url })
  return { client: new Client({ credential, baseUrl: emu.url, maxRetries: 0 }), clientSecret }
}

/**
 * An App+User access token issued by the emulator for `userPrincipalName` (a stored refresh token
 * redeemed at the token endpoint), and the `oid` claim the emulator put in it.
 */
export async function appUserToken(emu, userPrincipalName = 'admin@partner.example') {
  const clientId = randomUUID()
  const clientSecret = `secret-${randomUUID()}`
  await emu.admin('POST', '/_sandbox/auth/apps', { clientId, clientSecret })
  const { refreshToken } = await emu.admin('POST', '/_sandbox/auth/refresh-tokens', {
    clientId,
    userPrincipalName,
    mfa: true,
  })
  const res = await fetch(`${emu.url}/${TENANT}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: clientId,
      client_secret: clientSecret,
      refresh_token: refreshToken,
      scope: 'https://api.partnercenter.microsoft.com/user_impersonation',
    }),
  })
  const body = await res.json()
  assert.equal(res.status, 200, JSON.stringify(body))
  const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString('utf8'))
  return { token: body.access_token, oid: claims.oid }
}

// ---- the emulator's onboarding admin calls (tests/sandbox/README.md, "Admin API") ----------------

/** Marks the customer as having signed the MCA directly (or not). */
export function setDirectSigned(emu, customerId, isSigned) {
  return emu.admin('POST', `/_sandbox/customers/${customerId}/direct-signed`, { isSigned })
}

/** Replaces the customer's licences (SubscribedSku list). */
export function seedLicenses(emu, customerId, skus) {
  return emu.admin('POST', `/_sandbox/customers/${customerId}/licenses`, { items: skus })
}

/** Decides the customer's qualification: `Approved`, or `Denied` with a reason. */
export function decideQualification(emu, customerId, vettingStatus, vettingReason) {
  const body = vettingReason === undefined ? { vettingStatus } : { vettingStatus, vettingReason }
  return emu.admin('POST', `/_sandbox/customers/${customerId}/qualification`, body)
}

/** Replaces the partner's validation codes. */
export function setValidationCodes(emu, codes) {
  return emu.admin('POST', '/_sandbox/validation-codes', { items: codes })
}

/** Moves the emulator's clock `days` forward. */
export function advanceClock(emu, days) {
  return emu.admin('POST', '/_sandbox/clock', { advanceDays: days })
}

// ---- models ----------------------------------------------------------------------------------------

/** A new customer; resolves to it (with its domain). */
export async function createCustomer(client, extra = {}) {
  const domain = uniqueDomain('onboard')
  return client.customers.create(newCustomer({ domain, ...extra }))
}

let userNumber = 0

/** A new user for `domain` with a fresh password meeting the complexity rule. */
export function newUser(domain, extra = {}) {
  userNumber += 1
  return {
    userPrincipalName: `user${userNumber}.${randomUUID().slice(0, 8)}@${domain}`,
    firstName: 'Ada',
    lastName: 'Lovelace',
    displayName: `User ${userNumber}`,
    usageLocation: 'US',
    passwordProfile: { password: strongPassword(), forceChangePassword: true },
    ...extra,
  }
}

/** A password with lower, upper, digits and a symbol, unique per call. */
export function strongPassword() {
  return `Pw!${randomUUID().replaceAll('-', '').slice(0, 12)}Z9`
}

/** An MCA attestation with its contact. */
export function attestation(overrides = {}) {
  return {
    primaryContact: { firstName: 'Tania', lastName: 'Carr', email: 'tania@contoso.example', phoneNumber: '4255550101' },
    templateId: MCA_TEMPLATE,
    dateAgreed: '2024-03-01T00:00:00Z',
    type: 'MicrosoftCustomerAgreement',
    ...overrides,
  }
}

export function sku(groupId, partNumber, overrides = {}) {
  return {
    availableUnits: 20,
    activeUnits: 25,
    consumedUnits: 5,
    suspendedUnits: 0,
    totalUnits: 25,
    warningUnits: 0,
    productSku: {
      id: randomUUID(),
      name: partNumber,
      skuPartNumber: partNumber,
      targetType: 'User',
      licenseGroupId: groupId,
    },
    servicePlans: [
      { id: randomUUID(), displayName: `${partNumber} plan`, serviceName: `${partNumber}_PLAN`, capabilityStatus: 'Enabled', targetType: 'User' },
    ],
    capabilityStatus: 'Enabled',
    ...overrides,
  }
}

// ---- checks ----------------------------------------------------------------------------------------

/**
 * Everything a value shows when logged or serialised: console.log, console.dir, util.inspect, JSON,
 * String. (Not `%o` or `inspect(…, { showHidden: true })`: they show non-enumerable properties, the
 * way secrets are hidden, as for the customer's admin password.)
 */
export function shown(value) {
  let logged = ''
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logged += chunk
      done()
    },
  })
  const console = new Console({ stdout: sink, stderr: sink })
  console.log(value)
  console.error('%O', value)
  console.dir(value, { depth: Infinity })
  return [logged, inspect(value, { depth: Infinity }), JSON.stringify(value) ?? '', String(value)].join('\n')
}

export function assertHidden(value, secret, what = 'the value') {
  assert.ok(!shown(value).includes(secret), `${what} shows the password`)
}

/**
 * Awaits `promise`, which must reject with a PartnerCenterError of `code` (and `status` /
 * `partnerCenterCode` when given) showing none of `secrets`; returns the error.
 */
export async function failure(promise, code, { status, partnerCenterCode, secrets = [] } = {}) {
  let err
  try {
    await promise
  } catch (caught) {
    err = caught
  }
  if (err === undefined) assert.fail(`resolved; expected ${code}`)
  assert.ok(err instanceof PartnerCenterError, `not a PartnerCenterError: ${inspect(err)}`)
  assert.equal(err.code, code, inspect(err))
  if (status !== undefined) assert.equal(err.status, status, inspect(err))
  if (partnerCenterCode !== undefined) assert.equal(err.partnerCenterCode, partnerCenterCode, inspect(err))
  const texts = [
    shown(err),
    inspect(err, { showHidden: true, depth: Infinity }),
    err.stack ?? '',
    err.message,
    err.description ?? '',
    err.body ?? '',
    JSON.stringify(err.errors),
  ]
  for (const secret of [TOKEN, ...secrets]) {
    assert.ok(!texts.some((t) => t.includes(secret)), `the error shows a secret: ${inspect(err)}`)
  }
  return err
}

/** 400 / 800002: the emulator's invalid-input answer. */
export function badInput(promise, options = {}) {
  return failure(promise, 'PC_BAD_REQUEST', { status: 400, partnerCenterCode: '800002', ...options })
}

/** 404 / 60003: unknown customer. */
export function unknownCustomer(promise) {
  return failure(promise, 'PC_NOT_FOUND', { status: 404, partnerCenterCode: '60003' })
}

/** 404 / 60002: unknown, deleted or purged user. */
export function unknownUser(promise) {
  return failure(promise, 'PC_NOT_FOUND', { status: 404, partnerCenterCode: '60002' })
}

/** Every item of a paged list. */
export async function collect(iterable) {
  const out = []
  for await (const item of iterable) out.push(item)
  return out
}
