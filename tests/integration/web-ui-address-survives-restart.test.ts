import { statSync } from 'node:fs';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readWebUiAddress } from '../../src-main/headless/web-ui/web-ui-address.ts';
import type { HeadlessProcess } from '../support/headless-cli.ts';
import { HeadlessFixture } from '../support/headless-fixture.ts';
import { ensureRendererBuild } from '../support/renderer-build.ts';

const ADDRESS = /Web UI: (\S+)/;

/** What a GET of the page answers with: its status only. */
function statusOf(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

function occupy(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

let fixture: HeadlessFixture | undefined;
const blockers: Server[] = [];

afterEach(async () => {
  for (const blocker of blockers.splice(0)) await new Promise((done) => blocker.close(done));
  await fixture?.close();
  fixture = undefined;
});

beforeAll(async () => {
  await ensureRendererBuild();
});

describe('the web UI keeps its address for a data folder', () => {
  async function started(extra: string[] = []): Promise<{ host: HeadlessProcess; url: string }> {
    const f = fixture as HeadlessFixture;
    const host = f.spawn([
      'run',
      '--data-dir',
      f.dataDir,
      '--settings',
      f.settingsFile,
      '--web-ui',
      ...extra,
    ]);
    const url = ADDRESS.exec(await host.waitForOutput(ADDRESS))?.[1] ?? '';
    return { host, url };
  }

  it('serves the same address after a restart, its secret kept readable by the operator alone', async () => {
    fixture = await HeadlessFixture.start();
    const first = await started();
    expect((await first.host.stop('SIGTERM')).code).toBe(0);
    const file = join(fixture.dataDir, 'web-ui.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const second = await started();
    expect(second.url).toBe(first.url);
    expect(await statusOf(second.url)).toBe(200);
    const saved = readWebUiAddress(file);
    expect(second.url).toBe(`http://127.0.0.1:${saved?.port}/${saved?.secret}/`);
  });

  it('a port given once becomes the address; when another program holds it, says so and serves elsewhere', async () => {
    fixture = await HeadlessFixture.start();
    const probe = await occupy(0);
    const port = (probe.address() as { port: number }).port;
    await new Promise((done) => probe.close(done));
    const chosen = await started(['--web-ui-port', String(port)]);
    expect(new URL(chosen.url).port).toBe(String(port));
    await chosen.host.stop('SIGTERM');

    blockers.push(await occupy(port));
    const moved = await started();
    expect(new URL(moved.url).port).not.toBe(String(port));
    expect(moved.host.stderr).toContain(
      `Web UI: port ${port} on 127.0.0.1, this data folder's web UI address, is taken by another program`,
    );
    expect(moved.host.stderr).toContain('A page open at the old address cannot reconnect');
    // The folder's own address stays the one to come back to.
    expect(readWebUiAddress(join(fixture.dataDir, 'web-ui.json'))?.port).toBe(port);
    await moved.host.stop('SIGTERM');

    const refused = await fixture.cli([
      'run',
      '--settings',
      fixture.settingsFile,
      '--web-ui',
      '--web-ui-port',
      String(port),
    ]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`port ${port} on 127.0.0.1 is taken: pick another --web-ui-port`);
  });
});
