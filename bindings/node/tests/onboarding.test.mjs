// The onboarding operations other than agreements and users (onboarding-agreements.test.mjs,
// onboarding-users.test.mjs) through the Node client, against the emulator: relationships.list,
// licenses.list, qualifications (list, create, listValidationCodes), customers.listManagedServices;
// which of the 16 operations an App-only token may call; and examples/onboard.mjs run end to end.
// Contract: /work/notes/issue14-contract.md.

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { beforeEach, describe, test } from 'node:test'
import { promisify } from 'node:util'

import { Client } from 'partner-center'

import { Emulator, PACKAGE, RESELLER_ID, TOKEN, useEmulator } from './helpers.mjs'
import {
  ISO_UTC,
  MCA_TEMPLATE,
  UNKNOWN_CUSTOMER,
  appOnlyClient,
  appUserClient,
  attestation,
  badInput,
  createCustomer,
  decideQualification,
  failure,
  newUser,
  seedLicenses,
  setValidationCodes,
  sku,
  unknownCustomer,
} from './onboarding-support.mjs'

const env = useEmulator()
let client
let lax // client-side validation off: what the emulator itself answers

beforeEach(async () => {
  client = appUserClient(env.emu)
  lax = appUserClient(env.emu, { validate: false })
})

describe('relationships.list', () => {
  test('an indirect provider lists its resellers: the default one is First Up Consultants', async () => {
    const res = await client.relationships.listWithResponse('IsIndirectCloudSolutionProviderOf')
    assert.equal(res.status, 200)
    const { totalCount, items, attributes } = res.data
    assert.equal(totalCount, 1)
    assert.equal(attributes.objectType, 'Collection')
    assert.deepEqual(
      { ...items[0], attributes: { ...items[0].attributes } },
      {
        id: RESELLER_ID,
        name: 'First Up Consultants',
        relationshipType: 'is_indirect_cloud_solution_provider_of',
        state: 'Active',
        mpnId: '4847383',
        location: 'US',
        attributes: { objectType: 'PartnerRelationship' },
      },
    )
    // The reseller's id is what a customer created for it names.
    const customer = await createCustomer(client, { associatedPartnerId: items[0].id })
    assert.equal(customer.associatedPartnerId, RESELLER_ID)
    assert.equal(customer.relationshipToPartner, 'reseller')
  })

  test('filter by the start of the name, case-insensitively', async () => {
    const byName = (Value) => client.relationships.list('IsIndirectCloudSolutionProviderOf', {
      filter: { Field: 'Name', Value, Operator: 'starts_with' },
    })
    assert.deepEqual((await byName('first up')).items.map((r) => r.id), [RESELLER_ID])
    assert.deepEqual((await byName('FIRST')).items.map((r) => r.id), [RESELLER_ID])
    const none = await byName('Up Consultants')
    assert.equal(none.totalCount, 0)
    assert.deepEqual(none.items ?? [], [])
  })

  test('the emulated partner is no reseller: IsIndirectResellerOf is empty', async () => {
    const providers = await client.relationships.list('IsIndirectResellerOf')
    assert.equal(providers.totalCount, 0)
    assert.deepEqual(providers.items ?? [], [])
  })

  test('several configured resellers are listed, with generated names', async () => {
    const second = '5c8e9a71-2b3d-4e6f-8a9b-0c1d2e3f4a5b'
    const other = await Emulator.start('--resellers', `${RESELLER_ID},${second}`)
    try {
      const c = new Client({ token: TOKEN, baseUrl: other.url })
      const { totalCount, items } = await c.relationships.list('IsIndirectCloudSolutionProviderOf')
      assert.equal(totalCount, 2)
      assert.deepEqual(items.map((r) => r.id).sort(), [RESELLER_ID, second].sort())
      const generated = items.find((r) => r.id === second)
      assert.equal(typeof generated.name, 'string')
      assert.ok(generated.name && generated.mpnId)
      assert.equal(generated.location, 'US')
    } finally {
      await other.stop()
    }
  })

  test('a bad relationship type or filter: PC_VALIDATION before sending, 400 / 800002 from the server', async () => {
    const err = await failure(client.relationships.list('IsPartnerOf'), 'PC_VALIDATION')
    assert.deepEqual(err.errors.map((e) => e.path), ['relationship_type'])
    await badInput(lax.relationships.list('IsPartnerOf'))
    await badInput(lax.relationships.list('IsIndirectCloudSolutionProviderOf', {
      filter: { Field: 'MpnId', Value: '48', Operator: 'starts_with' },
    }))
    await badInput(lax.relationships.list('IsIndirectCloudSolutionProviderOf', {
      filter: { Field: 'Name', Value: 'First', Operator: 'equals' },
    }))
    await failure(client.relationships.list(undefined), 'PC_VALIDATION')
  })
})

