import type { BridgeRequest } from '../../../src-shared/bridge-contract.ts';

export type ParsedRequest =
  | { ok: true; request: BridgeRequest }
  | { ok: false; id: number | null; problem: string };

/**
 * The shape check every carrier from a less trusted side applies (the WebSocket, the renderer's
 * IPC): an integer id, a method name, params an object. Which methods exist and what their params
 * mean is the command router's and the core's business.
 */
export function parseBridgeRequest(value: unknown): ParsedRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, id: null, problem: 'a bridge request is a JSON object {id, method, params}' };
  }
  const { id, method, params } = value as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) {
    return { ok: false, id: null, problem: 'a bridge request needs an integer "id"' };
  }
  if (typeof method !== 'string' || method === '') {
    return { ok: false, id, problem: 'a bridge request needs a "method" name' };
  }
  if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
    return { ok: false, id, problem: `the params of "${method}" must be an object` };
  }
  return { ok: true, request: { id, method, params: params ?? {} } as BridgeRequest };
}
