import { createInterface } from 'node:readline';

/**
 * The server side of JsonLinesChild: answers each JSON line on stdin with one JSON line on
 * stdout (`{"error": …}` when answering throws), and runs `close` then exits when stdin ends.
 */
export function serveJsonLines<Request>(
  answer: (request: Request) => Promise<unknown>,
  close: () => Promise<unknown>,
): void {
  const lines = createInterface({ input: process.stdin });
  lines.on('line', async (line) => {
    let reply: unknown;
    try {
      reply = await answer(JSON.parse(line) as Request);
    } catch (error) {
      reply = { error: (error as Error).message };
    }
    process.stdout.write(`${JSON.stringify(reply)}\n`);
  });
  lines.on('close', () => {
    void close().then(() => process.exit(0));
  });
}
