// A table of real-looking failing-step outputs (issue 12, item 8): the errors Salesforce,
// HubSpot, Slack, Stripe, Google, Jira, GraphQL servers, proxies and Node's HTTP stack send,
// written as Paragon steps store them (a string, a JSON body, JSON inside a string, an HTML
// page). Each SAME row is one problem seen several times with different ids, numbers, times,
// e-mails, URL segments or quoted values, or as JSON versus plain text: one signature. Each
// DIFFERENT row is two problems that only look alike: two signatures. Kept in src/ (pure
// data) so the unit test and anyone tuning normalizeErrorText read the same table.

/** The step type of every row's outputs unless a DIFFERENT row names its own. */
export const CASE_STEP_TYPE = 'ACTION/INTEGRATION_REQUEST';

export interface SameSignatureCase {
  readonly why: string;
  /** Failing steps' outputs as stored (strings, JSON bodies, arrays): every one must get one signature. */
  readonly outputs: readonly unknown[];
  /** The signature's normalized text, where the row pins it. */
  readonly text?: string;
}

export interface DifferentSignatureCase {
  readonly why: string;
  readonly a: unknown;
  readonly b: unknown;
  /** The failing steps' types, when the row is about them. */
  readonly stepTypeA?: string;
  readonly stepTypeB?: string;
}

