import { describe, expect, it, vi } from 'vitest';
import { withBridgeErrors } from '../../src-renderer/bridge/preload-bridge.ts';
import {
  type AddressProbe,
  bridgeSocketUrl,
  createWebSocketBridge,
  type SocketLike,
} from '../../src-renderer/bridge/web-socket-bridge.ts';
import { BridgeError, type UploaderBridge } from '../../src-shared/bridge-client.ts';
import { type BridgeEvent, type BridgeRequest, CORE_UNAVAILABLE } from '../../src-shared/bridge-contract.ts';

class FakeSocket implements SocketLike {
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: BridgeRequest[] = [];
  send(data: string) {
    this.sent.push(JSON.parse(data) as BridgeRequest);
  }
  close() {
    this.onclose?.({});
  }
  open() {
    this.onopen?.({});
  }
  answer(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

function setup(probeAddress?: () => Promise<AddressProbe>) {
  const sockets: FakeSocket[] = [];
  const bridge = createWebSocketBridge({
    url: 'ws://127.0.0.1:1/secret/bridge',
    openSocket: () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
    reconnectDelaysMs: [10, 20],
    ...(probeAddress === undefined ? {} : { probeAddress }),
  });
  const events: BridgeEvent[] = [];
  bridge.onEvent((event) => events.push(event));
  return { bridge, sockets, events, latest: () => sockets.at(-1) as FakeSocket };
}

describe('the browser bridge over a WebSocket', () => {
  it('finds the socket under the secret path the page was served from', () => {
    expect(bridgeSocketUrl({ protocol: 'http:', host: '127.0.0.1:4100', pathname: '/s3cr3t/' })).toBe(
      'ws://127.0.0.1:4100/s3cr3t/bridge',
    );
    expect(
      bridgeSocketUrl({ protocol: 'http:', host: '127.0.0.1:4100', pathname: '/s3cr3t/index.html' }),
    ).toBe('ws://127.0.0.1:4100/s3cr3t/bridge');
  });

  it('holds commands until the socket opens, then sends them', async () => {
    const { bridge, latest } = setup();
    const answer = bridge.invoke('getSnapshot', {});
    expect(latest().sent).toEqual([]);
    latest().open();
    const [request] = latest().sent;
    expect(request?.method).toBe('getSnapshot');
    latest().answer({ id: request?.id, result: { ok: true } });
    expect(await answer).toEqual({ ok: true });
  });

  it('fails what a lost socket carried, reports the core unavailable, reconnects and reports it back', async () => {
    vi.useFakeTimers();
    try {
      const { bridge, sockets, events, latest } = setup();
      latest().open();
      const carried = bridge.invoke('retry', { jobId: 3 });
      latest().close();
      await expect(carried).rejects.toMatchObject({ code: CORE_UNAVAILABLE });
      expect(events).toEqual([
        {
          event: 'core-status',
          payload: {
            state: 'unavailable',
            detail: 'The connection to the uploader was lost; reconnecting',
            reconnect: 'at-this-address',
          },
        },
      ]);
      const later = bridge.invoke('getSnapshot', {});
      vi.advanceTimersByTime(10);
      expect(sockets).toHaveLength(2);
      latest().open();
      expect(events.at(-1)).toEqual({ event: 'core-status', payload: { state: 'running', detail: null } });
      const [request] = latest().sent;
      latest().answer({ id: request?.id, result: 'fresh' });
      expect(await later).toBe('fresh');
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects everything after close, without reconnecting', async () => {
    const { bridge, sockets, latest } = setup();
    latest().open();
    bridge.close();
    await expect(bridge.invoke('getSnapshot', {})).rejects.toMatchObject({ code: CORE_UNAVAILABLE });
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(sockets).toHaveLength(1);
  });

  it('promises to reconnect only while the address may serve the page again', async () => {
    let seen: AddressProbe = 'down';
    const { events, latest } = setup(() => Promise.resolve(seen));
    latest().open();
    latest().close();
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Nothing answers there: the host is away, and the same address brings it back.
    expect(events.map((e) => e.payload)).toEqual([
      {
        state: 'unavailable',
        detail: 'The connection to the uploader was lost; reconnecting',
        reconnect: 'at-this-address',
      },
    ]);
    // The host came back with another secret: the page is told it cannot come back by itself.
    seen = 'foreign';
    await new Promise((resolve) => setTimeout(resolve, 15));
    latest().close();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(events.at(-1)?.payload).toEqual({
      state: 'unavailable',
      detail:
        'The address of this page no longer serves it: the uploader was started with another data folder or port',
      reconnect: 'no',
    });
    // Served here again: it reconnects, and says so.
    seen = 'ours';
    await new Promise((resolve) => setTimeout(resolve, 25));
    latest().open();
    expect(events.at(-1)?.payload).toEqual({ state: 'running', detail: null });
  });

  it('ignores frames that are not JSON text instead of failing the page', async () => {
    const { bridge, latest } = setup();
    latest().open();
    const answer = bridge.invoke('getSnapshot', {});
    latest().onmessage?.({ data: 'garbage' });
    latest().onmessage?.({ data: new Uint8Array([1, 2]) });
    latest().answer({ id: latest().sent[0]?.id, result: 1 });
    expect(await answer).toBe(1);
  });
});

describe("the desktop preload's bridge, as the page sees it", () => {
  it('turns the plain {message, code} the context bridge carries back into a BridgeError', async () => {
    const preloaded: UploaderBridge = {
      invoke: () =>
        Promise.reject({ name: 'BridgeError', message: 'type the folder path', code: 'NoFolderDialogError' }),
      onEvent: () => () => {},
    };
    const error = await withBridgeErrors(preloaded)
      .invoke('chooseLocalFolder', {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BridgeError);
    expect(error).toMatchObject({ message: 'type the folder path', code: 'NoFolderDialogError' });
  });
});
