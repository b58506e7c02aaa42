import type { z } from 'zod';
import { endpointProblem, originOf } from '../../../../src-shared/endpoints.ts';
import { TransferFault } from '../../faults.ts';
import type { HttpClient, HttpRequest } from '../http-client.ts';
import { graphFault } from './graph-fault.ts';

export interface GraphClientOptions {
  baseUrl(): string;
  /** Plain-http origins the policy allows besides loopback (upload URLs carry no token, but bytes). */
  plainHttpOrigins?(): readonly string[];
  http: HttpClient;
  /** An access token; `forceRefresh` after Graph refused the last one. Throws TransferFault. */
  token(forceRefresh: boolean): Promise<string>;
  now(): number;
}

/**
 * Requests to Microsoft Graph with the signed-in user's token. A 401 gets one silent refresh and
 * one more try, because a token may be revoked or cut short before its stated end; a second 401
 * is an auth fault. Upload URLs are not sent through here: they must never carry a token.
 */
export class GraphClient {
  readonly #options: GraphClientOptions;

  constructor(options: GraphClientOptions) {
    this.#options = options;
  }

  /**
   * `path` below the Graph base URL (e.g. "/me/drive"), or an absolute `@odata.nextLink`: one on
   * another origin is refused, as following it would hand the token to that origin.
   */
  url(path: string, query: Record<string, string> = {}): string {
    const base = this.#options.baseUrl().replace(/\/+$/, '');
    const absolute = /^[a-z][a-z0-9+.-]*:/i.test(path);
    if (absolute && originOf(path) !== originOf(base)) {
      throw new TransferFault(
        'rejected',
        `OneDrive: Graph named a next page on ${originOf(path) ?? 'another address'}, not Graph's origin (${originOf(base)}): refused`,
      );
    }
    const url = new URL(absolute ? path : `${base}${path}`);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    return url.toString();
  }

  async send(request: HttpRequest, signal: AbortSignal): Promise<Response> {
    const what = `OneDrive ${request.what}`;
    // The Graph token goes to Graph's origin only.
    const own = originOf(this.#options.baseUrl());
    if (originOf(request.url) !== own) {
      throw new TransferFault(
        'rejected',
        `${what}: ${originOf(request.url)} is not Graph's origin (${own}): refused`,
      );
    }
    const first = await this.#sendWith(await this.#options.token(false), request, what, signal);
    if (first.status !== 401) return first;
    await first.body?.cancel();
    const second = await this.#sendWith(await this.#options.token(true), request, what, signal);
    if (second.status === 401) throw await this.fault(second, request.what);
    return second;
  }

  /** Sends without a token: for upload URLs, which carry their own authorization. */
  sendBare(request: HttpRequest, signal: AbortSignal): Promise<Response> {
    const problem = endpointProblem(request.url, this.#options.plainHttpOrigins?.() ?? []);
    if (problem !== null) {
      throw new TransferFault('rejected', `OneDrive ${request.what}: the upload address ${problem}`);
    }
    return this.#options.http.send({ ...request, what: `OneDrive ${request.what}` }, signal);
  }

  json<S extends z.ZodType>(response: Response, schema: S, what: string): Promise<z.infer<S>> {
    return this.#options.http.json(response, schema, `OneDrive ${what}`);
  }

  fault(response: Response, what: string, sessionUrl = false): Promise<TransferFault> {
    return graphFault(response, { what: `OneDrive ${what}`, sessionUrl, now: this.#options.now() });
  }

  #sendWith(token: string, request: HttpRequest, what: string, signal: AbortSignal): Promise<Response> {
    if (token === '') throw new TransferFault('auth', 'no OneDrive access token');
    const headers = { ...request.headers, authorization: `Bearer ${token}` };
    return this.#options.http.send({ ...request, headers, what }, signal);
  }
}

/** `/drives/{id}` for a known drive, `/me/drive` for the signed-in user's own. */
export function drivePath(driveId: string | null): string {
  return driveId === null ? '/me/drive' : `/drives/${encodeURIComponent(driveId)}`;
}

/** An item by id, or a child of it by name: `…/items/{id}:/{name}:`. */
export function itemPath(driveId: string | null, itemId: string, childName?: string): string {
  const item = `${drivePath(driveId)}/items/${encodeURIComponent(itemId)}`;
  return childName === undefined ? item : `${item}:/${encodeURIComponent(childName)}:`;
}