describe('licenses.list', () => {
  test('none by default; seeded licences: Group1 without licenseGroupIds, the groups asked for with it', async () => {
    const customer = await createCustomer(client)
    const empty = await client.licenses.listWithResponse(customer.id)
    assert.equal(empty.status, 200)
    assert.equal(empty.data.totalCount, 0)
    assert.deepEqual(empty.data.items ?? [], [])

    await seedLicenses(env.emu, customer.id, [sku('group1', 'O365_BUSINESS_PREMIUM'), sku('group2', 'MINECRAFT_EDU')])
    const parts = (collection) => collection.items.map((s) => s.productSku.skuPartNumber)

    const byDefault = await client.licenses.list(customer.id)
    assert.deepEqual(parts(byDefault), ['O365_BUSINESS_PREMIUM'])
    assert.equal(byDefault.totalCount, 1)
    const [first] = byDefault.items
    assert.equal(first.productSku.licenseGroupId, 'group1')
    assert.equal(first.availableUnits, 20)
    assert.equal(first.totalUnits, 25)
    assert.equal(first.servicePlans[0].capabilityStatus, 'Enabled')
    assert.equal(first.attributes.objectType, 'SubscribedSku')

    assert.deepEqual(parts(await client.licenses.list(customer.id, { licenseGroupIds: ['Group2'] })), ['MINECRAFT_EDU'])
    assert.deepEqual(parts(await client.licenses.list(customer.id, { licenseGroupIds: ['Group1', 'Group2'] })).sort(),
      ['MINECRAFT_EDU', 'O365_BUSINESS_PREMIUM'])
    // The service matches groups case-insensitively; a validating client checks the spec's spelling.
    assert.deepEqual(parts(await lax.licenses.list(customer.id, { licenseGroupIds: ['group2'] })), ['MINECRAFT_EDU'])
    assert.deepEqual(parts(await client.licenses.list(customer.id, { licenseGroupIds: [] })), ['O365_BUSINESS_PREMIUM'])

    // Seeding replaces; another customer has its own.
    await seedLicenses(env.emu, customer.id, [sku('group2', 'MINECRAFT_EDU')])
    assert.deepEqual(parts(await client.licenses.list(customer.id)), [])
    const other = await createCustomer(client)
    assert.equal((await client.licenses.list(other.id, { licenseGroupIds: ['Group1', 'Group2'] })).totalCount, 0)
  })

  test('licenseGroupIds goes on the wire repeated (form, exploded)', async () => {
    const urls = []
    const server = createServer((req, res) => {
      urls.push(req.url)
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ totalCount: 0, items: [], attributes: { objectType: 'Collection' } }))
    })
    await new Promise((r) => server.listen(0, '127.0.0.1', r))
    try {
      const recording = new Client({ token: TOKEN, baseUrl: `http://127.0.0.1:${server.address().port}`, maxRetries: 0 })
      await recording.licenses.list(UNKNOWN_CUSTOMER, { licenseGroupIds: ['Group1', 'Group2'] })
      await recording.licenses.list(UNKNOWN_CUSTOMER)
      assert.deepEqual(urls, [
        `/v1/customers/${UNKNOWN_CUSTOMER}/subscribedskus?licenseGroupIds=Group1&licenseGroupIds=Group2`,
        `/v1/customers/${UNKNOWN_CUSTOMER}/subscribedskus`,
      ])
    } finally {
      await new Promise((r) => server.close(r))
    }
  })

  test('an unknown group: 400 / 800002; unknown customer: 404 / 60003', async () => {
    const customer = await createCustomer(client)
    await badInput(lax.licenses.list(customer.id, { licenseGroupIds: ['Group3'] }))
    await unknownCustomer(client.licenses.list(UNKNOWN_CUSTOMER))
  })

  test('an unknown group is caught before sending (LicenseGroupId is closed for requests)', async () => {
    const customer = await createCustomer(client)
    const err = await failure(client.licenses.list(customer.id, { licenseGroupIds: ['Group3'] }), 'PC_VALIDATION')
    assert.ok(err.errors.some((e) => e.path.startsWith('licenseGroupIds')), JSON.stringify(err.errors))
  })
})

