// The server on stdin/stdout: stdout carries the protocol only (messages go to stderr), and
// every message sent passes the redactor value by value. The tools already redact what they
// build; this is the second line of defence, at the output, as the CLI's own stdout has: any
// string anywhere in a message (an SDK error echoing an argument included) loses every piece
// of a known key before it is written. Strings are redacted, never the serialized line, so a
// replacement can never break the JSON around it.
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/** Every string of a JSON value (object keys included) through `redact`. */
export function redactStrings(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactStrings(item, redact));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) out[redact(key)] = redactStrings(item, redact);
  return out;
}

class RedactingStdioTransport extends StdioServerTransport {
  constructor(
    private readonly redact: (text: string) => string,
    stdin: NodeJS.ReadableStream & { pause(): unknown },
    stdout: NodeJS.WritableStream,
  ) {
    super(stdin as never, stdout as never);
  }

  override send(message: JSONRPCMessage): Promise<void> {
    return super.send(redactStrings(message, this.redact) as JSONRPCMessage);
  }
}

export interface StdioOptions {
  readonly redact: (text: string) => string;
  readonly signal: AbortSignal;
  readonly stdin?: NodeJS.ReadStream;
  readonly stdout?: NodeJS.WriteStream;
}

/** Serves until the client closes stdin (or the signal fires: Ctrl-C, SIGTERM). */
export async function serveStdio(server: McpServer, options: StdioOptions): Promise<void> {
  const stdin = options.stdin ?? process.stdin;
  const transport = new RedactingStdioTransport(options.redact, stdin, options.stdout ?? process.stdout);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
  });
  await server.connect(transport);
  // The SDK's transport does not notice the client going away: stdin ending is that.
  const end = () => void server.close();
  stdin.once('end', end);
  stdin.once('close', end);
  if (options.signal.aborted) end();
  else options.signal.addEventListener('abort', end, { once: true });
  try {
    await closed;
  } finally {
    stdin.off('end', end);
    stdin.off('close', end);
    options.signal.removeEventListener('abort', end);
  }
}
