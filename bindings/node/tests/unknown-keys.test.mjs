// Object bodies with members the model does not have are never dropped silently. With validation
// on (the default) such a member, at any depth, is a PC_VALIDATION error at its wire path naming the
// closest known member, and nothing is sent. With `validate: false` the body goes as given. Answers
// stay lenient: members the models do not know are accepted.

import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { test } from 'node:test'

import { Client, PartnerCenterError } from 'partner-center'

import { RESELLER_ID, TOKEN, newCustomer, useEmulator } from './helpers.mjs'

const env = useEmulator({ client: { maxRetries: 0 } })

/** Creates `body` expecting PC_VALIDATION with nothing sent; its errors as { path: message }. */
async function refused(body, c = env.client) {
  const before = await env.emu.probe()
  let caught
  await assert.rejects(c.customers.create(body), (err) => {
    caught = err
    return err instanceof PartnerCenterError && err.code === 'PC_VALIDATION'
  })
  const after = await env.emu.probe()
  assert.equal(after.requests, before.requests, 'a request reached the service')
  assert.equal(after.customers, 0)
  return Object.fromEntries(caught.errors.map((e) => [e.path, e.message]))
}

function withAddress(extra) {
  const body = newCustomer()
  Object.assign(body.billingProfile.defaultAddress, extra)
  return body
}

const MISSPELT = [
  // [case, body, path, closest known member]
  ['top level', { ...newCustomer(), associatedPartnerIdd: RESELLER_ID }, 'associatedPartnerIdd', 'associatedPartnerId'],
  ['top level, all lower case', { ...newCustomer(), associatedpartnerid: RESELLER_ID }, 'associatedpartnerid', 'associatedPartnerId'],
  [
    'nested',
    (() => {
      const body = newCustomer()
      body.companyProfile.domainn = 'x.onmicrosoft.com'
      return body
    })(),
    'companyProfile.domainn',
    'domain',
  ],
  ['two levels down', withAddress({ postalCod: '98052' }), 'billingProfile.defaultAddress.postalCod', 'postalCode'],
  [
    'in a list item',
    {
      ...newCustomer(),
      links: { self: { uri: '/v1/x', headers: [{ key: 'a', value: 'b' }, { key: 'c', value: 'd', valeu: 'e' }] } },
    },
    'links.self.headers[1].valeu',
    'value',
  ],
]

for (const [name, body, path, closest] of MISSPELT) {
  test(`a misspelt member (${name}) is refused at its path, naming the closest member; nothing is sent`, async () => {
    const errors = await refused(body)
    assert.ok(path in errors, JSON.stringify(errors))
    assert.match(errors[path], /^unknown member/)
    assert.ok(errors[path].includes(`did you mean "${closest}"`), errors[path])
  })
}

test('several unknown members are all reported; one with no close name lists the members', async () => {
  const body = { ...newCustomer(), associatedPartnerIdd: RESELLER_ID, colour: 'blue' }
  body.companyProfile.domainn = 'x.onmicrosoft.com'
  const errors = await refused(body)
  for (const path of ['associatedPartnerIdd', 'colour', 'companyProfile.domainn']) assert.ok(path in errors, JSON.stringify(errors))
  assert.ok(!errors.colour.includes('did you mean'), errors.colour)
  assert.ok(errors.colour.includes('"associatedPartnerId"'), errors.colour)
})

test('known members in any other case are not unknown: PascalCase is accepted as the wire name', async () => {
  const created = await env.client.customers.create({ ...newCustomer(), AssociatedPartnerId: RESELLER_ID })
  assert.equal(created.associatedPartnerId, RESELLER_ID)
})

for (const key of ['AssociatedPartnerId', 'associatedpartnerid']) {
  test(`with validate: false the body goes as given (${key} reaches the service, which matches names in any case)`, async () => {
    const loose = new Client({ token: TOKEN, baseUrl: env.emu.url, validate: false, maxRetries: 0 })
    const before = await env.emu.probe()
    const created = await loose.customers.create({ ...newCustomer(), [key]: RESELLER_ID })
    assert.equal(created.associatedPartnerId, RESELLER_ID)
    assert.equal((await env.emu.probe()).requests, before.requests + 1)
  })
}

test('with validate: false an unknown member is sent (and ignored by the service)', async () => {
  const loose = new Client({ token: TOKEN, baseUrl: env.emu.url, validate: false, maxRetries: 0 })
  const created = await loose.customers.create({ ...newCustomer(), associatedPartnerIdd: RESELLER_ID })
  assert.equal(created.associatedPartnerId ?? null, null)
  assert.equal((await env.emu.health()).customers, 1)
})

test('an answer with members the models do not have is accepted, at every depth', async (t) => {
  const id = '0a1b2c3d-4e5f-4061-8293-a4b5c6d7e8f9'
  // A service a version ahead of the spec.
  const server = createServer((req, res) => {
    const answer = {
      id,
      companyProfile: { domain: 'newer.onmicrosoft.com', tenantRegion: 'EU', flags: { a: 1 } },
      billingProfile: {
        email: 'admin@newer.example',
        culture: 'en-US',
        language: 'en',
        companyName: 'Newer',
        defaultAddress: { country: 'US', city: 'Redmond', addressLine1: '1 Microsoft Way', geo: [47.6, -122.1] },
        links: { self: { uri: '/v1/x', method: 'GET', headers: [{ key: 'a', value: 'b', ttl: 3 }] } },
      },
      relationshipToPartner: 'reseller',
      sustainabilityScore: 42,
      attributes: { objectType: 'Customer', schemaVersion: 2 },
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(answer))
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  t.after(() => new Promise((r) => server.close(r)))
  const newer = new Client({ token: TOKEN, baseUrl: `http://127.0.0.1:${server.address().port}`, maxRetries: 0 })
  const customer = await newer.customers.get(id)
  assert.equal(customer.id, id)
  assert.equal(customer.companyProfile.domain, 'newer.onmicrosoft.com')
  assert.equal(customer.billingProfile.defaultAddress.country, 'US')
  assert.equal(customer.billingProfile.companyName, 'Newer')
})
