// Every operation of the spec against the emulator, paging, responses, and secret hiding.

import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { describe, test } from 'node:test'
import { inspect } from 'node:util'

import * as esm from 'partner-center'
import { Client, PartnerCenterError } from 'partner-center'

import { RESELLER_ID, newCustomer, uniqueDomain, usAddress, useEmulator } from './helpers.mjs'

const require = createRequire(import.meta.url)
const cjs = require('partner-center')

const env = useEmulator({ client: { locale: 'en-US' } })

/** True when console.log / util.inspect / JSON.stringify / String of `value` mention `secret`. */
function leaks(value, secret, { showHidden = false } = {}) {
  const shown = [
    inspect(value, { depth: Infinity }),
    inspect(value, { depth: Infinity, showHidden }),
    JSON.stringify(value) ?? '',
    String(value),
  ]
  return shown.some((text) => text.includes(secret))
}

describe('entry points', () => {
  test('CommonJS and ESM give the same classes', () => {
    assert.equal(cjs.Client, esm.Client)
    assert.equal(cjs.PartnerCenterError, PartnerCenterError)
    assert.equal(esm.default.Client, Client)
    assert.ok(PartnerCenterError.prototype instanceof Error)
  })

  test('the native addon knows every operation the generated client calls', () => {
    const { OPERATIONS } = require('../native.js')
    assert.deepEqual([...OPERATIONS].sort(), [
      'checkDomainExists',
      'createAgreement',
      'createCustomer',
      'createQualification',
      'createUser',
      'deleteCustomer',
      'deleteUser',
      'getAgreementDocument',
      'getBillingProfile',
      'getCompanyProfile',
      'getCountryValidationRules',
      'getCustomer',
      'getDirectSignedStatus',
      'getRelationshipRequest',
      'getUser',
      'listAgreementMetadata',
      'listAgreements',
      'listCustomerRelationships',
      'listCustomers',
      'listLicenses',
      'listManagedServices',
      'listQualifications',
      'listRelationships',
      'listUsers',
      'listValidationCodes',
      'removeResellerRelationship',
      'updateBillingProfile',
      'updateUser',
      'validateAddress',
    ])
  })

  test('a client shows no token and has a correlation id', () => {
    const c = new Client({ token: 'tok-abcdef-123456', baseUrl: env.emu.url, correlationId: '0f8fad5b-d9cb-469f-a165-70867728950e' })
    assert.equal(c.correlationId, '0f8fad5b-d9cb-469f-a165-70867728950e')
    assert.ok(!leaks(c, 'tok-abcdef-123456', { showHidden: true }))
    assert.match(new Client({ token: 't', baseUrl: env.emu.url }).correlationId, /^[0-9a-f-]{36}$/)
  })
})

