import { request } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type LoopbackRedirect,
  listenForRedirect,
  SignInError,
} from '../../src-main/core/auth/loopback-redirect.ts';

let listener: LoopbackRedirect | undefined;
afterEach(async () => {
  await listener?.close();
  listener = undefined;
});

const portOf = (l: LoopbackRedirect): number => Number(new URL(l.redirectUri).port);

/** Resolves true when a TCP connection to host:port is accepted, false when it is refused. */
function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A GET with an explicit Host header (fetch does not let a caller set one). */
function get(
  port: number,
  path: string,
  host = `127.0.0.1:${port}`,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (piece: string) => {
        body += piece;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

async function rejection(promise: Promise<unknown>): Promise<SignInError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SignInError) return error;
    throw error;
  }
  throw new Error('the sign-in answer was expected to fail');
}

describe('the loopback redirect listener', () => {
  it('hands over the code of a redirect that carries the right state, answers a page, then closes', async () => {
    listener = await listenForRedirect({ state: 'st-123', timeoutMs: 5000, service: 'Google Drive' });
    expect(listener.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const response = await fetch(`${listener.redirectUri}?code=the-code&state=st-123&scope=a%20b`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('connected to Google Drive');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const answer = await listener.answer;
    expect(answer.code).toBe('the-code');
    expect(answer.params.get('scope')).toBe('a b');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await canConnect('127.0.0.1', portOf(listener))).toBe(false);
  });

  it('answers a redirect with a wrong state 400, hands over nothing, and keeps waiting for the real one', async () => {
    listener = await listenForRedirect({ state: 'expected', timeoutMs: 5000, service: 'Google Drive' });
    const stray = await fetch(`${listener.redirectUri}?code=planted&state=forged`);
    expect(stray.status).toBe(400);
    expect(await stray.text()).toContain('did not carry the state');
    // Still listening: the real redirect, after the stray one, completes the sign-in.
    const real = await fetch(`${listener.redirectUri}?code=the-real-code&state=expected`);
    expect(real.status).toBe(200);
    const answer = await listener.answer;
    expect(answer.code).toBe('the-real-code');
  });

  it('answers a request without any state 400 and keeps waiting', async () => {
    listener = await listenForRedirect({ state: 'expected', timeoutMs: 5000 });
    expect((await fetch(`${listener.redirectUri}?code=c`)).status).toBe(400);
    // Not even an error answer ends the sign-in without the state.
    expect((await fetch(`${listener.redirectUri}?error=access_denied`)).status).toBe(400);
    expect((await fetch(`${listener.redirectUri}?code=real&state=expected`)).status).toBe(200);
    expect((await listener.answer).code).toBe('real');
  });

  it('gives up after its time-out and stops listening', async () => {
    listener = await listenForRedirect({ state: 's', timeoutMs: 150, service: 'Google Drive' });
    const started = Date.now();
    const error = await rejection(listener.answer);
    expect(error.reason).toBe('timeout');
    expect(error.message).toContain('Google Drive');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await canConnect('127.0.0.1', portOf(listener))).toBe(false);
  });

  it('reports a refusal at the consent screen with the provider’s own words', async () => {
    listener = await listenForRedirect({ state: 's', timeoutMs: 5000, service: 'Google Drive' });
    const response = await fetch(`${listener.redirectUri}?error=access_denied&state=s`);
    expect(response.status).toBe(400);
    const error = await rejection(listener.answer);
    expect(error.reason).toBe('denied');
    expect(error.message).toContain('access_denied');
  });

  it('serves nothing on other paths or host names, and those requests do not use up the one redirect', async () => {
    listener = await listenForRedirect({ state: 's', timeoutMs: 5000 });
    const port = portOf(listener);
    expect((await get(port, '/favicon.ico')).status).toBe(404);
    expect((await get(port, '/?code=x&state=s', `evil.example:${port}`)).status).toBe(400);
    const good = await get(port, '/?code=real&state=s');
    expect(good.status).toBe(200);
    expect((await listener.answer).code).toBe('real');
  });

  it('is cancelled by its signal', async () => {
    const controller = new AbortController();
    listener = await listenForRedirect({ state: 's', timeoutMs: 5000, signal: controller.signal });
    controller.abort();
    expect((await rejection(listener.answer)).reason).toBe('cancelled');
  });

  it('binds 127.0.0.1 only: no other address of this machine reaches it', async () => {
    listener = await listenForRedirect({ state: 's', timeoutMs: 5000 });
    const port = portOf(listener);
    expect(await canConnect('127.0.0.1', port)).toBe(true);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a !== undefined && a.address !== '127.0.0.1')
      .map((a) => (a as { address: string }).address);
    // ::1 and (on Linux, where all of 127/8 is loopback) 127.0.0.2 are always tried: a listener
    // on "localhost" or on every address would answer there.
    const always = process.platform === 'linux' ? ['::1', '127.0.0.2'] : ['::1'];
    const addresses = [...new Set([...always, ...others])];
    for (const address of addresses) {
      expect(await canConnect(address, port), address).toBe(false);
    }
  });
});