export const SAME_SIGNATURE_CASES: readonly SameSignatureCase[] = [
  {
    why: 'Salesforce: a cross-reference error names a different record id each time',
    outputs: ['INVALID_CROSS_REFERENCE_KEY: invalid cross reference id: 0015g00000ABCdeAAH', 'INVALID_CROSS_REFERENCE_KEY: invalid cross reference id: 0015g00000QrStUAAX'],
    text: 'INVALID_CROSS_REFERENCE_KEY: invalid cross reference id: <id>',
  },
  {
    why: 'Salesforce: entity is deleted, 15- and 18-character ids',
    outputs: ['ENTITY_IS_DELETED: entity is deleted: 0035g00000XyZ12AAB', 'ENTITY_IS_DELETED: entity is deleted: 001xx000003DGb2'],
  },
  {
    why: "Salesforce: the REST API's JSON array body and the same message as plain text",
    outputs: [
      '[{"message":"Provided external ID field does not exist or is not accessible: 0035g00000XyZ12AAB","errorCode":"NOT_FOUND","fields":[]}]',
      [{ message: 'Provided external ID field does not exist or is not accessible: 0035g00000AbC34AAF', errorCode: 'NOT_FOUND', fields: [] }],
      'Provided external ID field does not exist or is not accessible: 003xx000004TmiQAAS',
    ],
  },
  {
    why: "Salesforce (the emulator's error): a different column and entity in quotes",
    outputs: ["Error: INVALID_FIELD: No such column 'Region__c' on entity 'Contact'", "Error: INVALID_FIELD: No such column 'Industry__c' on entity 'Account'"],
    text: "INVALID_FIELD: No such column '…' on entity '…'",
  },
  {
    why: 'Salesforce: per-customer instance host and record id in the URL',
    outputs: [
      'GET https://acme.my.salesforce.com/services/data/v58.0/sobjects/Contact/0035g00000XyZ12AAB returned 404',
      'GET https://globex-corp.my.salesforce.com/services/data/v58.0/sobjects/Contact/0035g00000AbC34AAF returned 404',
    ],
    text: 'GET https://*.my.salesforce.com/services/data/v58.0/sobjects/Contact/<id> returned 404',
  },
  {
    why: 'HubSpot: object not found, JSON body with a correlation id, and the plain message',
    outputs: [
      { status: 'error', message: 'Contact with id 1234567 not found', correlationId: '8b5d1f0e-2a3b-4c5d-9e8f-0a1b2c3d4e5f', category: 'OBJECT_NOT_FOUND' },
      '{"status":"error","message":"Contact with id 98765 not found","correlationId":"0c9e4d2a-77b1-4f3e-a1d2-5e6f7a8b9c0d","category":"OBJECT_NOT_FOUND"}',
      'Contact with id 51 not found',
    ],
    text: 'Contact with id <n> not found',
  },
  {
    why: 'HubSpot: the secondly rate limit, different correlation ids and portal ids',
    outputs: [
      '{"status":"error","message":"You have reached your secondly limit.","errorType":"RATE_LIMIT","correlationId":"3c1f6b9e-0a4d-4c2b-9f7e-1d2c3b4a5f6e","policyName":"SECONDLY","groupName":"publicapi:oauth:12345:67890"}',
      '{"status":"error","message":"You have reached your secondly limit.","errorType":"RATE_LIMIT","correlationId":"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d","policyName":"SECONDLY","groupName":"publicapi:oauth:555:101"}',
    ],
  },
  {
    why: 'HubSpot: a URL with a different object id and query string',
    outputs: [
      'Request to https://api.hubapi.com/crm/v3/objects/contacts/51 failed with status code 404',
      'Request to https://api.hubapi.com/crm/v3/objects/contacts/9876543?archived=false&properties=email failed with status code 404',
    ],
  },
  {
    why: 'HubSpot: a property name in double quotes',
    outputs: ['Property "favorite_color" does not exist', 'Property "lead_score" does not exist'],
    text: "Property '…' does not exist",
  },
  {
    why: "Slack: the Web API's JSON body and the bare error code",
    outputs: [
      '{"ok":false,"error":"channel_not_found"}',
      { ok: false, error: 'channel_not_found', warning: 'missing_charset', response_metadata: { warnings: ['missing_charset'] } },
      'channel_not_found',
    ],
    text: 'channel_not_found',
  },
  {
    why: 'Slack: a different channel id',
    outputs: ['Failed to post to channel C024BE91L: not_in_channel', 'Failed to post to channel C061EG9SL: not_in_channel'],
  },
  {
    why: 'Stripe: a missing customer, JSON body (with request log URL) versus plain text',
    outputs: [
      {
        error: {
          code: 'resource_missing',
          doc_url: 'https://stripe.com/docs/error-codes/resource-missing',
          message: "No such customer: 'cus_NffrFeUfNV2Hib'",
          param: 'customer',
          request_log_url: 'https://dashboard.stripe.com/test/logs/req_Zx1yW2vU3tS4r5?t=1700000000',
          type: 'invalid_request_error',
        },
      },
      "No such customer: 'cus_Q9wErTy1uIoP2a'",
    ],
  },
  {
    why: 'Stripe: unquoted ids keep their type prefix',
    outputs: ['Charge ch_3MmlLrLkdIwHu7ix0snN0B15 failed: card_declined', 'Charge ch_1Ab2Cd3Ef4Gh5Ij6Kl7Mn8Op failed: card_declined'],
    text: 'Charge ch_<id> failed: card_declined',
  },
  {
    why: 'Node/axios: timeouts of different lengths',
    outputs: ['Error: timeout of 30000ms exceeded', 'Error: timeout of 60000ms exceeded', 'timeout of 5000ms exceeded'],
    text: 'timeout of <n>ms exceeded',
  },
  {
    why: 'A function timeout in seconds, with and without decimals',
    outputs: ['Function timed out after 30.5 seconds', 'Function timed out after 12 seconds'],
  },
  {
    why: 'Connection timed out to different addresses',
    outputs: ['connect ETIMEDOUT 52.84.150.23:443', 'connect ETIMEDOUT 13.224.10.5:443'],
    text: 'connect ETIMEDOUT <ip>',
  },
  {
    why: 'Connection refused, IPv4 and IPv6 loopback',
    outputs: ['connect ECONNREFUSED 127.0.0.1:5432', 'connect ECONNREFUSED 10.0.3.17:5432', 'connect ECONNREFUSED ::1:5432'],
  },
  {
    why: 'A duplicate contact, different e-mails',
    outputs: ['Contact already exists: jane.doe@acme.com', 'Contact already exists: bob+test@globex.co.uk'],
    text: 'Contact already exists: <email>',
  },
  {
    why: 'An expired token, different ISO timestamps',
    outputs: ['Token expired at 2026-11-29T22:54:06.123Z', 'Token expired at 2026-11-28T03:01:59Z', 'Token expired at 2026-11-27 10:00:00+02:00'],
    text: 'Token expired at <time>',
  },
  {
    why: 'A rate-limit reset time in HTTP date format',
    outputs: ['Rate limit exceeded, resets at Sun, 29 Nov 2026 22:54:06 GMT', 'Rate limit exceeded, resets at Mon, 30 Nov 2026 01:00:00 GMT'],
  },
  {
    why: 'A UUID in the message',
    outputs: ['Execution 8b5d1f0e-2a3b-4c5d-9e8f-0a1b2c3d4e5f not found', 'Execution 0C9E4D2A-77B1-4F3E-A1D2-5E6F7A8B9C0D not found'],
  },
  {
    why: 'A MongoDB ObjectId (hex)',
    outputs: ['Document 5f3a9c2e1b7d4a6f8e0c1b2a not found', 'Document 64b7f0c2a9e1d3b5c7f9a0e2 not found'],
  },
  {
    why: 'Google APIs: JSON inside a string after a prefix, versus the error object',
    outputs: [
      'Error: 400 Bad Request: {"error":{"code":400,"message":"Invalid JSON payload received. Unknown name \\"foo\\": Cannot find field.","status":"INVALID_ARGUMENT"}}',
      { error: { code: 400, message: 'Invalid JSON payload received. Unknown name "bar": Cannot find field.', status: 'INVALID_ARGUMENT' } },
    ],
  },
  {
    why: 'Google APIs: permission denied, JSON and plain text',
    outputs: [{ error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' } }, 'The caller does not have permission'],
  },
  {
    why: "RFC 9457 problem details: the detail names an order; the detail is what's said",
    outputs: [{ type: 'https://api.example.com/problems/not-found', title: 'Not Found', status: 404, detail: 'Order 12345 was not found' }, 'Order 98765 was not found'],
  },
  {
    why: "A proxy's HTML error page versus its status line",
    outputs: [
      '<!DOCTYPE html>\n<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n<center><h1>502 Bad Gateway</h1></center>\n<hr><center>nginx/1.25.3</center>\n</body>\n</html>',
      '502 Bad Gateway',
    ],
    text: '502 Bad Gateway',
  },
  {
    why: 'GraphQL: errors[0].message with different quoted field names',
    outputs: [
      { data: null, errors: [{ message: 'Cannot query field "foo" on type "Query".', locations: [{ line: 1, column: 9 }] }] },
      '{"errors":[{"message":"Cannot query field \\"bar\\" on type \\"Query\\".","locations":[{"line":3,"column":5}]}]}',
    ],
  },
  {
    why: "OAuth: the token endpoint's error_description versus the plain text",
    outputs: [{ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' }, 'Token has been expired or revoked.'],
  },
  {
    why: 'Jira: errorMessages[] versus the plain text',
    outputs: [{ errorMessages: ['Issue does not exist or you do not have permission to see it.'], errors: {} }, 'Issue does not exist or you do not have permission to see it.'],
  },
  {
    why: 'A list of record numbers of any length',
    outputs: ['Failed to sync records 101, 102 and 103', 'Failed to sync records 7'],
    text: 'Failed to sync records <n>',
  },
  {
    why: 'An Error object (name + message) versus its string form, different quoted property',
    outputs: [{ name: 'TypeError', message: "Cannot read properties of undefined (reading 'email')" }, "TypeError: Cannot read properties of undefined (reading 'id')"],
    text: "TypeError: Cannot read properties of undefined (reading '…')",
  },
  {
    why: 'Line breaks, tabs and ANSI colours do not make another error',
    outputs: ['Request failed\n\twith status code 500', 'Request failed with status code 500', '\u001b[31mError: Request failed with status code 500\u001b[0m'],
    text: 'Request failed with status code 500',
  },
  {
    why: 'Zendesk: per-customer subdomain and a ticket id with an extension',
    outputs: ['Ticket https://acme.zendesk.com/api/v2/tickets/48213.json is closed', 'Ticket https://initech.zendesk.com/api/v2/tickets/7.json is closed'],
  },
  {
    why: 'A date in US format and a time of day',
    outputs: ['Report for 11/29/2026 not ready at 22:54:06', 'Report for 1/3/2027 not ready at 08:00:00'],
  },
];

export const DIFFERENT_SIGNATURE_CASES: readonly DifferentSignatureCase[] = [
  { why: 'HTTP 401 and 403 (status codes are the cause, kept)', a: 'Error: Request failed with status code 401', b: 'Error: Request failed with status code 403' },
  { why: '"401 Unauthorized" and "403 Forbidden"', a: '401 Unauthorized', b: '403 Forbidden' },
  { why: 'HTTP 429 and 500', a: 'Error: Request failed with status code 429', b: 'Error: Request failed with status code 500' },
  { why: 'a status after "HTTP"', a: 'Upstream answered HTTP 502', b: 'Upstream answered HTTP 504' },
  {
    why: 'the status a Salesforce GET returned',
    a: 'GET https://acme.my.salesforce.com/services/data/v58.0/sobjects/Contact/0035g00000XyZ12AAB returned 404',
    b: 'GET https://acme.my.salesforce.com/services/data/v58.0/sobjects/Contact/0035g00000XyZ12AAB returned 410',
  },
  { why: 'Slack: two error codes', a: '{"ok":false,"error":"channel_not_found"}', b: '{"ok":false,"error":"not_in_channel"}' },
  { why: 'Stripe: a missing customer and a missing price', a: "No such customer: 'cus_NffrFeUfNV2Hib'", b: "No such price: 'price_1MoBy5LkdIwHu7ixZhnattbh'" },
  {
    why: 'Salesforce: a bad field and an unsupported type',
    a: "INVALID_FIELD: No such column 'Region__c' on entity 'Contact'",
    b: "INVALID_TYPE: sObject type 'Contact' is not supported",
  },
  { why: 'the same text in two step types', a: 'Error: socket hang up', b: 'Error: socket hang up', stepTypeA: 'ACTION/REQUEST', stepTypeB: 'ACTION/INTEGRATION_REQUEST' },
  { why: 'a hang-up and a timeout', a: 'Error: socket hang up', b: 'Error: timeout of 30000ms exceeded' },
  { why: 'refused and timed out to one address', a: 'connect ECONNREFUSED 127.0.0.1:5432', b: 'connect ETIMEDOUT 127.0.0.1:5432' },
  { why: 'the same path on two APIs', a: 'GET https://api.hubapi.com/v1/customers/51 failed', b: 'GET https://api.stripe.com/v1/customers/51 failed' },
  {
    why: 'contacts versus companies (a path segment that is a name, not an id)',
    a: 'GET https://api.hubapi.com/crm/v3/objects/contacts/51 failed',
    b: 'GET https://api.hubapi.com/crm/v3/objects/companies/51 failed',
  },
  { why: 'API versions in the path', a: 'GET https://api.hubapi.com/crm/v3/objects/contacts/51 failed', b: 'GET https://api.hubapi.com/crm/v4/objects/contacts/51 failed' },
  {
    why: 'Google: permission denied and not found',
    a: { error: { code: 403, message: 'The caller does not have permission', status: 'PERMISSION_DENIED' } },
    b: { error: { code: 404, message: 'Requested entity was not found.', status: 'NOT_FOUND' } },
  },
  { why: 'undefined and null', a: "TypeError: Cannot read properties of undefined (reading 'email')", b: "TypeError: Cannot read properties of null (reading 'email')" },
  { why: 'two error classes', a: 'TypeError: x is not a function', b: 'ReferenceError: x is not defined' },
  { why: 'HubSpot: secondly and daily limits', a: 'You have reached your secondly limit.', b: 'You have reached your daily limit.' },
  { why: 'Oracle error codes after a prefix', a: 'ORA-00942: table or view does not exist', b: 'ORA-00904: table or view does not exist' },
  { why: 'MySQL error numbers', a: 'Error 1062: Duplicate entry for key PRIMARY', b: 'Error 1452: Duplicate entry for key PRIMARY' },
  { why: 'SQLSTATE codes', a: 'SQLSTATE[23505]: Integrity constraint violation', b: 'SQLSTATE[23503]: Integrity constraint violation' },
  { why: 'exit codes', a: 'Process exited with code 1', b: 'Process exited with code 137' },
  { why: "the emulator's two auth failures", a: 'Error: no auth mechanism defined', b: 'Error: Request failed with status code 401' },
  { why: 'an error and no output at all', a: 'Error: socket hang up', b: undefined },
  {
    why: 'a proxy 502 page and a 503 page',
    a: '<html><head><title>502 Bad Gateway</title></head></html>',
    b: '<html><head><title>503 Service Temporarily Unavailable</title></head></html>',
  },
  { why: 'code-like words keep their digits', a: 'Win32Exception: access denied', b: 'Win64Exception: access denied' },
];
