// A command line that cannot be run as given (a missing flag, a flag that does not fit
// the source): exit code 2, with a message that says what to type instead.

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
