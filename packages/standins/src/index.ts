import { startConfluenceStandIn, type ConfluenceStandIn } from './confluence/index.js';
import { startDriveStandIn, type DriveStandIn } from './drive/index.js';
import { startJiraStandIn, type JiraStandIn } from './jira/index.js';

/**
 * Local stand-ins of Confluence Cloud, Jira Cloud and Google Drive v3, for
 * trying ssot without any account (the demo, `ssot dev-services`) and for the
 * tests (which start each one alone: `@ssot/standins/confluence`, `/jira`,
 * `/drive`). They listen on 127.0.0.1 only and accept the credentials below, which
 * are not secrets: they open nothing but these stand-ins.
 */
export const DEV_CREDENTIALS = {
  atlassianEmail: 'dev@example.com',
  atlassianToken: 'dev-atlassian-token',
  driveToken: 'dev-drive-token',
} as const;

export interface DevServices {
  drive: DriveStandIn;
  confluence: ConfluenceStandIn;
  jira: JiraStandIn;
  /** Environment variables that the config snippet refers to. */
  env: Record<string, string>;
  /** The config sections pointing at the stand-ins. */
  configYaml(opts?: { space?: string; project?: string }): string;
  close(): Promise<void>;
}

export async function startDevServices(opts: { port?: number; space?: string; project?: string } = {}): Promise<DevServices> {
  const base = opts.port ?? 0;
  const space = opts.space ?? 'PC';
  const project = opts.project ?? 'CHRONOS';
  const drive = await startDriveStandIn({ host: '127.0.0.1', port: base, accessTokens: [DEV_CREDENTIALS.driveToken] });
  const confluence = await startConfluenceStandIn({ port: base ? base + 1 : 0, spaces: [space], email: DEV_CREDENTIALS.atlassianEmail, token: DEV_CREDENTIALS.atlassianToken });
  const jira = await startJiraStandIn({
    port: base ? base + 2 : 0,
    email: DEV_CREDENTIALS.atlassianEmail,
    token: DEV_CREDENTIALS.atlassianToken,
    projects: [{ key: project, name: `${project} (stand-in)` }],
    lagMs: 500,
  });
  return {
    drive,
    confluence,
    jira,
    env: {
      SSOT_DEV_ATLASSIAN_EMAIL: DEV_CREDENTIALS.atlassianEmail,
      SSOT_DEV_ATLASSIAN_TOKEN: DEV_CREDENTIALS.atlassianToken,
      SSOT_DEV_DRIVE_TOKEN: DEV_CREDENTIALS.driveToken,
    },
    configYaml: (o = {}) => `gdrive:
  auth: { accessToken: { env: SSOT_DEV_DRIVE_TOKEN } }
  rootUrl: ${drive.url}
confluence:
  baseUrl: ${confluence.url}
  email: { env: SSOT_DEV_ATLASSIAN_EMAIL }
  token: { env: SSOT_DEV_ATLASSIAN_TOKEN }
  space: ${o.space ?? space}
jira:
  baseUrl: ${jira.url}
  email: { env: SSOT_DEV_ATLASSIAN_EMAIL }
  token: { env: SSOT_DEV_ATLASSIAN_TOKEN }
  project: ${o.project ?? project}
`,
    close: async () => {
      await Promise.all([drive.close(), confluence.close(), jira.close()]);
    },
  };
}