describe('qualifications', () => {
  test('list is a bare array: empty, then the one asked for (InReview), decided by the emulator', async () => {
    const customer = await createCustomer(client)
    const empty = await client.qualifications.listWithResponse(customer.id)
    assert.equal(empty.status, 200)
    assert.ok(Array.isArray(empty.data))
    assert.deepEqual(empty.data, [])

    const res = await client.qualifications.createWithResponse(customer.id, {
      qualification: 'Education',
      educationSegment: 'HigherEducation',
      website: 'https://contoso.edu',
    })
    assert.equal(res.status, 201)
    assert.equal(res.data.qualification, 'Education')
    assert.equal(res.data.vettingStatus, 'InReview')
    assert.match(res.data.vettingCreateDate, ISO_UTC)

    const listed = await client.qualifications.list(customer.id)
    assert.ok(Array.isArray(listed))
    assert.equal(listed.length, 1)
    assert.equal(listed[0].qualification, 'Education')
    assert.equal(listed[0].vettingStatus, 'InReview')
    assert.equal(typeof listed[0].vettingCreateDate, 'string')

    // In review: no second request.
    const conflict = await failure(client.qualifications.create(customer.id, { qualification: 'StateOwnedEntity' }), 'PC_CONFLICT', {
      status: 409,
      partnerCenterCode: '3000',
    })
    assert.match(conflict.description, /already has a qualification/)

    // Denied: a new request is allowed, and replaces it.
    await decideQualification(env.emu, customer.id, 'Denied', 'Not an accredited institution')
    const denied = await client.qualifications.list(customer.id)
    assert.equal(denied.length, 1)
    assert.equal(denied[0].vettingStatus, 'Denied')
    assert.equal(denied[0].vettingReason, 'Not an accredited institution')
    const next = await client.qualifications.create(customer.id, { qualification: 'StateOwnedEntity' })
    assert.equal(next.qualification, 'StateOwnedEntity')
    assert.equal(next.vettingStatus, 'InReview')
    assert.deepEqual((await client.qualifications.list(customer.id)).map((q) => q.qualification), ['StateOwnedEntity'])

    // Approved: final.
    await decideQualification(env.emu, customer.id, 'Approved')
    assert.equal((await client.qualifications.list(customer.id))[0].vettingStatus, 'Approved')
    await failure(client.qualifications.create(customer.id, { qualification: 'Education', educationSegment: 'K12' }), 'PC_CONFLICT', {
      status: 409,
      partnerCenterCode: '3000',
    })
    // Other customers are untouched.
    assert.deepEqual(await client.qualifications.list((await createCustomer(client)).id), [])
  })

  test('the qualification name is matched case-insensitively and answered in PascalCase', async () => {
    const customer = await createCustomer(client)
    const created = await lax.qualifications.create(customer.id, { qualification: 'stateownedentity' })
    assert.equal(created.qualification, 'StateOwnedEntity')
  })

  test('400 / 800002: Education without a segment, a qualification that cannot be asked for', async () => {
    const customer = await createCustomer(client)
    const noSegment = await badInput(client.qualifications.create(customer.id, { qualification: 'Education' }))
    assert.match(noSegment.description, /educationSegment/i)
    for (const qualification of ['Nonprofit', 'None']) {
      await failure(client.qualifications.create(customer.id, { qualification }), 'PC_VALIDATION')
      await badInput(lax.qualifications.create(customer.id, { qualification }))
    }
    await badInput(lax.qualifications.create(customer.id, { qualification: 'Education', educationSegment: 'Kindergarten' }))
    assert.deepEqual(await client.qualifications.list(customer.id), [])
  })

  test('validation codes: none, then set by the emulator; a GCC qualification uses one up', async () => {
    const codes = await client.qualifications.listValidationCodesWithResponse()
    assert.equal(codes.status, 200)
    assert.deepEqual(codes.data, [])

    await setValidationCodes(env.emu, [
      { partnerId: '3b33e682-00c3-41ee-9dd2-a548adf56438', organizationName: 'Contoso County', validationId: '12345', maxCreates: 1, remainingCreates: 1, eTag: 'etag-1' },
      { partnerId: '3b33e682-00c3-41ee-9dd2-a548adf56438', organizationName: 'Fabrikam City', validationId: '67890', maxCreates: 5, remainingCreates: 2, eTag: 'etag-2' },
    ])
    const listed = await client.qualifications.listValidationCodes()
    assert.ok(Array.isArray(listed))
    assert.deepEqual(listed.map((c) => [c.validationId, c.organizationName, c.remainingCreates]), [
      ['12345', 'Contoso County', 1],
      ['67890', 'Fabrikam City', 2],
    ])

    const a = await createCustomer(client)
    await badInput(client.qualifications.create(a.id, { qualification: 'GovernmentCommunityCloud' }))
    await badInput(client.qualifications.create(a.id, { qualification: 'GovernmentCommunityCloud', validationCode: '99999' }))
    const gcc = await client.qualifications.create(a.id, { qualification: 'GovernmentCommunityCloud', validationCode: '12345' })
    assert.equal(gcc.qualification, 'GovernmentCommunityCloud')
    assert.equal(gcc.vettingStatus, 'InReview')
    const after = await client.qualifications.listValidationCodes()
    assert.deepEqual(after.map((c) => c.remainingCreates), [0, 2])

    // Used up.
    const b = await createCustomer(client)
    await badInput(client.qualifications.create(b.id, { qualification: 'GovernmentCommunityCloud', validationCode: '12345' }))
    // The legacy ?code= query parameter works too.
    const legacy = await client.qualifications.create(b.id, { qualification: 'GovernmentCommunityCloud' }, { code: '67890' })
    assert.equal(legacy.vettingStatus, 'InReview')
    assert.deepEqual((await client.qualifications.listValidationCodes()).map((c) => c.remainingCreates), [0, 1])
  })

  test('unknown customer: 404 / 60003', async () => {
    await unknownCustomer(client.qualifications.list(UNKNOWN_CUSTOMER))
    await unknownCustomer(client.qualifications.create(UNKNOWN_CUSTOMER, { qualification: 'StateOwnedEntity' }))
  })
})

