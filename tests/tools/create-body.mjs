// The create body (`POST /v1/customers`) that the soak's Node runner and both Node benchmark clients
// send; only the domain varies, and the company name, which names the tool. The same values are in
// create_body.py and create_body.rs next to this file.

/** The body as the package's `customers.create` and the wire take it (camelCase). */
export function newCustomer(domain, companyName) {
  return {
    companyProfile: { domain },
    billingProfile: {
      email: 'admin@contoso.example',
      culture: 'en-US',
      language: 'en',
      companyName,
      defaultAddress: {
        firstName: 'Jane',
        lastName: 'Doe',
        addressLine1: '1 Microsoft Way',
        city: 'Redmond',
        state: 'WA',
        postalCode: '98052',
        country: 'US',
        phoneNumber: '4255550101',
      },
    },
  }
}
