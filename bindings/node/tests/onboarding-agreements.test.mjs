// The Microsoft Customer Agreement step of onboarding through the Node client, against the emulator:
// templates (agreements.listMetadata), attestations (create, list), the document links (getDocument)
// and the customer's own signature (getDirectSignedStatus). Contract: /work/notes/issue14-contract.md §2-6.

import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { beforeEach, describe, test } from 'node:test'

import { Client } from 'partner-center'

import { TOKEN, useEmulator } from './helpers.mjs'
import {
  ISO_UTC,
  LENIENT_USER_ID,
  MCA_TEMPLATE,
  MCLOUDA_TEMPLATE,
  UNKNOWN_CUSTOMER,
  appUserClient,
  appUserToken,
  attestation,
  badInput,
  createCustomer,
  failure,
  setDirectSigned,
  unknownCustomer,
} from './onboarding-support.mjs'

const env = useEmulator()
let client
let lax // client-side validation off: what the emulator itself answers

beforeEach(async () => {
  client = appUserClient(env.emu)
  lax = appUserClient(env.emu, { validate: false })
})

describe('agreements.listMetadata', () => {
  test('without agreementType: the Microsoft Cloud Agreement only (the documented trap)', async () => {
    const all = await client.agreements.listMetadata()
    assert.equal(all.totalCount, 1)
    assert.equal(all.items.length, 1)
    assert.equal(all.items[0].templateId, MCLOUDA_TEMPLATE)
    assert.equal(all.items[0].agreementType, 'MicrosoftCloudAgreement')
    assert.equal(all.items[0].agreementLink, 'https://docs.microsoft.com/partner-center/agreements')
    assert.deepEqual(await client.agreements.listMetadata({ agreementType: null }), all)
  })

  test('MicrosoftCustomerAgreement gives the MCA template; * both; case-insensitive; unknown type nothing', async () => {
    const mca = await client.agreements.listMetadata({ agreementType: 'MicrosoftCustomerAgreement' })
    assert.equal(mca.totalCount, 1)
    assert.deepEqual(
      { ...mca.items[0] },
      {
        templateId: MCA_TEMPLATE,
        agreementType: 'MicrosoftCustomerAgreement',
        agreementLink: 'https://aka.ms/customeragreement',
        versionRank: 0,
      },
    )
    const lower = await client.agreements.listMetadata({ agreementType: 'microsoftcustomeragreement' })
    assert.deepEqual(lower.items.map((t) => t.templateId), [MCA_TEMPLATE])

    const every = await client.agreements.listMetadata({ agreementType: '*' })
    assert.equal(every.totalCount, 2)
    assert.deepEqual(every.items.map((t) => t.templateId).sort(), [MCA_TEMPLATE, MCLOUDA_TEMPLATE].sort())

    const none = await client.agreements.listMetadataWithResponse({ agreementType: 'SomeFutureAgreement' })
    assert.equal(none.status, 200)
    assert.equal(none.data.totalCount, 0)
    assert.deepEqual(none.data.items ?? [], [])
  })
})

