import type { RequestMatch } from '../http/index.js';
import type { DriveScope, OAuthClientSpec, TokenGrant } from './oauth.js';
import type { StandInFile, StandInRevision } from './store.js';

/** The Drive stand-in's options, records and inspection API (see index.ts). */

export type { RequestMatch };

export interface ScriptedFailure {
  status: number;
  reason?: string;
  message?: string;
  /** Retry-After header value (seconds or an HTTP date). */
  retryAfter?: string;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  query: string;
  status: number;
}

/** An access token given up front: a plain string has the full `drive` scope. */
export type StaticToken = string | { token: string; scope?: DriveScope; clientId?: string };

export interface DriveStandInOptions {
  host?: string;
  port?: number;
  /** Bearer tokens accepted (default: ["test-access-token"]). */
  accessTokens?: StaticToken[];
  /** OAuth clients of the token and authorization endpoints (refresh tokens issued earlier, per client). */
  oauthClients?: OAuthClientSpec[];
  /** Clock for modifiedTime (tests make revisions strictly ordered). */
  now?: () => Date;
  /**
   * Cap on page sizes: Drive may return fewer items than pageSize asked for
   * (clients must follow nextPageToken); tests set this low to prove they do.
   */
  maxPageSize?: number;
  /** Max bytes of a simple or multipart upload (default 5 MiB, as Drive documents). */
  maxSimpleUploadBytes?: number;
}

export interface DriveStandIn {
  /** The API root, to give as `rootUrl` (ends with "/"). */
  url: string;
  /** The OAuth token endpoint. */
  tokenUrl: string;
  /** The OAuth authorization endpoint (where the consent screen would be). */
  authUrl: string;
  close(): Promise<void>;
  // ---- state inspection ----
  files(): StandInFile[];
  file(id: string): StandInFile | undefined;
  /** Files (not trashed) with this name, optionally under one parent. */
  findByName(name: string, parentId?: string): StandInFile[];
  /** The bytes of the head revision. */
  content(id: string): Buffer | undefined;
  /** Every request answered, in order. */
  requests: RequestLogEntry[];
  /** Access tokens issued by the token endpoint. */
  issuedTokens(): string[];
  /** Refresh tokens issued by the authorization-code exchange. */
  issuedRefreshTokens(): string[];
  /** The query of every authorization request (what the browser was sent to). */
  authorizations(): URLSearchParams[];
  readonly rootId: string;
  // ---- scripting ----
  /** Answer the next `times` matching requests with this error instead. */
  failNext(match: RequestMatch, failure: ScriptedFailure, times?: number): void;
  /** Process the next matching request, then drop the connection without an answer. */
  dropNextResponse(match: RequestMatch, times?: number): void;
  /** Run `fn` before the next matching request is handled. */
  beforeNext(match: RequestMatch, fn: () => void | Promise<void>, times?: number): void;
  /** Answer the next matching upload with a corrupted md5Checksum (as if bytes were damaged in transit). */
  corruptNextUpload(times?: number): void;
  /** An outage: while down, every API request answers 503. */
  setDown(down: boolean): void;
  /** What the person at the consent screen answers next. */
  setConsent(answer: 'approve' | 'deny'): void;
  /** Another machine uploads a new revision of a file. Returns the new revision. */
  uploadRevision(fileId: string, data: Uint8Array, by?: string): StandInRevision;
  /** Another tool (rclone, the web UI: `app`, default "another-app") creates a file. */
  createFile(opts: { name: string; parents?: string[]; mimeType?: string; data?: Uint8Array; app?: string }): StandInFile;
  addAccessToken(token: string, grant?: Partial<TokenGrant>): void;
  revokeAccessToken(token: string): void;
}