describe('customers.listManagedServices', () => {
  test('Exchange, SharePoint and Skype for Business, with admin-centre links for the customer', async () => {
    const customer = await createCustomer(client)
    const domain = customer.companyProfile.domain
    const res = await client.customers.listManagedServicesWithResponse(customer.id)
    assert.equal(res.status, 200)
    const { totalCount, items } = res.data
    assert.equal(totalCount, 3)
    assert.deepEqual(items.map((s) => [s.id, s.name, s.groupName]), [
      ['Exchange', 'Exchange', 'Office'],
      ['SharePoint', 'SharePoint', 'Office'],
      ['MicrosoftCommunicationsOnline', 'SkypeforBusiness', 'Office'],
    ])
    for (const s of items) {
      assert.equal(s.attributes.objectType, 'ManagedService')
      const admin = new URL(s.links.adminService.uri)
      assert.equal(admin.origin + admin.pathname, 'https://portal.office.com/Partner/BeginClientSession.aspx')
      assert.equal(admin.searchParams.get('CTID'), customer.id)
      assert.equal(admin.searchParams.get('CSDEST'), s.id)
      assert.equal(admin.searchParams.get('InitialDomain'), domain)
      assert.equal(admin.searchParams.get('PrimaryDomain'), domain)
      assert.equal(s.links.adminService.method, 'GET')
      assert.equal(new URL(s.links.serviceHealth.uri).searchParams.get('CSDEST'), 'ServiceStatus')
      assert.equal(new URL(s.links.serviceTicket.uri).searchParams.get('CSDEST'), 'Support')
    }
  })

  test('unknown customer: 404 / 60003', async () => {
    await unknownCustomer(client.customers.listManagedServices(UNKNOWN_CUSTOMER))
  })
})

