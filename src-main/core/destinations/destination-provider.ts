import type { ConnectionView, RemoteFolder } from '../../../src-shared/bridge-contract.ts';
import type { DestinationKind } from '../../../src-shared/settings.ts';
import type { Destination } from './destination.ts';

/**
 * Everything the uploader needs of one destination beyond the upload protocol: whether it is set
 * up, who is signed in, sign-in and sign-out, the folder browser, and telling credentials apart.
 * The uploader holds one per destination kind and knows nothing of their protocols.
 */
export interface DestinationProvider {
  readonly kind: DestinationKind;
  readonly destination: Destination;
  /** Settings and credentials are there to try an upload. */
  isReady(): boolean;
  /** The state as last known, without asking the remote. */
  connection(): ConnectionView;
  /** Asks the remote (status, account, quota) and returns the fresh state. */
  checkConnection(signal: AbortSignal): Promise<ConnectionView>;
  /**
   * One cheap request to the destination (its health, account or drive) with the stored
   * credentials: does it answer? Throws TransferFault classified as the uploads' requests are.
   */
  ping(signal: AbortSignal): Promise<void>;
  /** Interactive sign-in through the host's browser. */
  connect(signal: AbortSignal): Promise<ConnectionView>;
  /** Signs out: forgets the account and every credential of it. */
  disconnect(signal: AbortSignal): Promise<ConnectionView>;
  /** The folder browser; a destination without folders rejects with NotSupportedError. */
  readonly folders: RemoteFolders;
  /** A one-way fingerprint of the credential stored now (keychain or environment), null when none. */
  credentialFingerprint(): Promise<string | null>;
  /** Drops credentials kept in memory: the next request reads the stored ones again. */
  forgetCredentials(): void;
}

/** A destination's folders as the operator browses them to choose where recordings go. */
export interface RemoteFolders {
  list(parentId: string | null, signal: AbortSignal): Promise<RemoteFolder[]>;
  create(parentId: string | null, name: string, signal: AbortSignal): Promise<RemoteFolder>;
  /** One folder by id, with its display path (the headless `use --folder ID`). */
  describe(folderId: string, signal: AbortSignal): Promise<RemoteFolder>;
}

export class NotSupportedError extends Error {
  override readonly name = 'NotSupportedError';
}
