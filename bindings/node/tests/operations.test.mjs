// Every operation of the spec against the emulator, paging, responses, and secret hiding.

import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { after, before, beforeEach, describe, test } from 'node:test'
import { inspect } from 'node:util'

import * as esm from 'partner-center'
import { Client, PartnerCenterError } from 'partner-center'

import { Emulator, RESELLER_ID, TOKEN, newCustomer, uniqueDomain, usAddress } from './helpers.mjs'

const require = createRequire(import.meta.url)
const cjs = require('partner-center')

let emu
let client

before(async () => {
  emu = await Emulator.start('--quota', '100000')
})
after(() => emu.stop())
beforeEach(async () => {
  await emu.reset()
  client = new Client({ token: TOKEN, baseUrl: emu.url, locale: 'en-US' })
})

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
    const c = new Client({ token: 'tok-abcdef-123456', baseUrl: emu.url, correlationId: '0f8fad5b-d9cb-469f-a165-70867728950e' })
    assert.equal(c.correlationId, '0f8fad5b-d9cb-469f-a165-70867728950e')
    assert.ok(!leaks(c, 'tok-abcdef-123456', { showHidden: true }))
    assert.match(new Client({ token: 't', baseUrl: emu.url }).correlationId, /^[0-9a-f-]{36}$/)
  })
})

describe('customers', () => {
  test('create returns the customer with the admin password, hidden from logging', async () => {
    const domain = uniqueDomain()
    const c = await client.customers.create(newCustomer({ domain }), { requestId: undefined, timeout: 5000 })
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
    const first = await client.customers.createWithResponse(body, { requestId })
    assert.equal(first.status, 201)
    assert.equal(first.requestId, requestId)
    assert.equal(first.headers['ms-requestid'], requestId)
    assert.match(first.headers['content-type'], /application\/json/)
    for (const name of Object.keys(first.headers)) assert.equal(name, name.toLowerCase())
    assert.ok(!leaks(first, first.data.userCredentials.password))
    const again = await client.customers.createWithResponse(body, { requestId })
    assert.equal(again.data.id, first.data.id)
    assert.equal(again.data.userCredentials.password, first.data.userCredentials.password)
    assert.equal((await emu.health()).customers, 1)
  })

  test('get, getWithResponse and delete', async () => {
    const created = await client.customers.create(newCustomer({ companyName: 'Fabrikam' }))
    const got = await client.customers.get(created.id)
    assert.equal(got.id, created.id)
    assert.equal(got.billingProfile.companyName, 'Fabrikam')
    assert.equal(got.userCredentials, undefined)
    const res = await client.customers.getWithResponse(created.id, { headers: { 'X-Extra': 'yes' } })
    assert.equal(res.status, 200)
    assert.equal(res.data.id, created.id)
    assert.equal(await client.customers.delete(created.id), null)
    const del = await client.customers.deleteWithResponse(
      (await client.customers.create(newCustomer())).id,
    )
    assert.equal(del.status, 204)
    await assert.rejects(client.customers.get(created.id), { code: 'PC_NOT_FOUND', status: 404 })
  })

  test('list follows every page; listPage gives one page and its continuation', async () => {
    const names = ['Contoso A', 'Contoso B', 'Fabrikam', 'Contoso C', 'Contoso D', 'Contoso E']
    const ids = []
    for (const companyName of names) ids.push((await client.customers.create(newCustomer({ companyName }))).id)
    const filter = { Field: 'CompanyName', Value: 'Con', Operator: 'starts_with' }

    const all = []
    for await (const x of client.customers.list({ size: 2, filter })) all.push(x.id)
    assert.deepEqual(all, ids.filter((_, i) => names[i].startsWith('Con')))

    const everything = []
    for await (const x of client.customers.list({ size: 4 })) everything.push(x.id)
    assert.deepEqual(everything, ids)

    const sizes = []
    const seen = []
    let token = null
    do {
      const page = await client.customers.listPage({ size: 2, continuationToken: token, filter })
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

    const one = await client.customers.listPage()
    assert.equal(one.items.length, names.length)
    assert.equal(one.continuationToken, null)
  })

  test('an iteration can be repeated and stopped early', async () => {
    for (let i = 0; i < 3; i++) await client.customers.create(newCustomer())
    const iterable = client.customers.list({ size: 1 })
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
    const request = await client.customers.getRelationshipRequest()
    assert.match(request.url, /^https:\/\//)

    const direct = await client.customers.create(newCustomer())
    assert.deepEqual((await client.customers.listRelationships(direct.id)).items ?? [], [])

    const indirect = await client.customers.create(newCustomer({ associatedPartnerId: RESELLER_ID }))
    assert.equal(indirect.relationshipToPartner, 'reseller')
    const rels = await client.customers.listRelationships(indirect.id)
    assert.equal(rels.items.length, 1)
    assert.equal(rels.items[0].relationshipType, 'is_indirect_reseller_of')

    const removed = await client.customers.removeResellerRelationship(indirect.id, { relationshipToPartner: 'none' })
    assert.equal(removed.id, indirect.id)
    assert.equal(removed.relationshipToPartner, 'none')
    assert.deepEqual((await client.customers.listRelationships(indirect.id)).items ?? [], [])
  })
})

describe('profiles, domains, validations, country rules', () => {
  test('company and billing profiles; billing update with the etag', async () => {
    const c = await client.customers.create(newCustomer())
    const company = await client.profiles.getCompany(c.id)
    assert.equal(company.domain, c.companyProfile.domain)
    const billing = await client.profiles.getBilling(c.id)
    assert.equal(billing.email, 'admin@contoso.example')
    const etag = billing.attributes.etag
    assert.ok(etag)
    billing.firstName = 'Ada'
    const updated = await client.profiles.updateBilling(c.id, billing, { ifMatch: undefined })
    assert.equal(updated.firstName, 'Ada')
    assert.notEqual(updated.attributes.etag, etag)
    const res = await client.profiles.updateBillingWithResponse(c.id, { ...updated, lastName: 'Lovelace' }, {
      ifMatch: updated.attributes.etag,
    })
    assert.equal(res.status, 200)
    assert.equal(res.data.lastName, 'Lovelace')
    assert.ok(res.headers.etag)
  })

  test('domains.exists is a boolean', async () => {
    const domain = uniqueDomain()
    assert.equal(await client.domains.exists(domain), false)
    await client.customers.create(newCustomer({ domain }))
    assert.equal(await client.domains.exists(domain), true)
    assert.equal(await client.domains.exists(domain.toUpperCase()), true)
    const res = await client.domains.existsWithResponse(domain)
    assert.equal(res.status, 200)
    assert.equal(res.data, true)
  })

  test('address validation and country rules', async () => {
    const result = await client.validations.validateAddress(usAddress())
    assert.equal(typeof result.status, 'string')
    const unknown = await client.validations.validateAddress({ addressLine1: 'Somewhere 1', country: 'NP' })
    assert.equal(typeof unknown.status, 'string')
    const rules = await client.countryValidationRules.get('US')
    assert.equal(rules.iso2Code, 'US')
    assert.ok(Array.isArray(rules.supportedCulturesList))
  })
})
