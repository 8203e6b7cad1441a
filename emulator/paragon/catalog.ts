// The fixed cast of a seeded Paragon project: integrations, the workflows that belong to
// them, and the connected users. Small (tens to hundreds of entries), so kept as plain arrays.
import { hash3, Rng, saltOf, uuidFrom } from '../random';

export const INTEGRATIONS: readonly string[] = ['salesforce', 'hubspot', 'slack', 'jira', 'googledrive', 'zendesk', 'stripe', 'notion', 'shopify', 'github'];

export const TRIGGER_TYPES: readonly string[] = ['TRIGGER/CRON', 'TRIGGER/WEBHOOK', 'TRIGGER/APP_EVENT', 'TRIGGER/ENDPOINT'];

export interface Workflow {
  readonly id: string;
  readonly integration: number;
  readonly triggerType: string;
  /** Relative share of runs: some workflows are busy, most are not. */
  readonly weight: number;
}

export interface Catalog {
  readonly integrations: readonly string[];
  readonly workflows: readonly Workflow[];
  readonly userIds: readonly string[];
  readonly workflowByUuid: ReadonlyMap<string, number>;
  readonly userByName: ReadonlyMap<string, number>;
  readonly integrationByName: ReadonlyMap<string, number>;
  /** Integration index per workflow index, for the hot filtering loop. */
  readonly integrationOfWorkflow: Uint8Array;
}

const WORKFLOW_COUNT = 40;
const USER_COUNT = 200;
const FIRST_NAMES = ['ana', 'ben', 'chloe', 'dev', 'emma', 'farid', 'grace', 'hiro', 'ines', 'jonas', 'kofi', 'lena'];
const DOMAINS = ['example.com', 'acme.example', 'globex.example', 'initech.example'];
// Ids that a client must encode in a query string: '+' reads as a space if left raw.
const AWKWARD_EMAILS = ['dana+ops@example.com', 'zoë.müller@beispiel.example', "o'brien@example.com", 'test@example.com'];

function userId(seed: number, index: number): string {
  const rng = new Rng(hash3(seed, index, saltOf('user')));
  if (index < AWKWARD_EMAILS.length * 10 && index % 10 === 9) return AWKWARD_EMAILS[(index - 9) / 10]!;
  const roll = rng.next();
  if (roll < 0.6) return uuidFrom(hash3(seed, index, saltOf('user-uuid')));
  if (roll < 0.85) return String(rng.between(10_000, 99_999_999));
  return `${rng.pick(FIRST_NAMES)}.${rng.hex(4)}@${rng.pick(DOMAINS)}`;
}

export function buildCatalog(seed: number): Catalog {
  const rng = new Rng(hash3(seed, 0, saltOf('catalog')));
  const workflows: Workflow[] = [];
  for (let w = 0; w < WORKFLOW_COUNT; w++) {
    // The first workflows cover every integration once, so none is empty.
    const integration = w < INTEGRATIONS.length ? w : rng.int(INTEGRATIONS.length);
    workflows.push({
      id: uuidFrom(hash3(seed, w, saltOf('workflow'))),
      integration,
      triggerType: rng.pick(TRIGGER_TYPES),
      weight: 0.2 + rng.next() * rng.next() * 5,
    });
  }
  const userIds: string[] = [];
  const seen = new Set<string>();
  for (let u = 0; userIds.length < USER_COUNT; u++) {
    const id = userId(seed, u);
    if (!seen.has(id)) userIds.push(id);
    seen.add(id);
  }
  return {
    integrations: INTEGRATIONS,
    workflows,
    userIds,
    workflowByUuid: new Map(workflows.map((w, i) => [w.id, i])),
    userByName: new Map(userIds.map((u, i) => [u, i])),
    integrationByName: new Map(INTEGRATIONS.map((name, i) => [name, i])),
    integrationOfWorkflow: Uint8Array.from(workflows.map((w) => w.integration)),
  };
}

/** Cumulative weights for picking a workflow by a uniform draw. */
export function workflowPicker(catalog: Catalog): (u: number) => number {
  const cumulative = new Float64Array(catalog.workflows.length);
  let sum = 0;
  catalog.workflows.forEach((w, i) => {
    sum += w.weight;
    cumulative[i] = sum;
  });
  return (u: number) => {
    const target = u * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cumulative[mid]! <= target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}
