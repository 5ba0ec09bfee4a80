import { z } from 'zod';

/**
 * The schema of ssot.config.yaml. Strict: an unknown key is an error that
 * suggests the nearest known key. Every top-level section is optional.
 */

const nonEmpty = z.string().min(1, 'must not be empty');
/** A file name (a copy's `name`): one path segment, within what file systems take. */
const fileName = nonEmpty.max(255, 'at most 255 characters (a file name)');
/** A vault's name is part of file names under the state folder (locks, state, backups). */
const vaultName = z
  .string()
  .max(64, 'at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, "_", "." and "-" only');

/** A credential is never written in the config: each is a reference. */
const credentialRef = z.union([
  z.strictObject({ env: nonEmpty }),
  z.strictObject({ keyring: z.string().regex(/^[^/]+\/.+$/, 'must be "service/account"') }),
  z.strictObject({ vault: nonEmpty, entry: nonEmpty, field: nonEmpty.optional() }),
  z.strictObject({ file: nonEmpty }),
  z.strictObject({ prompt: nonEmpty }),
]);
export type CredentialRef = z.infer<typeof credentialRef>;

const gitCopy = z.strictObject({
  git: z.strictObject({
    repo: nonEmpty,
    remote: nonEmpty.default('origin'),
    /** Default: the remote's default branch (main, master ...), else the one the clone is on. */
    branch: nonEmpty.optional(),
    /** Subfolder of the repository that holds the file. */
    path: z.string().optional(),
    name: fileName.optional(),
  }),
});
const gdriveCopy = z.strictObject({
  gdrive: z
    .strictObject({
      /** A path from My Drive's root (`security`, `Backups/security`). */
      folder: nonEmpty.optional(),
      folderId: nonEmpty.optional(),
      fileId: nonEmpty.optional(),
      name: fileName.optional(),
    })
    .refine((g) => g.folder !== undefined || g.folderId !== undefined || g.fileId !== undefined, {
      error: 'give folder, folderId or fileId',
    }),
});
const folderCopy = z.strictObject({
  folder: z.strictObject({ path: nonEmpty, name: fileName.optional() }),
});
const rcloneCopy = z.strictObject({
  rclone: z.strictObject({
    /** An rclone remote and folder, as the user's rclone knows it: `nas:vault`, `gdrive:security`. */
    remote: z.string().regex(/^[^:\s][^:]*:/, 'an rclone remote and folder: "NAME:folder" (NAME from `rclone listremotes`)'),
    name: nonEmpty.optional(),
    /** A non-default rclone.conf for this copy (overrides the top-level `rclone.config`). */
    config: nonEmpty.optional(),
  }),
});
export const copySchema = z.union([gitCopy, gdriveCopy, folderCopy, rcloneCopy]);
export type CopyConfig = z.infer<typeof copySchema>;

const vaultSchema = z.strictObject({
  name: vaultName,
  path: nonEmpty,
  password: credentialRef.optional(),
  keyFile: nonEmpty.optional(),
  copies: z.array(copySchema).default([]),
  require: z
    .strictObject({
      entries: z.array(nonEmpty).default([]),
      attachments: z.array(z.strictObject({ entry: nonEmpty, name: nonEmpty })).default([]),
    })
    .optional(),
  /** Safety backups of the primary kept under the state folder (newest N). */
  backups: z.strictObject({ keep: z.number().int().min(1).max(1000).default(20) }).optional(),
});
export type VaultConfig = z.infer<typeof vaultSchema>;

export const gdriveSchema = z.strictObject({
  auth: z.union([
    z.strictObject({ clientId: nonEmpty, clientSecret: credentialRef, refreshToken: credentialRef }),
    z.strictObject({ accessToken: credentialRef }),
  ]),
  scope: z.enum(['drive.file', 'drive']).default('drive.file'),
  rootUrl: z.url().optional(),
  /** OAuth token endpoint override (the dev stand-in serves one at `<rootUrl>token`). */
  tokenUrl: z.url().optional(),
  /** OAuth authorization endpoint override, for `ssot auth gdrive` (the stand-in: `<rootUrl>o/oauth2/v2/auth`). */
  authUrl: z.url().optional(),
});

