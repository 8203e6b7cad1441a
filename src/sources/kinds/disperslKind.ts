// The Dispersl kind: an account's History API of agent tasks. Its rate limit depends on the
// account's plan, so Add Source asks for the plan and the CLI takes --requests-per-hour.
import * as l10n from '@vscode/l10n';
import { formatNumber } from '../../core/locale';
import { DISPERSL_ORIGIN, DISPERSL_TIER_REQUESTS_PER_HOUR, DisperslClient } from '../dispersl/disperslClient';
import { DISPERSL_STATUS } from '../dispersl/disperslWire';
import { urlInputValidator, type SourceKindDescriptor } from './sourceKind';

const PLANS = {
  pro: DISPERSL_TIER_REQUESTS_PER_HOUR.pro,
  free: DISPERSL_TIER_REQUESTS_PER_HOUR.free,
} as const;

function isPositiveWholeNumber(text: string): boolean {
  return /^\d+$/.test(text.trim()) && Number(text) > 0;
}

export const disperslKind: SourceKindDescriptor<'dispersl'> = {
  kind: 'dispersl',
  displayName: 'Dispersl',
  apiName: 'Dispersl History API',
  get description() {
    return l10n.t('History API: agent tasks');
  },
  icon: 'hubot',
  defaultBaseUrl: DISPERSL_ORIGIN,
  syncDetails: 'all',
  indexIdentity: 'apiKey',
  vendorStatuses: { names: Object.keys(DISPERSL_STATUS), read: (name) => DISPERSL_STATUS[name.toLowerCase()] },
  // No documented dashboard link to a task is known.
  dashboardUrlTemplate: undefined,

  validateConfig(raw) {
    const perHour = raw['requestsPerHour'];
    if (perHour !== undefined && !(typeof perHour === 'number' && Number.isFinite(perHour) && perHour > 0)) {
      return l10n.t('"requestsPerHour" must be a number above 0 (Free 100, Pro 1000, or your Enterprise limit).');
    }
    return undefined;
  },

  createClient(config, deps) {
    return new DisperslClient({
      baseUrl: config.baseUrl,
      label: config.label,
      requestsPerHour: config.requestsPerHour,
      allowInsecureHttp: config.allowInsecureHttp === true,
      ...deps,
    });
  },

  addSourceSteps: {
    commandId: 'taskHistory.addDisperslSource',
    steps: [
      {
        type: 'input',
        name: 'baseUrl',
        get title() {
          return l10n.t('Dispersl API root');
        },
        value: DISPERSL_ORIGIN,
        validate: urlInputValidator(DISPERSL_ORIGIN),
      },
      {
        type: 'pick',
        name: 'plan',
        get title() {
          return l10n.t('Dispersl plan (sets the request budget)');
        },
        // The plans' names are Dispersl's; what each allows is said in the display language.
        get items() {
          return [
            { label: 'Pro', description: l10n.t('{0} requests per hour', formatNumber(PLANS.pro)), value: 'pro' }, // l10n-ignore: Dispersl's plan name
            { label: 'Free', description: l10n.t('{0} requests per hour', formatNumber(PLANS.free)), value: 'free' }, // l10n-ignore: Dispersl's plan name
            { label: 'Enterprise', description: l10n.t('your contract’s limit'), value: 'enterprise' }, // l10n-ignore: Dispersl's plan name
          ];
        },
      },
      {
        type: 'input',
        name: 'requestsPerHour',
        get title() {
          return l10n.t('Requests per hour');
        },
        value: '5000',
        when: (answers) => answers['plan'] === 'enterprise',
        validate: (text) => (isPositiveWholeNumber(text) ? undefined : l10n.t('A whole number above 0.')),
      },
    ],
    build(answers, context) {
      const plan = answers['plan'];
      const perHour = plan === 'pro' || plan === 'free' ? PLANS[plan] : Number(answers['requestsPerHour']);
      return { id: context.uniqueId('dispersl'), kind: 'dispersl', label: 'Dispersl', baseUrl: answers['baseUrl'], requestsPerHour: perHour };
    },
  },

  cli: {
    keyNoun: 'Dispersl',
    baseUrlHelp: `${DISPERSL_ORIGIN} (default)`,
    flags: [
      {
        flags: '--requests-per-hour <n>',
        description: 'Dispersl request budget: 100 Free, 1000 Pro, or your Enterprise limit', // l10n-ignore: the CLI's help (the CLI stays English)
        value: 'positive-integer',
        defaultValue: DISPERSL_TIER_REQUESTS_PER_HOUR.pro,
      },
    ],
    configFromFlags(common, flags) {
      const perHour = flags['requestsPerHour'];
      return { config: { ...common, requestsPerHour: typeof perHour === 'number' ? perHour : undefined } };
    },
  },
};
