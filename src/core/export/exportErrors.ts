// Failures of the export itself (not of an API): a target that cannot be written. Like the
// API errors, each has a message a person can act on and a detail for the log.

export class ExportTargetError extends Error {
  constructor(
    message: string,
    /** For the log: the path and the system's error code. */
    readonly detail: string,
  ) {
    super(message);
    this.name = 'ExportTargetError';
  }
}
