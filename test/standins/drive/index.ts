/**
 * Test wrapper around the Drive v3 stand-in (@ssot/standins/drive, packages/standins): start
 * one per test file, with an OAuth client and an access token the tests know.
 */
import { afterAll } from 'vitest';
import { startDriveStandIn, type DriveStandIn, type DriveStandInOptions } from '@ssot/standins/drive';

export { startDriveStandIn, type DriveStandIn } from '@ssot/standins/drive';

export const TEST_ACCESS_TOKEN = 'ya29.test-access-token-0123456789';
export const TEST_OAUTH = {
  clientId: '1234-test.apps.googleusercontent.com',
  clientSecret: 'GOCSPX-test-client-secret',
  refreshToken: '1//test-refresh-token-abcdef',
};

/** Start a stand-in for this test file; it is closed after the file's tests. */
export async function useDriveStandIn(opts: DriveStandInOptions = {}): Promise<DriveStandIn> {
  const s = await startDriveStandIn({
    accessTokens: [TEST_ACCESS_TOKEN],
    oauthClients: [{ clientId: TEST_OAUTH.clientId, clientSecret: TEST_OAUTH.clientSecret, refreshTokens: [TEST_OAUTH.refreshToken] }],
    ...opts,
  });
  afterAll(() => s.close());
  return s;
}
