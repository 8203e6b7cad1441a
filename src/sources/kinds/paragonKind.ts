// The Paragon kind: a project's Task History API (cloud or on-premise), read with the
// project's key. The project id is part of every URL, so settings, Add Source and the CLI
// all insist on one.
import * as l10n from '@vscode/l10n';
import { UnsupportedError } from '../../core/errors';
import { PARAGON_CLOUD_ORIGIN, ParagonClient } from '../paragon/paragonClient';
import { PARAGON_STATUS } from '../paragon/paragonWire';
import { urlInputValidator, type SourceKindDescriptor } from './sourceKind';

/** A Paragon base URL may already be a project's full task-history URL. */
const PROJECT_IN_URL = /\/projects\/([^/]+)\/task-history\/?$/;

export const paragonKind: SourceKindDescriptor<'paragon'> = {
  kind: 'paragon',
  displayName: 'Paragon',
  apiName: 'Paragon Task History API',
  get description() {
    return l10n.t('Task History API: workflow executions');
  },
  icon: 'server-process',
  defaultBaseUrl: PARAGON_CLOUD_ORIGIN,
  syncDetails: 'failed',
  indexIdentity: 'project',
  vendorStatuses: { names: Object.keys(PARAGON_STATUS), read: (name) => PARAGON_STATUS[name.toUpperCase()] },
  // A guess from the dashboard's project URLs (cloud only: an on-premise dashboard has its own
  // host); to be confirmed before a "Open in Paragon" action relies on it.
  dashboardUrlTemplate: 'https://dashboard.useparagon.com/connect/projects/{projectId}/task-history/{runId}',

  validateConfig(raw) {
    if (typeof raw['projectId'] !== 'string' || !raw['projectId']) return l10n.t('a Paragon source needs a "projectId".');
    return undefined;
  },

  createClient(config, deps) {
    if (!config.projectId) {
      throw new UnsupportedError(l10n.t('The Paragon source "{0}" has no projectId.', config.label ?? config.id), `source ${config.id} without projectId`);
    }
    return new ParagonClient({
      projectId: config.projectId,
      baseUrl: config.baseUrl,
      label: config.label,
      allowInsecureHttp: config.allowInsecureHttp === true,
      ...deps,
    });
  },

  addSourceSteps: {
    commandId: 'taskHistory.addParagonSource',
    steps: [
      {
        type: 'input',
        name: 'projectId',
        get title() {
          return l10n.t('Paragon project id');
        },
        get prompt() {
          return l10n.t('From the dashboard URL or Settings › API Keys of your Paragon project.');
        },
        validate: (text) => (text.trim() ? undefined : l10n.t('Enter the project id.')),
      },
      {
        type: 'input',
        name: 'baseUrl',
        get title() {
          return l10n.t('Paragon API origin');
        },
        get prompt() {
          return l10n.t('Cloud: https://api.useparagon.com. On-premise: https://zeus.<your host>.');
        },
        value: PARAGON_CLOUD_ORIGIN,
        validate: urlInputValidator(PARAGON_CLOUD_ORIGIN),
      },
      {
        type: 'input',
        name: 'integrations',
        get title() {
          return l10n.t('Integrations to group by (optional)');
        },
        get prompt() {
          return l10n.t('Comma-separated names as passed to paragon.connect, e.g. salesforce, hubspot, slack.');
        },
      },
    ],
    build(answers, context) {
      const projectId = answers['projectId'] ?? '';
      const short = projectId.slice(0, 8);
      return {
        id: context.uniqueId(`paragon-${short}`),
        kind: 'paragon',
        label: `Paragon ${short}`,
        baseUrl: answers['baseUrl'],
        projectId,
        integrations: (answers['integrations'] ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      };
    },
  },

  cli: {
    keyNoun: 'Paragon project',
    baseUrlHelp: `${PARAGON_CLOUD_ORIGIN} (default) or https://zeus.<host>`,
    flags: [{ flags: '--project <id>', description: 'Paragon project id (required for Paragon)' }], // l10n-ignore: the CLI's help (the CLI stays English)
    configFromFlags(common, flags) {
      const project = typeof flags['project'] === 'string' ? flags['project'].trim() : '';
      if (!project) return { problem: 'Paragon needs a project: pass --project <id> (Project Settings in the Paragon dashboard).' };
      // A base URL that already names a project must not contradict --project.
      const named = common.baseUrl ? PROJECT_IN_URL.exec(new URL(common.baseUrl).pathname)?.[1] : undefined;
      if (named !== undefined && decodeURIComponent(named) !== project) {
        return { problem: `--base-url names the project ${decodeURIComponent(named)} but --project is ${project}: give an origin such as ${PARAGON_CLOUD_ORIGIN}.` };
      }
      return { config: { ...common, projectId: project } };
    },
  },
};