describe('customers', () => {
  test('create returns the customer with the admin password, hidden from logging', async () => {
    const domain = uniqueDomain()
    const c = await env.client.customers.create(newCustomer({ domain }), { requestId: undefined, timeout: 5000 })
    assert.match(c.id, /^[0-9a-f-]{36}$/)
    assert.equal(c.companyProfile.domain, domain)
    assert.equal(c.userCredentials.userName, 'admin')
    const password = c.userCredentials.password
    assert.equal(typeof password, 'string')
    assert.ok(password.length >= 8)
    assert.ok(!leaks(c, password), 'the password shows in inspect/JSON')
    assert.ok(!Object.keys(c.userCredentials).includes('password'))
    assert.equal({ ...c.userCredentials }.password, undefined)
    assert.ok(Object.hasOwn(c.userCredentials, 'password'))
    // Still writable by the caller.
    c.userCredentials.password = 'changed'
    assert.equal(c.userCredentials.password, 'changed')
  })

  test('createWithResponse: status, lower-case headers, request id; a replay returns the first result', async () => {
    const body = newCustomer()
    const requestId = '6d4e7a4c-1c1f-4a8b-9e3e-0a4f0b3c9d11'
    const first = await env.client.customers.createWithResponse(body, { requestId })
    assert.equal(first.status, 201)
    assert.equal(first.requestId, requestId)
    assert.equal(first.headers['ms-requestid'], requestId)
    assert.match(first.headers['content-type'], /application\/json/)
    for (const name of Object.keys(first.headers)) assert.equal(name, name.toLowerCase())
    assert.ok(!leaks(first, first.data.userCredentials.password))
    const again = await env.client.customers.createWithResponse(body, { requestId })
    assert.equal(again.data.id, first.data.id)
    assert.equal(again.data.userCredentials.password, first.data.userCredentials.password)
    assert.equal((await env.emu.health()).customers, 1)
  })

  test('get, getWithResponse and delete', async () => {
    const created = await env.client.customers.create(newCustomer({ companyName: 'Fabrikam' }))
    const got = await env.client.customers.get(created.id)
    assert.equal(got.id, created.id)
    assert.equal(got.billingProfile.companyName, 'Fabrikam')
    assert.equal(got.userCredentials, undefined)
    const res = await env.client.customers.getWithResponse(created.id, { headers: { 'X-Extra': 'yes' } })
    assert.equal(res.status, 200)
    assert.equal(res.data.id, created.id)
    assert.equal(await env.client.customers.delete(created.id), null)
    const del = await env.client.customers.deleteWithResponse(
      (await env.client.customers.create(newCustomer())).id,
    )
    assert.equal(del.status, 204)
    await assert.rejects(env.client.customers.get(created.id), { code: 'PC_NOT_FOUND', status: 404 })
  })

  test('list follows every page; listPage gives one page and its continuation', async () => {
    const names = ['Contoso A', 'Contoso B', 'Fabrikam', 'Contoso C', 'Contoso D', 'Contoso E']
    const ids = []
    for (const companyName of names) ids.push((await env.client.customers.create(newCustomer({ companyName }))).id)
    const filter = { Field: 'CompanyName', Value: 'Con', Operator: 'starts_with' }

    const all = []
    for await (const x of env.client.customers.list({ size: 2, filter })) all.push(x.id)
    assert.deepEqual(all, ids.filter((_, i) => names[i].startsWith('Con')))

    const everything = []
    for await (const x of env.client.customers.list({ size: 4 })) everything.push(x.id)
    assert.deepEqual(everything, ids)

    const sizes = []
    const seen = []
    let token = null
    do {
      const page = await env.client.customers.listPage({ size: 2, continuationToken: token, filter })
      assert.equal(page.status, 200)
      assert.equal(typeof page.requestId, 'string')
      assert.equal(page.totalCount, page.items.length)
      assert.ok(page.headers['ms-requestid'])
      sizes.push(page.items.length)
      seen.push(...page.items.map((x) => x.id))
      token = page.continuationToken
      assert.ok(token === null || typeof token === 'string')
    } while (token !== null)
    assert.deepEqual(sizes, [2, 2, 1])
    assert.deepEqual(seen, all)

    const one = await env.client.customers.listPage()
    assert.equal(one.items.length, names.length)
    assert.equal(one.continuationToken, null)
  })

  test('an iteration can be repeated and stopped early', async () => {
    for (let i = 0; i < 3; i++) await env.client.customers.create(newCustomer())
    const iterable = env.client.customers.list({ size: 1 })
    let n = 0
    for await (const _ of iterable) {
      if (++n === 2) break
    }
    assert.equal(n, 2)
    let total = 0
    for await (const _ of iterable) total++
    assert.equal(total, 3)
  })

  test('relationships: request link, reseller relationship and its removal', async () => {
    const request = await env.client.customers.getRelationshipRequest()
    assert.match(request.url, /^https:\/\//)

    const direct = await env.client.customers.create(newCustomer())
    assert.deepEqual((await env.client.customers.listRelationships(direct.id)).items ?? [], [])

    const indirect = await env.client.customers.create(newCustomer({ associatedPartnerId: RESELLER_ID }))
    assert.equal(indirect.relationshipToPartner, 'reseller')
    const rels = await env.client.customers.listRelationships(indirect.id)
    assert.equal(rels.items.length, 1)
    assert.equal(rels.items[0].relationshipType, 'is_indirect_reseller_of')

    const removed = await env.client.customers.removeResellerRelationship(indirect.id, { relationshipToPartner: 'none' })
    assert.equal(removed.id, indirect.id)
    assert.equal(removed.relationshipToPartner, 'none')
    assert.deepEqual((await env.client.customers.listRelationships(indirect.id)).items ?? [], [])
  })
})

describe('profiles, domains, validations, country rules', () => {
  test('company and billing profiles; billing update with the etag', async () => {
    const c = await env.client.customers.create(newCustomer())
    const company = await env.client.profiles.getCompany(c.id)
    assert.equal(company.domain, c.companyProfile.domain)
    const billing = await env.client.profiles.getBilling(c.id)
    assert.equal(billing.email, 'admin@contoso.example')
    const etag = billing.attributes.etag
    assert.ok(etag)
    billing.firstName = 'Ada'
    const updated = await env.client.profiles.updateBilling(c.id, billing, { ifMatch: undefined })
    assert.equal(updated.firstName, 'Ada')
    assert.notEqual(updated.attributes.etag, etag)
    const res = await env.client.profiles.updateBillingWithResponse(c.id, { ...updated, lastName: 'Lovelace' }, {
      ifMatch: updated.attributes.etag,
    })
    assert.equal(res.status, 200)
    assert.equal(res.data.lastName, 'Lovelace')
    assert.ok(res.headers.etag)
  })

  test('domains.exists is a boolean', async () => {
    const domain = uniqueDomain()
    assert.equal(await env.client.domains.exists(domain), false)
    await env.client.customers.create(newCustomer({ domain }))
    assert.equal(await env.client.domains.exists(domain), true)
    assert.equal(await env.client.domains.exists(domain.toUpperCase()), true)
    const res = await env.client.domains.existsWithResponse(domain)
    assert.equal(res.status, 200)
    assert.equal(res.data, true)
  })

  test('address validation and country rules', async () => {
    const result = await env.client.validations.validateAddress(usAddress())
    assert.equal(typeof result.status, 'string')
    const unknown = await env.client.validations.validateAddress({ addressLine1: 'Somewhere 1', country: 'NP' })
    assert.equal(typeof unknown.status, 'string')
    const rules = await env.client.countryValidationRules.get('US')
    assert.equal(rules.iso2Code, 'US')
    assert.ok(Array.isArray(rules.supportedCulturesList))
  })
})
