import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type GateDecision = { ok: true; rest: string } | { ok: false; status: number; reason: string };

export interface GateRequest {
  host: string | undefined;
  origin: string | undefined;
  /** The request target as received, e.g. `/SECRET/assets/index.js?x=1`. */
  url: string | undefined;
}

/**
 * Who may talk to the headless web UI: a request must name this server exactly in Host (a DNS
 * rebinding attack arrives with the attacker's host name), carry no foreign Origin (another site's
 * page), and start its path with the secret (kept with the data folder, so a page left open
 * reconnects after a restart). The secret lives in the path, not a cookie: cookies are shared by
 * every port of 127.0.0.1, a path is not, and the page's relative asset URLs carry it along by
 * themselves.
 */
export class WebUiGate {
  readonly secret: string;
  readonly #host: string;
  readonly #origin: string;
  readonly #secretDigest: Buffer;

  constructor(port: number, secret: string = newSecret()) {
    this.secret = secret;
    this.#host = `127.0.0.1:${port}`;
    this.#origin = `http://${this.#host}`;
    this.#secretDigest = digest(secret);
  }

  get pageUrl(): string {
    return `${this.#origin}/${this.secret}/`;
  }

  /** The bridge socket's scheme, host and port, for the page's CSP. */
  get socketOrigin(): string {
    return `ws://${this.#host}`;
  }

  /** A page or asset request: a foreign Origin is refused, a missing one is what browsers send. */
  checkPage(request: GateRequest): GateDecision {
    return this.#check(request, false);
  }

  /** A WebSocket upgrade: browsers always send Origin with one, so it must be present and ours. */
  checkSocket(request: GateRequest): GateDecision {
    return this.#check(request, true);
  }

  #check(request: GateRequest, originRequired: boolean): GateDecision {
    if (request.host !== this.#host) return refuse(421, `wrong Host header (expected ${this.#host})`);
    if (request.origin === undefined ? originRequired : request.origin !== this.#origin) {
      return refuse(403, 'foreign or missing Origin');
    }
    const path = (request.url ?? '').split('?', 1)[0] ?? '';
    const match = /^\/([^/]*)(.*)$/s.exec(path);
    // Hashing both sides compares equal-length digests: the time taken says nothing about the secret.
    if (match === null || !timingSafeEqual(digest(match[1] ?? ''), this.#secretDigest)) {
      return refuse(404, 'not found');
    }
    return { ok: true, rest: match[2] ?? '' };
  }
}

/** 256 random bits, URL-safe. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

const refuse = (status: number, reason: string): GateDecision => ({ ok: false, status, reason });