describe('tokens', () => {
  test('an App-only token gets 403 (PC_FORBIDDEN, 900150) on every App+User-only operation; qualifications and validation codes answer it', async () => {
    const customer = await createCustomer(client)
    const user = await client.users.create(customer.id, newUser(customer.companyProfile.domain))
    const { client: app, clientSecret } = await appOnlyClient(env.emu)
    const cid = customer.id
    const refused = {
      'relationships.list': () => app.relationships.list('IsIndirectCloudSolutionProviderOf'),
      'agreements.listMetadata': () => app.agreements.listMetadata({ agreementType: 'MicrosoftCustomerAgreement' }),
      'agreements.create': () => app.agreements.create(cid, attestation()),
      'agreements.list': () => app.agreements.list(cid, { agreementType: '*' }),
      'agreements.getDocument': () => app.agreements.getDocument(MCA_TEMPLATE),
      'agreements.getDirectSignedStatus': () => app.agreements.getDirectSignedStatus(cid),
      'users.create': () => app.users.create(cid, newUser(customer.companyProfile.domain)),
      'users.listPage': () => app.users.listPage(cid),
      'users.list': async () => {
        for await (const _ of app.users.list(cid)) assert.fail('listed')
      },
      'users.get': () => app.users.get(cid, user.id),
      'users.update': () => app.users.update(cid, user.id, { displayName: 'x' }),
      'users.delete': () => app.users.delete(cid, user.id),
      'licenses.list': () => app.licenses.list(cid),
      'qualifications.create': () => app.qualifications.create(cid, { qualification: 'StateOwnedEntity' }),
      'customers.listManagedServices': () => app.customers.listManagedServices(cid),
    }
    for (const [name, call] of Object.entries(refused)) {
      const err = await failure(call(), 'PC_FORBIDDEN', { status: 403, partnerCenterCode: '900150', secrets: [clientSecret] })
      assert.match(err.message, /App\+User/, name)
    }
    // Nothing happened: the user is still there, unchanged.
    assert.equal((await client.users.get(cid, user.id)).displayName, user.displayName)
    assert.equal((await client.agreements.list(cid, { agreementType: '*' })).totalCount, 0)

    assert.deepEqual(await app.qualifications.list(cid), [])
    assert.deepEqual(await app.qualifications.listValidationCodes(), [])
  })
})

describe('examples/onboard.mjs', () => {
  test('runs the journey against the emulator, one line per step, never the password', { timeout: 60_000 }, async () => {
    const password = 'Onb0ard!Example-Secret'
    const run = promisify(execFile)
    const { stdout, stderr } = await run(process.execPath, [join(PACKAGE, 'examples', 'onboard.mjs')], {
      cwd: PACKAGE,
      env: { ...process.env, PARTNER_CENTER_BASE_URL: env.emu.url, PARTNER_CENTER_TOKEN: 'example-token', ONBOARD_USER_PASSWORD: password },
      timeout: 50_000,
    })
    assert.ok(!stdout.includes(password) && !stderr.includes(password), 'the example printed the password')
    assert.ok(!stdout.includes('example-token') && !stderr.includes('example-token'), 'the example printed the token')
    assert.equal(stderr, '')
    const lines = stdout.trim().split('\n')
    const expected = [
      /^reseller: First Up Consultants \(484e548c-f5f3-4528-93a9-c16c6373cb59, MPN 4847383\)$/,
      /^customer: [0-9a-f-]{36} onboard[0-9a-f]+\.onmicrosoft\.com for reseller 484e548c-f5f3-4528-93a9-c16c6373cb59$/,
      /^MCA template: 117a77b0-9360-443b-8795-c6dedc750cf9 https:\/\/aka\.ms\/customeragreement$/,
      /^attested: MicrosoftCustomerAgreement on \d{4}-\d{2}-\d{2}T[0-9:.]+Z by [0-9a-f-]{36}$/,
      /^attestations on record: 1$/,
      /^signed directly by the customer: false$/,
      /^user: gena\.soto@onboard[0-9a-f]+\.onmicrosoft\.com [0-9a-f-]{36} active$/,
      /^users: 1$/,
    ]
    assert.equal(lines.length, expected.length, stdout)
    for (const [i, pattern] of expected.entries()) assert.match(lines[i], pattern)

    // What it created is really there.
    const customerId = lines[1].split(' ')[1]
    const [user] = (await client.users.listPage(customerId)).items
    assert.equal(user.userPrincipalName, lines[6].split(' ')[1])
    assert.equal((await client.agreements.list(customerId, { agreementType: 'MicrosoftCustomerAgreement' })).totalCount, 1)
  })
})