/** The user's own rclone: which binary, which config, the config's password (a reference). */
const rcloneSchema = z.strictObject({
  path: nonEmpty.default('rclone'),
  config: nonEmpty.optional(),
  configPass: credentialRef.optional(),
});

const confluenceSchema = z.strictObject({
  baseUrl: z.url(),
  email: credentialRef,
  token: credentialRef,
  space: nonEmpty,
});

const docsSchema = z.strictObject({
  root: nonEmpty.default('docs'),
  mapping: nonEmpty.default('mapping/confluence.json'),
  exclude: z.array(nonEmpty).default([]),
  /** `code`: mermaid as a code block; `macro`: the site's mermaid macro. */
  mermaid: z.enum(['code', 'macro']).default('code'),
  /** Name of the mermaid macro where `mermaid: macro`. */
  mermaidMacro: nonEmpty.default('mermaid-cloud'),
  /** Every warning (a link that cannot be resolved, …) is an error: nothing is published (CI). */
  strict: z.boolean().default(false),
  /** Site-absolute links (`/guide/x`) not found under `root` link to this site. */
  siteUrl: z.url().optional(),
});

const jiraSchema = z.strictObject({
  baseUrl: z.url(),
  email: credentialRef,
  token: credentialRef,
  project: z.string().regex(/^[A-Z][A-Z0-9_]+$/, 'a Jira project key, e.g. CHRONOS'),
  storyPointsField: nonEmpty.optional(),
  issueType: nonEmpty.default('Task'),
});

const ticketsSchema = z.strictObject({
  notes: nonEmpty.default('docs/session_notes'),
  mapping: nonEmpty.default('mapping/jira.json'),
  /** More creates than this in one run need --yes or a confirmation. */
  confirmAbove: z.number().int().min(0).default(5),
});

export const guardSchema = z.strictObject({
  blockPaths: z.array(nonEmpty).default([]),
  baseline: nonEmpty.default('.ssot-guard-baseline.json'),
  /** Paths never scanned (generated files, fixtures of fake keys). */
  ignorePaths: z.array(nonEmpty).default([]),
  maxFileBytes: z.number().int().positive().default(50 * 1024 * 1024),
  /** With vaults configured: `required` fails the guard when the index of vault values cannot be used; `optional` warns. */
  vaultIndex: z.enum(['required', 'optional']).default('required'),
});

const watchSchema = z.strictObject({
  debounceMs: z.number().int().min(0).default(2000),
  pollRemotesMinutes: z.number().min(0).default(10),
});

export const configSchema = z.strictObject({
  vaults: z.array(vaultSchema).default([]).superRefine(uniqueVaultNames),
  gdrive: gdriveSchema.optional(),
  rclone: rcloneSchema.optional(),
  confluence: confluenceSchema.optional(),
  docs: docsSchema.optional(),
  jira: jiraSchema.optional(),
  tickets: ticketsSchema.optional(),
  guard: guardSchema.optional(),
  watch: watchSchema.optional(),
});

/** Two vaults of one name would share their state, lock and backups: refused. */
function uniqueVaultNames(vaults: readonly { name: string }[], ctx: z.RefinementCtx): void {
  const first = new Map<string, number>();
  vaults.forEach((v, i) => {
    const seen = first.get(v.name);
    if (seen === undefined) first.set(v.name, i);
    else {
      ctx.addIssue({
        code: 'custom',
        path: [i, 'name'],
        message: `vault name "${v.name}" is already used by vaults[${seen}]`,
        params: { hint: 'give each vault its own name: it names its state, lock and backups' },
      });
    }
  });
}

export type RawConfig = z.infer<typeof configSchema>;
export type GdriveConfig = z.infer<typeof gdriveSchema>;
export type RcloneConfig = z.infer<typeof rcloneSchema>;
export type DocsConfig = z.infer<typeof docsSchema>;
export type JiraConfig = z.infer<typeof jiraSchema>;
export type TicketsConfig = z.infer<typeof ticketsSchema>;
