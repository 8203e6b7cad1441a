// A failure a command has already put in its own words ("Export failed; nothing was
// written to runs.json. …"); the exit code still comes from the underlying error.
import { userMessage } from '../core/errors';

export class CommandFailure extends Error {
  constructor(
    readonly reason: unknown,
    message: string,
  ) {
    super(message);
    this.name = 'CommandFailure';
  }

  static withContext(reason: unknown, context: string): CommandFailure {
    return new CommandFailure(reason, `${context} ${userMessage(reason)}`);
  }
}
