// Realistic records as each integration's API returns them (CRM contacts, tickets, charges…),
// and the HTTP endpoints a workflow would call. Used to fill step inputs and outputs.
import { hostileString } from '../hostile';
import type { Rng } from '../random';

const FIRST = ['Ada', 'Grace', 'Alan', 'Katherine', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Frances', 'Tim', 'Radia'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Johnson', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson', 'Allen', 'Berners-Lee', 'Perlman'];
const COMPANIES = ['Acme Corp', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark Industries', 'Wayne Enterprises', 'Soylent'];
const SUBJECTS = ['Cannot log in', 'Invoice is wrong', 'Feature request: export', 'Sync stopped working', 'Refund please', 'API returns 500'];

export const API_URLS: Readonly<Record<string, string>> = {
  salesforce: 'https://acme.my.salesforce.com/services/data/v58.0/sobjects/Contact',
  hubspot: 'https://api.hubapi.com/crm/v3/objects/contacts',
  slack: 'https://slack.com/api/chat.postMessage',
  jira: 'https://acme.atlassian.net/rest/api/3/issue',
  googledrive: 'https://www.googleapis.com/drive/v3/files',
  zendesk: 'https://acme.zendesk.com/api/v2/tickets',
  stripe: 'https://api.stripe.com/v1/charges',
  notion: 'https://api.notion.com/v1/pages',
  shopify: 'https://acme.myshopify.com/admin/api/2024-01/orders.json',
  github: 'https://api.github.com/repos/acme/app/issues',
};

export interface RecordContext {
  readonly rng: Rng;
  readonly integration: string;
  /** A run chosen to carry hostile strings in its records' human-readable fields. */
  readonly hostile: boolean;
  readonly atMs: number;
}

function person(ctx: RecordContext): { first: string; last: string; email: string } {
  const first = ctx.rng.pick(FIRST);
  const last = ctx.rng.pick(LAST);
  const email = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '') + `@${ctx.rng.pick(['example.com', 'acme.example'])}`;
  return { first: ctx.hostile ? hostileString(ctx.rng.int(1000)) : first, last, email };
}

function title(ctx: RecordContext, plain: string): string {
  return ctx.hostile ? `${plain} ${hostileString(ctx.rng.int(1000))}` : plain;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** One record of the integration's main object type. */
export function record(ctx: RecordContext): Record<string, unknown> {
  const { rng } = ctx;
  const p = person(ctx);
  const when = iso(ctx.atMs - rng.int(86_400_000 * 30));
  switch (ctx.integration) {
    case 'salesforce': {
      const id = `0035e00000${rng.hex(5).toUpperCase()}AAB`;
      return {
        attributes: { type: 'Contact', url: `/services/data/v58.0/sobjects/Contact/${id}` },
        Id: id,
        FirstName: p.first,
        LastName: p.last,
        Email: p.email,
        AccountId: `0015e00000${rng.hex(5).toUpperCase()}AAC`,
        Title: rng.pick(['VP Sales', 'CTO', 'Buyer', null]),
        LastModifiedDate: when.replace('Z', '+0000'),
      };
    }
    case 'hubspot':
      return {
        id: String(rng.between(1, 99_999)),
        properties: { email: p.email, firstname: p.first, lastname: p.last, lifecyclestage: rng.pick(['lead', 'customer', 'opportunity']), company: rng.pick(COMPANIES) },
        createdAt: when,
        updatedAt: iso(ctx.atMs),
        archived: false,
      };
    case 'slack':
      return {
        ok: true,
        channel: `C0${rng.hex(7).toUpperCase()}`,
        ts: `${Math.floor(ctx.atMs / 1000)}.${String(rng.int(1_000_000)).padStart(6, '0')}`,
        message: { type: 'message', user: `U0${rng.hex(7).toUpperCase()}`, text: title(ctx, `New lead: ${p.first} ${p.last} from ${rng.pick(COMPANIES)}`) },
      };
    case 'jira':
      return {
        id: String(rng.between(10_000, 99_999)),
        key: `PROJ-${rng.between(1, 4000)}`,
        fields: {
          summary: title(ctx, rng.pick(SUBJECTS)),
          status: { name: rng.pick(['To Do', 'In Progress', 'Done']) },
          assignee: rng.chance(0.8) ? { displayName: `${p.first} ${p.last}`, emailAddress: p.email } : null,
          priority: { name: rng.pick(['Low', 'Medium', 'High', 'Highest']) },
          labels: rng.chance(0.5) ? ['customer', 'sync'] : [],
        },
      };
    case 'googledrive':
      return {
        kind: 'drive#file',
        id: rng.hex(33),
        name: title(ctx, `${rng.pick(['Q3 report', 'Contract', 'Roadmap', 'Invoice 2024-117'])}.${rng.pick(['pdf', 'docx', 'xlsx'])}`),
        mimeType: rng.pick(['application/pdf', 'application/vnd.google-apps.document', 'text/csv']),
        modifiedTime: when,
        size: String(rng.between(1_000, 9_000_000)),
      };
    case 'zendesk':
      return {
        ticket: {
          id: rng.between(1, 90_000),
          subject: title(ctx, rng.pick(SUBJECTS)),
          status: rng.pick(['new', 'open', 'pending', 'solved']),
          priority: rng.pick(['low', 'normal', 'high', 'urgent', null]),
          requester_id: rng.between(1_000_000, 9_999_999),
          tags: ['api', rng.pick(['billing', 'login', 'sync'])],
          created_at: when,
        },
      };
    case 'stripe':
      return {
        id: `ch_3N${rng.hex(22)}`,
        object: 'charge',
        amount: rng.between(100, 250_000),
        currency: rng.pick(['usd', 'eur', 'gbp']),
        customer: `cus_${rng.hex(14)}`,
        description: title(ctx, `Subscription for ${p.email}`),
        status: 'succeeded',
        paid: true,
        created: Math.floor(ctx.atMs / 1000),
        metadata: {},
      };
    case 'notion':
      return {
        object: 'page',
        id: `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`,
        created_time: when,
        properties: {
          Name: { type: 'title', title: [{ type: 'text', plain_text: title(ctx, `Meeting notes with ${rng.pick(COMPANIES)}`) }] },
          Status: { type: 'select', select: { name: rng.pick(['Draft', 'Review', 'Published']) } },
        },
        url: `https://www.notion.so/${rng.hex(32)}`,
      };
    case 'shopify':
      return {
        id: rng.between(100_000_000, 999_999_999),
        email: p.email,
        total_price: (rng.between(500, 90_000) / 100).toFixed(2),
        currency: 'USD',
        financial_status: rng.pick(['paid', 'pending', 'refunded']),
        customer: { first_name: p.first, last_name: p.last },
        line_items: [{ title: title(ctx, rng.pick(['T-shirt', 'Mug', 'Sticker pack'])), quantity: rng.between(1, 5), price: '19.99' }],
        created_at: when,
      };
    default:
      return {
        id: rng.between(1_000_000, 9_999_999),
        number: rng.between(1, 5000),
        title: title(ctx, rng.pick(SUBJECTS)),
        state: rng.pick(['open', 'closed']),
        user: { login: `${p.last.toLowerCase()}${rng.int(100)}` },
        labels: [{ name: rng.pick(['bug', 'enhancement', 'question']) }],
        created_at: when,
      };
  }
}

export function records(ctx: RecordContext, count: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) out.push(record(ctx));
  return out;
}