describe('agreements.create and list', () => {
  test('attest the MCA: 201 echo with the signed-in user, UTC date, no agreementLink; listed only when asked for MCA', async () => {
    const customer = await createCustomer(client)
    const res = await client.agreements.createWithResponse(customer.id, attestation())
    assert.equal(res.status, 201)
    const a = res.data
    assert.equal(a.userId, LENIENT_USER_ID)
    assert.equal(a.templateId, MCA_TEMPLATE)
    assert.equal(a.type, 'MicrosoftCustomerAgreement')
    assert.deepEqual({ ...a.primaryContact }, attestation().primaryContact)
    assert.equal(typeof a.dateAgreed, 'string')
    assert.match(a.dateAgreed, ISO_UTC)
    assert.equal(Date.parse(a.dateAgreed), Date.parse('2024-03-01T00:00:00Z'))
    assert.equal(a.agreementLink, undefined)

    // The default type is the retired Microsoft Cloud Agreement: a plain list does not show it.
    const plain = await client.agreements.list(customer.id)
    assert.equal(plain.totalCount, 0)
    assert.deepEqual(plain.items ?? [], [])

    for (const agreementType of ['MicrosoftCustomerAgreement', '*']) {
      const listed = await client.agreements.list(customer.id, { agreementType })
      assert.equal(listed.totalCount, 1, agreementType)
      const [item] = listed.items
      assert.equal(item.templateId, MCA_TEMPLATE)
      assert.equal(item.type, 'MicrosoftCustomerAgreement')
      assert.equal(item.agreementLink, 'https://aka.ms/customeragreement')
      assert.match(item.dateAgreed, ISO_UTC)
      assert.equal(item.primaryContact.email, 'tania@contoso.example')
    }
  })

  test('a Date object for dateAgreed is sent as its ISO-8601 string and read back as one', async () => {
    const customer = await createCustomer(client)
    const when = new Date(Date.UTC(2024, 2, 1, 13, 45, 30, 250))
    const created = await client.agreements.create(customer.id, attestation({ dateAgreed: when }))
    assert.equal(typeof created.dateAgreed, 'string')
    assert.match(created.dateAgreed, ISO_UTC)
    assert.equal(new Date(created.dateAgreed).getTime(), when.getTime())
    const [listed] = (await client.agreements.list(customer.id, { agreementType: 'MicrosoftCustomerAgreement' })).items
    assert.equal(new Date(listed.dateAgreed).getTime(), when.getTime())
  })

  test('what goes on the wire: dateAgreed as the Date\'s toISOString()', async () => {
    // A one-shot server that records the request: the emulator only shows what it understood.
    let seen = null
    const server = createServer((req, res) => {
      let text = ''
      req.on('data', (c) => (text += c))
      req.on('end', () => {
        seen = { method: req.method, url: req.url, body: JSON.parse(text) }
        res.writeHead(201, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ ...seen.body, userId: LENIENT_USER_ID }))
      })
    })
    await new Promise((r) => server.listen(0, '127.0.0.1', r))
    try {
      const recording = new Client({ token: TOKEN, baseUrl: `http://127.0.0.1:${server.address().port}`, maxRetries: 0 })
      const when = new Date(Date.UTC(2023, 11, 31, 23, 59, 59, 0))
      const created = await recording.agreements.create(UNKNOWN_CUSTOMER, attestation({ dateAgreed: when }))
      assert.equal(seen.method, 'POST')
      assert.equal(seen.url, `/v1/customers/${UNKNOWN_CUSTOMER}/agreements`)
      // The same instant in RFC 3339 (the client writes no zero milliseconds).
      assert.equal(seen.body.dateAgreed, '2023-12-31T23:59:59Z')
      assert.equal(Date.parse(created.dateAgreed), when.getTime())
    } finally {
      await new Promise((r) => server.close(r))
    }
  })

  test('an offset-less dateAgreed is read as UTC by the service and comes back with Z', async () => {
    const customer = await createCustomer(client)
    // Sent without client-side validation: RFC 3339 (the spec's date-time) wants an offset.
    const created = await lax.agreements.create(customer.id, attestation({ dateAgreed: '2019-08-26T00:00:00' }))
    assert.match(created.dateAgreed, ISO_UTC)
    assert.equal(Date.parse(created.dateAgreed), Date.UTC(2019, 7, 26))
  })

  test('the template decides the stored type', async () => {
    const customer = await createCustomer(client)
    const created = await client.agreements.create(customer.id, attestation({ type: 'SomethingElse' }))
    assert.equal(created.type, 'MicrosoftCustomerAgreement')
  })

  test('userId is the signed-in user (the oid of an App+User token the emulator issued)', async () => {
    const { token, oid } = await appUserToken(env.emu, 'agent@partner.example')
    assert.match(oid, /^[0-9a-f-]{36}$/)
    const signedIn = new Client({ token, baseUrl: env.emu.url, maxRetries: 0 })
    const customer = await createCustomer(signedIn)
    const created = await signedIn.agreements.create(customer.id, attestation())
    assert.equal(created.userId, oid)
    assert.notEqual(created.userId, LENIENT_USER_ID)
  })

  test('the same contact twice: 400 / 600061; another contact is a second attestation, listed in order', async () => {
    const customer = await createCustomer(client)
    await client.agreements.create(customer.id, attestation())
    const err = await failure(client.agreements.create(customer.id, attestation()), 'PC_BAD_REQUEST', {
      status: 400,
      partnerCenterCode: '600061',
    })
    assert.match(err.description, /partner confirmed agreement already exists/i)
    assert.match(err.body, /PartnerConfirmedAgreementAlreadyExists/)
    assert.equal(err.retryable, false)

    // Equality is case-sensitive and covers the phone number.
    const other = attestation({ primaryContact: { ...attestation().primaryContact, phoneNumber: '4255550102' } })
    await client.agreements.create(customer.id, other)
    const upper = attestation({ primaryContact: { ...attestation().primaryContact, firstName: 'TANIA' } })
    await client.agreements.create(customer.id, upper)
    const listed = await client.agreements.list(customer.id, { agreementType: 'MicrosoftCustomerAgreement' })
    assert.equal(listed.totalCount, 3)
    assert.deepEqual(
      listed.items.map((a) => [a.primaryContact.firstName, a.primaryContact.phoneNumber]),
      [['Tania', '4255550101'], ['Tania', '4255550102'], ['TANIA', '4255550101']],
    )
    // Another customer may use the same contact.
    const second = await createCustomer(client)
    await client.agreements.create(second.id, attestation())
  })

  test('400 / 800002: unknown template, the retired MCloudA template, a future date, bad contact, bad date', async () => {
    const customer = await createCustomer(client)
    const unknown = await badInput(client.agreements.create(customer.id, attestation({ templateId: 'no-such-template' })))
    assert.match(unknown.description, /unknown agreement template/i)
    const retired = await badInput(client.agreements.create(customer.id, attestation({ templateId: MCLOUDA_TEMPLATE })))
    assert.match(retired.description, /no longer supported/i)

    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000)
    const future = await badInput(client.agreements.create(customer.id, attestation({ dateAgreed: tomorrow })))
    assert.match(future.description, /dateAgreed/i)
    // A minute ahead is within the five minutes the server allows.
    await client.agreements.create(customer.id, attestation({ dateAgreed: new Date(Date.now() + 60 * 1000) }))

    const contact = attestation().primaryContact
    const noAt = await badInput(lax.agreements.create(customer.id, attestation({ primaryContact: { ...contact, email: 'tania.contoso.example' } })))
    assert.match(noAt.description, /email/i)
    const emptyName = await badInput(lax.agreements.create(customer.id, attestation({ primaryContact: { ...contact, firstName: '' } })))
    assert.match(emptyName.description, /firstName/i)
    // Not a date at all: the typed model cannot hold it, so even a non-validating client refuses it.
    const badDate = await failure(lax.agreements.create(customer.id, attestation({ dateAgreed: 'yesterday' })), 'PC_VALIDATION')
    assert.match(badDate.message, /dateAgreed/)

    // With validation on, the spec's rules stop these before anything is sent.
    await failure(client.agreements.create(customer.id, attestation({ primaryContact: { ...contact, firstName: '' } })), 'PC_VALIDATION')
    assert.equal((await client.agreements.list(customer.id, { agreementType: '*' })).totalCount, 1)
  })

  test('unknown customer: 404 / 60003 on create and list', async () => {
    await unknownCustomer(client.agreements.create(UNKNOWN_CUSTOMER, attestation()))
    await unknownCustomer(client.agreements.list(UNKNOWN_CUSTOMER, { agreementType: 'MicrosoftCustomerAgreement' }))
  })
})

