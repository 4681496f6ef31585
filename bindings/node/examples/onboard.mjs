// Onboard a customer for one of your indirect resellers: find the reseller, create the customer,
// attest that it accepted the Microsoft Customer Agreement, check whether it also signed directly,
// create its first user and list its users. One line per step.
//
// Against the local emulator:
//   cargo run --release -p sandbox -- --port 8080
//   node bindings/node/examples/onboard.mjs      (after `npm run build` in bindings/node)
// Against Partner Center, set PARTNER_CENTER_BASE_URL and PARTNER_CENTER_TOKEN (an App+User token:
// every step but the customer's creation refuses App-only tokens). ONBOARD_USER_PASSWORD sets the
// first user's initial password (default: a random one, which the user must change at first sign-in).

import { randomBytes, randomUUID } from 'node:crypto'

import { Client } from 'partner-center'

const baseUrl = process.env.PARTNER_CENTER_BASE_URL ?? 'http://127.0.0.1:8080'
const token = process.env.PARTNER_CENTER_TOKEN ?? 'sandbox-token'
const client = new Client({ token, baseUrl, locale: 'en-US' })

// 1. The reseller: an indirect provider lists its resellers. (Narrow it down by name with
//    { filter: { Field: 'Name', Value: 'First Up', Operator: 'starts_with' } }.)
const resellers = await client.relationships.list('IsIndirectCloudSolutionProviderOf')
const reseller = resellers.items?.[0]
if (reseller === undefined) {
  console.log('no indirect resellers: nothing to onboard for')
  process.exit(0)
}
console.log(`reseller: ${reseller.name} (${reseller.id}, MPN ${reseller.mpnId})`)

// 2. The customer, created for that reseller.
const domain = `onboard${randomUUID().replaceAll('-', '').slice(0, 10)}.onmicrosoft.com`
const contact = { firstName: 'Gena', lastName: 'Soto', email: 'gena@wingtiptoys.example', phoneNumber: '4255550101' }
const customer = await client.customers.create({
  associatedPartnerId: reseller.id,
  companyProfile: { domain },
  billingProfile: {
    email: contact.email,
    culture: 'en-US',
    language: 'en',
    companyName: 'Wingtip Toys',
    defaultAddress: {
      firstName: contact.firstName,
      lastName: contact.lastName,
      addressLine1: 'One Microsoft Way',
      city: 'Redmond',
      state: 'WA',
      postalCode: '98052',
      country: 'US',
    },
  },
})
console.log(`customer: ${customer.id} ${domain} for reseller ${customer.associatedPartnerId}`)

// 3. The Microsoft Customer Agreement's template. Ask for the type: without it the service answers
//    for the retired Microsoft Cloud Agreement.
const templates = await client.agreements.listMetadata({ agreementType: 'MicrosoftCustomerAgreement' })
const template = templates.items[0]
console.log(`MCA template: ${template.templateId} ${template.agreementLink}`)

// 4. Attest that the customer accepted it (a Date is sent as an ISO-8601 string; dates come back as strings).
const attested = await client.agreements.create(customer.id, {
  primaryContact: contact,
  templateId: template.templateId,
  dateAgreed: new Date(),
  type: 'MicrosoftCustomerAgreement',
})
console.log(`attested: ${attested.type} on ${attested.dateAgreed} by ${attested.userId}`)

// 5. Read it back (again naming the type).
const onRecord = await client.agreements.list(customer.id, { agreementType: 'MicrosoftCustomerAgreement' })
console.log(`attestations on record: ${onRecord.totalCount}`)

// 6. Customers may also accept the MCA themselves in the admin center.
const { isSigned } = await client.agreements.getDirectSignedStatus(customer.id)
console.log(`signed directly by the customer: ${isSigned}`)

// 7. The first user. The answer echoes the password; it is hidden from console.log and JSON, and
//    must not be printed: hand it to the user through a safe channel.
const password = process.env.ONBOARD_USER_PASSWORD ?? `Aa1!${randomBytes(12).toString('base64url')}`
const user = await client.users.create(customer.id, {
  userPrincipalName: `gena.soto@${domain}`,
  firstName: contact.firstName,
  lastName: contact.lastName,
  displayName: `${contact.firstName} ${contact.lastName}`,
  usageLocation: 'US',
  passwordProfile: { password, forceChangePassword: true },
})
console.log(`user: ${user.userPrincipalName} ${user.id} ${user.state}`)

// 8. Every user of the customer (follows every page).
let count = 0
for await (const _ of client.users.list(customer.id, { size: 100 })) count++
console.log(`users: ${count}`)
