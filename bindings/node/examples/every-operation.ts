// Every operation of the client, with strict types (`npx tsc --noEmit --strict -p bindings/node`
// checks this file in CI). To run it against the emulator, after `npm run build` in bindings/node:
//   npx tsc -p . --noEmit false --rootDir . --outDir tmp && node tmp/examples/every-operation.js

import {
  Client,
  PartnerCenterError,
  type Address,
  type AddressValidationResponse,
  type ApiResponse,
  type CallOptions,
  type ClientOptions,
  type CountryValidationRules,
  type Customer,
  type CustomerBillingProfile,
  type CustomerCompanyProfile,
  type CustomerFilter,
  type NewCustomer,
  type Page,
  type PartnerRelationshipCollection,
  type RelationshipRequest,
} from 'partner-center'

const options: ClientOptions = {
  token: process.env.PARTNER_CENTER_TOKEN ?? 'sandbox-token',
  baseUrl: process.env.PARTNER_CENTER_BASE_URL ?? 'http://127.0.0.1:8080',
  locale: 'en-US',
  application: 'every-operation example',
  timeout: 30_000,
  maxRetries: 3,
}

const address: Address = {
  addressLine1: 'One Microsoft Way',
  city: 'Redmond',
  state: 'WA',
  postalCode: '98052',
  country: 'US',
}

async function main(): Promise<void> {
  const client = new Client(options)
  const perCall: CallOptions = { timeout: 10_000, headers: { 'X-Example': 'yes' } }

  const domain = `everyop${Date.now().toString(36)}.onmicrosoft.com`
  const taken: boolean = await client.domains.exists(domain)
  const takenRaw: ApiResponse<boolean> = await client.domains.existsWithResponse(domain, perCall)

  const body: NewCustomer = {
    companyProfile: { domain },
    billingProfile: { email: 'admin@contoso.example', culture: 'en-US', language: 'en', companyName: 'Contoso', defaultAddress: address },
  }
  // @ts-expect-error a new customer needs a billing profile (the typings catch it before any call)
  const incomplete: NewCustomer = { companyProfile: { domain } }
  void incomplete
  const created: Customer = await client.customers.create(body, { requestId: undefined, timeout: 5000 })
  const createdRaw: ApiResponse<Customer> = await client.customers.createWithResponse(
    { ...body, companyProfile: { domain: `x${domain}` } },
  )
  const id: string = created.id ?? ''
  const password: string | undefined = created.userCredentials?.password
  const status: number = createdRaw.status
  const requestId: string = createdRaw.requestId
  const contentType: string | undefined = createdRaw.headers['content-type']

  const got: Customer = await client.customers.get(id)
  const gotRaw: ApiResponse<Customer> = await client.customers.getWithResponse(id, perCall)

  const filter: CustomerFilter = { Field: 'CompanyName', Value: 'Con', Operator: 'starts_with' }
  const names: string[] = []
  for await (const c of client.customers.list({ size: 2, filter })) names.push(c.companyProfile?.companyName ?? '')
  let token: string | null = null
  do {
    const page: Page<Customer> = await client.customers.listPage({ size: 2, continuationToken: token })
    const total: number | null = page.totalCount
    names.push(...page.items.map((c: Customer) => c.id ?? ''), String(total))
    token = page.continuationToken
  } while (token !== null)

  const request: RelationshipRequest = await client.customers.getRelationshipRequest()
  const requestRaw: ApiResponse<RelationshipRequest> = await client.customers.getRelationshipRequestWithResponse()
  const relationships: PartnerRelationshipCollection = await client.customers.listRelationships(id)
  const relationshipsRaw = await client.customers.listRelationshipsWithResponse(id)
  const removed: Customer = await client.customers.removeResellerRelationship(id, { relationshipToPartner: 'none' })
  const removedRaw = await client.customers.removeResellerRelationshipWithResponse(id, { relationshipToPartner: 'none' })

  const company: CustomerCompanyProfile = await client.profiles.getCompany(id)
  const companyRaw = await client.profiles.getCompanyWithResponse(id)
  const billing: CustomerBillingProfile = await client.profiles.getBilling(id)
  const billingRaw = await client.profiles.getBillingWithResponse(id)
  const updated: CustomerBillingProfile = await client.profiles.updateBilling(id, { ...billing, firstName: 'Ada' }, { ifMatch: undefined })
  const updatedRaw = await client.profiles.updateBillingWithResponse(id, updated, { ifMatch: updated.attributes?.etag ?? null })

  const validation: AddressValidationResponse = await client.validations.validateAddress(address)
  const validationRaw = await client.validations.validateAddressWithResponse({ addressLine1: 'Somewhere 1', country: 'NP' })
  const rules: CountryValidationRules = await client.countryValidationRules.get('US')
  const rulesRaw = await client.countryValidationRules.getWithResponse('GB')

  await client.customers.delete(id)
  const deleted: ApiResponse<void> = await client.customers.deleteWithResponse(createdRaw.data.id ?? '')

  try {
    await client.customers.get(id)
  } catch (err: unknown) {
    if (!(err instanceof PartnerCenterError)) throw err
    const code: string = err.code
    const http: number | null = err.status
    const pcCode: string | null = err.partnerCenterCode
    const wait: number | null = err.retryAfter
    const problems: Array<{ path: string; message: string }> = err.errors
    console.log(code, http, pcCode, wait, problems.length, err.requestId, err.correlationId, err.description)
  }

  console.log(taken, takenRaw.status, status, requestId, contentType, password !== undefined, got.id, gotRaw.status)
  console.log(names.length, request.url, requestRaw.status, relationships.items.length, relationshipsRaw.status)
  console.log(removed.relationshipToPartner, removedRaw.status, company.domain, companyRaw.status, billingRaw.status)
  console.log(updated.firstName, updatedRaw.status, validation.status, validationRaw.data.status, rules.iso2Code, rulesRaw.status)
  console.log(deleted.status, client.correlationId)
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
