// Create a customer, read it back, list every customer, check a domain.
//
// Against the local emulator:
//   cargo run --release -p sandbox -- --port 8080
//   node bindings/node/examples/quickstart.mjs      (after `npm run build` in bindings/node)
// Against Partner Center, set PARTNER_CENTER_BASE_URL and PARTNER_CENTER_TOKEN.

import { randomUUID } from 'node:crypto'

import { Client, PartnerCenterError } from 'partner-center'

const baseUrl = process.env.PARTNER_CENTER_BASE_URL ?? 'http://127.0.0.1:8080'
const token = process.env.PARTNER_CENTER_TOKEN ?? 'sandbox-token'

const client = new Client({ token, baseUrl, locale: 'en-US' })

const domain = `quickstart${randomUUID().replaceAll('-', '').slice(0, 10)}.onmicrosoft.com`
if (await client.domains.exists(domain)) {
  console.log(`${domain} is taken; pick another`)
  process.exit(0)
}

const customer = await client.customers.create({
  companyProfile: { domain },
  billingProfile: {
    email: 'admin@contoso.example',
    culture: 'en-US',
    language: 'en',
    companyName: 'Contoso',
    defaultAddress: {
      addressLine1: 'One Microsoft Way',
      city: 'Redmond',
      state: 'WA',
      postalCode: '98052',
      country: 'US',
    },
  },
})
// The admin password is readable (customer.userCredentials.password) but not enumerable:
// console.log, util.inspect and JSON.stringify leave it out.
console.log(`created ${customer.id}:`, customer.userCredentials)
console.log(`password readable: ${typeof customer.userCredentials.password === 'string'}`)

const again = await client.customers.get(customer.id)
console.log(`billing contact: ${again.billingProfile.email} (${again.billingProfile.companyName})`)

let count = 0
for await (const c of client.customers.list({ size: 40 })) {
  if (c.companyProfile?.companyName) count++
}
console.log(`${count} customers in the account`)

console.log(`${domain} taken now: ${await client.domains.exists(domain)}`)

try {
  await client.customers.get(randomUUID())
} catch (err) {
  if (!(err instanceof PartnerCenterError)) throw err
  console.log(`as expected: ${err.code} ${err.status} ${err.partnerCenterCode}`)
}