describe('agreements.getDocument', () => {
  test('defaults US / en-US; fresh links every call', async () => {
    const res = await client.agreements.getDocumentWithResponse(MCA_TEMPLATE)
    assert.equal(res.status, 200)
    const doc = res.data
    assert.equal(doc.country, 'US')
    assert.equal(doc.language, 'en-US')
    assert.match(doc.displayUri, /^https:\/\//)
    assert.match(doc.downloadUri, /^https:\/\//)
    const again = await client.agreements.getDocument(MCA_TEMPLATE, { country: 'US', language: 'en-US' })
    assert.notEqual(again.displayUri, doc.displayUri)
    assert.notEqual(again.downloadUri, doc.downloadUri)
  })

  test('a country\'s own languages; an unoffered language falls back to en-US', async () => {
    const cases = [
      ['DE', 'de-DE', 'de-DE'],
      ['CH', 'it-IT', 'it-IT'],
      ['CA', 'fr-FR', 'fr-FR'],
      ['JP', 'ja-JP', 'ja-JP'],
      ['FR', 'de-DE', 'en-US'],
      ['GB', 'fr-FR', 'en-US'],
      ['DE', undefined, 'en-US'],
    ]
    for (const [country, language, expected] of cases) {
      const doc = await client.agreements.getDocument(MCA_TEMPLATE, { country, language })
      assert.equal(doc.country, country)
      assert.equal(doc.language, expected, `${country} ${language}`)
    }
  })

  test('MCloudA template: 400 / 800002; unknown template: 404 / 1000; a lower-case country: 400 (or caught first)', async () => {
    const retired = await badInput(client.agreements.getDocument(MCLOUDA_TEMPLATE))
    assert.match(retired.description, /Microsoft Customer Agreement/)
    await failure(client.agreements.getDocument('00000000-0000-4000-8000-000000000000'), 'PC_NOT_FOUND', {
      status: 404,
      partnerCenterCode: '1000',
    })
    // Template ids are case-sensitive.
    await failure(client.agreements.getDocument(MCA_TEMPLATE.toUpperCase()), 'PC_NOT_FOUND', { status: 404 })
    await badInput(lax.agreements.getDocument(MCA_TEMPLATE, { country: 'us' }))
    const local = await failure(client.agreements.getDocument(MCA_TEMPLATE, { country: 'us' }), 'PC_VALIDATION')
    assert.deepEqual(local.errors.map((e) => e.path), ['country'])
  })
})

describe('agreements.getDirectSignedStatus', () => {
  test('false until the emulator marks the customer as having signed; back to false', async () => {
    const customer = await createCustomer(client)
    assert.deepEqual({ ...(await client.agreements.getDirectSignedStatus(customer.id)) }, { isSigned: false })
    await setDirectSigned(env.emu, customer.id, true)
    const res = await client.agreements.getDirectSignedStatusWithResponse(customer.id)
    assert.equal(res.status, 200)
    assert.equal(res.data.isSigned, true)
    // Only that customer.
    const other = await createCustomer(client)
    assert.equal((await client.agreements.getDirectSignedStatus(other.id)).isSigned, false)
    await setDirectSigned(env.emu, customer.id, false)
    assert.equal((await client.agreements.getDirectSignedStatus(customer.id)).isSigned, false)
  })

  test('unknown customer: 404 / 60003', async () => {
    const err = await unknownCustomer(client.agreements.getDirectSignedStatus(UNKNOWN_CUSTOMER))
    assert.equal(typeof err.requestId, 'string')
  })
})
