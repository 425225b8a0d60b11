// Why a remote byte source could not give its bytes, in a sentence a user can act on, with a code
// a caller switches on: offer a download when the server does not do ranges, say "sign in" for a
// 401 or 403, try again later for the network.

export type RemoteSourceErrorCode =
  /** The server sends whole files only: ranges are not supported there. */
  | 'no-ranges'
  /** An error status (404, 403, ...) or an answer that is not the bytes asked for. */
  | 'status'
  /** The server could not be reached, stopped answering or cut a body short (after the retries). */
  | 'network'
  /** The file changed on the server between two reads (its ETag or Last-Modified). */
  | 'changed';

export class RemoteSourceError extends Error {
  readonly data?: { size: number };
  constructor(
    readonly code: RemoteSourceErrorCode,
    message: string,
    /** The HTTP status, when there was an answer. */
    readonly status?: number,
    /** The whole file's size, when the server said it (a `no-ranges` answer). */
    readonly size?: number,
  ) {
    super(message);
    this.name = 'RemoteSourceError';
    // Carried across the session worker's RPC (which passes an error's `data` on).
    if (size !== undefined) this.data = { size };
  }
}
