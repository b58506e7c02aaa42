import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { BridgeRequest, BridgeResponse } from '../../src-shared/bridge-contract.ts';

const ipcMain = new EventEmitter();
vi.mock('electron', () => ({ ipcMain }));

const { registerBridgeIpc } = await import('../../src-main/desktop/bridge/ipc.ts');
const { BRIDGE_MESSAGE_CHANNEL, BRIDGE_REQUEST_CHANNEL } = await import(
  '../../src-main/desktop/bridge/ipc-channels.ts'
);
const { isTrustedSender, originOf } = await import('../../src-main/desktop/security/sender-check.ts');

const APP = { origin: 'app://renderer', webContentsId: 7 };

describe('which senders may reach the core', () => {
  const facts = (frameUrl: string | null, isMainFrame = true, webContentsId = 7) => ({
    frameUrl,
    isMainFrame,
    webContentsId,
  });

  it("accepts the main frame of the app's window on the app's origin", () => {
    expect(isTrustedSender(facts('app://renderer/index.html'), APP)).toBe(true);
    expect(isTrustedSender(facts('app://renderer/index.html#/settings'), APP)).toBe(true);
    const dev = { origin: 'http://127.0.0.1:5173', webContentsId: 7 };
    expect(isTrustedSender(facts('http://127.0.0.1:5173/'), dev)).toBe(true);
  });

  it('refuses other origins, look-alikes, subframes, other windows and vanished frames', () => {
    expect(isTrustedSender(facts('https://evil.example/'), APP)).toBe(false);
    expect(isTrustedSender(facts('app://renderer.evil/index.html'), APP)).toBe(false);
    expect(isTrustedSender(facts('app://other/index.html'), APP)).toBe(false);
    expect(isTrustedSender(facts('file:///home/op/app/index.html'), APP)).toBe(false);
    expect(isTrustedSender(facts('app://user:pw@renderer/index.html'), APP)).toBe(false);
    expect(isTrustedSender(facts('app://renderer/index.html', false), APP)).toBe(false);
    expect(isTrustedSender(facts('app://renderer/index.html', true, 8), APP)).toBe(false);
    expect(isTrustedSender(facts(null), APP)).toBe(false);
    expect(isTrustedSender(facts(''), APP)).toBe(false);
    expect(isTrustedSender(facts('app://renderer/index.html'), { ...APP, webContentsId: null })).toBe(false);
    const dev = { origin: 'http://127.0.0.1:5173', webContentsId: 7 };
    expect(isTrustedSender(facts('http://127.0.0.1:5174/'), dev)).toBe(false);
    expect(isTrustedSender(facts('http://localhost:5173/'), dev)).toBe(false);
  });

  it('spells out the origin of custom schemes, which URL.origin calls "null"', () => {
    expect(new URL('app://renderer/x').origin).toBe('null');
    expect(originOf('app://renderer/x')).toBe('app://renderer');
    expect(originOf('http://127.0.0.1:5173/a?b')).toBe('http://127.0.0.1:5173');
    expect(originOf('not a url')).toBeNull();
  });
});

describe('the bridge IPC handler in the main process (electron mocked)', () => {
  let handled: BridgeRequest[];
  let refused: string[];
  let unregister: () => void;

  beforeEach(() => {
    unregister?.();
    handled = [];
    refused = [];
    unregister = registerBridgeIpc({
      trusted: () => APP,
      handle: async (request) => {
        handled.push(request);
        return { id: request.id, result: 'ok' };
      },
      onRefused: (reason) => refused.push(reason),
    });
  });

  function send(
    payload: unknown,
    frameUrl: string | null,
    options: { parent?: object | null; id?: number } = {},
  ) {
    const sent: BridgeResponse[] = [];
    const sender = {
      id: options.id ?? 7,
      isDestroyed: () => false,
      send: (channel: string, message: BridgeResponse) => {
        expect(channel).toBe(BRIDGE_MESSAGE_CHANNEL);
        sent.push(message);
      },
    };
    const senderFrame = frameUrl === null ? null : { url: frameUrl, parent: options.parent ?? null };
    ipcMain.emit(BRIDGE_REQUEST_CHANNEL, { sender, senderFrame }, payload);
    return sent;
  }

  it('hands a request from the app window to the core and answers it', async () => {
    const sent = send({ id: 3, method: 'getSnapshot', params: {} }, 'app://renderer/index.html');
    await vi.waitFor(() => expect(sent).toEqual([{ id: 3, result: 'ok' }]));
    expect(handled).toEqual([{ id: 3, method: 'getSnapshot', params: {} }]);
  });

  it('drops, unanswered, every message from a sender that is not the app window', async () => {
    const request = { id: 4, method: 'resumeAll', params: {} };
    const replies = [
      send(request, 'https://evil.example/'),
      send(request, 'app://renderer/index.html', { parent: {} }),
      send(request, 'app://renderer/index.html', { id: 99 }),
      send(request, null),
    ];
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(handled).toEqual([]);
    expect(replies.flat()).toEqual([]);
    expect(refused).toHaveLength(4);
  });

  it('answers a malformed request from the app window with the problem, without reaching the core', async () => {
    const sent = send({ id: 5, method: 'retry', params: [1] }, 'app://renderer/index.html');
    await vi.waitFor(() =>
      expect(sent).toEqual([
        { id: 5, error: { code: 'BadRequest', message: 'the params of "retry" must be an object' } },
      ]),
    );
    expect(handled).toEqual([]);
  });
});
