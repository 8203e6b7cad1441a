// The key comes from the environment only: a flag would land in shell history and in the
// process list, where anyone on the machine can read it.
import { AuthError } from '../core/errors';

export const API_KEY_ENV = 'TASK_HISTORY_API_KEY';

export const KEY_HINT = `Check the key in the environment variable ${API_KEY_ENV}.`;

export function readApiKey(env: NodeJS.ProcessEnv, keyNoun: string): string {
  const key = env[API_KEY_ENV]?.trim();
  if (!key) {
    throw new AuthError(
      `No API key: set the environment variable ${API_KEY_ENV} to your ${keyNoun} API key (it is never taken as a flag, so it stays out of shell history).`,
      `${API_KEY_ENV} unset or empty`,
    );
  }
  return key;
}
