import { drive_v3 } from '@googleapis/drive';
import { OAuth2Client } from 'google-auth-library';
import { redactor } from '../../core/redact.js';

/** The two scopes ssot asks for: `drive.file` (only what ssot made) by default, `drive` to adopt another tool's file. */
export const DRIVE_SCOPES = {
  'drive.file': 'https://www.googleapis.com/auth/drive.file',
  drive: 'https://www.googleapis.com/auth/drive',
} as const;
export type DriveScopeName = keyof typeof DRIVE_SCOPES;

type DriveAuth = { accessToken: string } | { clientId: string; clientSecret: string; refreshToken: string };

export interface DriveClientOptions {
  auth: DriveAuth;
  /** API root (config `gdrive.rootUrl`): tests and proxies. Uploads go there too. */
  rootUrl?: string;
  /** OAuth token endpoint (default Google's); the dev stand-in serves one at `<rootUrl>token`. */
  tokenUrl?: string;
}

/**
 * The Drive v3 client. Every secret it is given is registered with the
 * process-wide redactor (and so is every access token it later obtains).
 */
export function createDriveClient(opts: DriveClientOptions): drive_v3.Drive {
  const a = opts.auth;
  let client: OAuth2Client;
  if ('accessToken' in a) {
    redactor.add(a.accessToken);
    client = new OAuth2Client();
    client.setCredentials({ access_token: a.accessToken });
  } else {
    redactor.add(a.clientSecret);
    redactor.add(a.refreshToken);
    client = new OAuth2Client({
      clientId: a.clientId,
      clientSecret: a.clientSecret,
      ...(opts.tokenUrl ? { endpoints: { oauth2TokenUrl: opts.tokenUrl } } : {}),
    });
    client.setCredentials({ refresh_token: a.refreshToken });
    client.on('tokens', (t) => {
      if (t.access_token) redactor.add(t.access_token);
      if (t.refresh_token) redactor.add(t.refresh_token);
    });
  }
  return new drive_v3.Drive({ auth: client, ...(opts.rootUrl ? { rootUrl: opts.rootUrl } : {}) });
}
