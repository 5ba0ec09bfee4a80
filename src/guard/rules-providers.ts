import { B, E, re, type Rule } from './rule-kit.js';

/**
 * Credential formats with a provider: written from the providers' published
 * token formats (prefixes, alphabets, lengths). Distinctive enough to run on
 * every file, minified and generated ones included.
 */

/** A base64 run that decodes to a JWT (`eyJ…`): tokens pasted base64'd (Kubernetes secrets, env files). */
function base64Jwt(s: string): boolean {
  try {
    const dec = Buffer.from(s, 'base64').toString('latin1');
    return /^eyJ[A-Za-z0-9_-]{10,}\.ey[A-Za-z0-9_-]{10,}\./.test(dec) || /^ey[A-Za-z0-9_-]{15,}\.ey[A-Za-z0-9_-]{15,}/.test(dec);
  } catch {
    return false;
  }
}

/** The payload of jwt.io's example token (`{"sub":"1234567890","name":"John Doe",…}`): documentation, not a credential. */
const JWT_IO_EXAMPLE = 'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ';

export const PROVIDER_RULES: readonly Rule[] = [
  // ── Cloud: AWS, Google Cloud, Azure ────────────────────────────────────────
  {
    id: 'aws-access-key-id',
    description: 'AWS access key ID',
    keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'],
    regex: re(`${B}(?<s>(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})${E}`),
    entropy: 3,
    check: (s) => !s.endsWith('EXAMPLE'),
  },
  {
    id: 'aws-secret-access-key',
    description: 'AWS secret access key',
    keywords: ['aws', 'secret_access_key', 'secretaccesskey'],
    regex: re(`(?:aws|AWS|Aws)[\\w.-]{0,20}(?:secret|SECRET|Secret)[\\w.-]{0,20}["'\`]?[ \\t]*(?:=|:|=>|:=)[ \\t]*["'\`]?(?<s>[A-Za-z0-9/+=]{40})${E}`),
    entropy: 4,
  },
  {
    id: 'aws-bedrock-api-key',
    description: 'Amazon Bedrock API key',
    keywords: ['absk', 'bedrock-api-key-'],
    regex: re(`${B}(?<s>ABSK[A-Za-z0-9+/]{40,}={0,2}|bedrock-api-key-[A-Za-z0-9+/]{80,}={0,2})`),
    entropy: 3.5,
    check: (s) => !/EXAMPLE/.test(s),
  },
  {
    id: 'gcp-api-key',
    description: 'Google API key',
    keywords: ['aiza'],
    regex: re(`${B}(?<s>AIza[0-9A-Za-z_-]{35})${E}`),
    entropy: 4,
    check: (s) => !/abcdefghij|1234567/.test(s),
  },
  {
    id: 'gcp-oauth-client-secret',
    description: 'Google OAuth client secret',
    keywords: ['gocspx-'],
    regex: re(`${B}(?<s>GOCSPX-[A-Za-z0-9_-]{28})${E}`),
    entropy: 3.5,
  },
  {
    id: 'gcp-oauth-token',
    description: 'Google OAuth access or refresh token',
    keywords: ['ya29.', '1//0'],
    regex: re(`${B}(?<s>ya29\\.[0-9A-Za-z_-]{30,}|1//0[0-9A-Za-z_-]{40,})`),
    entropy: 4,
  },
  {
    id: 'gcp-service-account',
    description: 'Google service account key file',
    keywords: ['service_account'],
    span: 1024,
    regex: re(`"type"\\s*:\\s*"service_account"[\\s\\S]{0,400}?"private_key_id"\\s*:\\s*"(?<s>[a-f0-9]{40})"`),
  },
  {
    id: 'azure-storage-key',
    description: 'Azure storage account key',
    keywords: ['accountkey', 'sharedaccesskey'],
    regex: re(`(?:AccountKey|SharedAccessKey)\\s*=\\s*(?<s>[A-Za-z0-9+/]{43,88}={0,2})`),
    entropy: 4,
  },
  {
    id: 'azure-ad-client-secret',
    description: 'Azure AD (Entra ID) client secret',
    keywords: ['q~'],
    regex: re(`${B}(?<s>[A-Za-z0-9_~.-]{3}\\dQ~[A-Za-z0-9_~.-]{31,34})${E}`),
    entropy: 3.5,
    check: (s) => !s.includes('~~') && /[0-9]/.test(s.slice(6)) && /[A-Z]/.test(s.slice(6)),
  },
  {
    id: 'azure-sas-token',
    description: 'Azure shared access signature',
    keywords: ['sig='],
    regex: re(`[?&]sv=\\d{4}-\\d\\d-\\d\\d&[^\\s"']*?sig=(?<s>[A-Za-z0-9%+/]{40,}={0,2})`),
    entropy: 3.5,
  },
  // ── Code hosts ─────────────────────────────────────────────────────────────
  {
    id: 'github-token',
    description: 'GitHub token (personal, OAuth, app, refresh)',
    keywords: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    span: 2048,
    // ghs_<installation>_<JWT> is the newer app installation token form
    regex: re(`${B}(?<s>gh[pousr]_[A-Za-z0-9]{36,255}|ghs_\\d+_ey[A-Za-z0-9_-]{10,}\\.ey[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,})${E}`),
    entropy: 3,
  },
  {
    id: 'github-fine-grained-pat',
    description: 'GitHub fine-grained personal access token',
    keywords: ['github_pat_'],
    regex: re(`${B}(?<s>github_pat_[A-Za-z0-9_]{82})${E}`),
    entropy: 3,
  },
  {
    id: 'gitlab-token',
    description: 'GitLab token',
    keywords: ['glpat-', 'glptt-', 'glrt-', 'gldt-', 'glft-', 'glimt-', 'glagent-', 'gloas-', 'glcbt-', 'glffct-', 'glsoat-', 'gr1348941', '_gitlab_session='],
    regex: re(
      `${B}(?<s>(?:glpat|glptt|glrt|gldt|glft|glimt|glagent|gloas|glcbt|glffct|glsoat)-[0-9A-Za-z_.-]{20,300}|GR1348941[0-9A-Za-z_-]{20}|_gitlab_session=[0-9a-z]{32})${E}`,
    ),
    entropy: 3,
  },
  {
    id: 'bitbucket-app-password',
    description: 'Bitbucket app password',
    keywords: ['atbb'],
    regex: re(`${B}(?<s>ATBB[A-Za-z0-9_=.-]{32,})${E}`),
    entropy: 3.5,
  },
  {
    id: 'atlassian-api-token',
    description: 'Atlassian API token (Jira, Confluence, Bitbucket)',
    keywords: ['atatt'],
    regex: re(`${B}(?<s>ATATT3[A-Za-z0-9_=.-]{150,})${E}`),
    entropy: 3.5,
  },
  // ── Chat ───────────────────────────────────────────────────────────────────
  {
    id: 'slack-token',
    description: 'Slack token',
    keywords: ['xoxb-', 'xoxp-', 'xoxa-', 'xoxo-', 'xoxs-', 'xoxr-', 'xoxe', 'xapp-'],
    regex: re(
      `${B}(?<s>xox[bpaosr]-(?:\\d+-){1,4}[A-Za-z0-9]{8,}|xoxa-2-[A-Za-z0-9-]{20,}|xoxe\\.xox[bp]-\\d-[A-Za-z0-9]{100,}|xoxe-\\d-[A-Za-z0-9]{100,}|xapp-\\d-[A-Z0-9]+-\\d+-[a-z0-9]+)(?![A-Za-z0-9_#-])`,
      'i',
    ),
    entropy: 2.5,
    check: (s) => /\d{6,}|\d-[A-Za-z0-9]{40,}/.test(s) && !/x{6}/i.test(s),
  },
  {
    id: 'slack-webhook',
    description: 'Slack incoming webhook URL',
    keywords: ['hooks.slack.com'],
    regex: re(`hooks\\.slack\\.com/(?:services|workflows|triggers)/(?<s>[A-Za-z0-9+/_-]{20,})`),
    entropy: 3,
  },
  {
    id: 'teams-webhook',
    description: 'Microsoft Teams incoming webhook URL',
    keywords: ['webhook.office.com'],
    regex: re(`webhook\\.office\\.com/webhookb2/(?<s>[A-Za-z0-9-]{20,}@[A-Za-z0-9-]{20,}/IncomingWebhook/[A-Za-z0-9]{20,}/[A-Za-z0-9-]{20,})`),
  },
  {
    id: 'discord-webhook',
    description: 'Discord webhook URL',
    keywords: ['discord'],
    regex: re(`discord(?:app)?\\.com/api/webhooks/\\d+/(?<s>[A-Za-z0-9_-]{60,})`),
  },
  // ── Payments and messaging ─────────────────────────────────────────────────
  {
    id: 'stripe-key',
    description: 'Stripe secret or restricted key',
    keywords: ['sk_', 'rk_'],
    regex: re(`${B}(?<s>(?:sk|rk)_(?:test|live|prod)_[A-Za-z0-9]{10,99})${E}`),
    entropy: 3,
  },
  {
    id: 'twilio-api-key',
    description: 'Twilio API key SID',
    keywords: ['sk'],
    regex: re(`${B}(?<s>SK[0-9a-f]{32})${E}`),
    entropy: 3,
  },
  {
    id: 'sendgrid-api-key',
    description: 'SendGrid API key',
    keywords: ['sg.'],
    regex: re(`${B}(?<s>SG\\.[A-Za-z0-9=_-]{20,24}\\.[A-Za-z0-9=_-]{39,50}|SG\\.[A-Za-z0-9=_.-]{66})${E}`),
    entropy: 3.5,
  },
  {
    id: 'mailgun-key',
    description: 'Mailgun API key',
    keywords: ['key-', 'pubkey-'],
    regex: re(`${B}(?<s>(?:pub)?key-[a-f0-9]{32})${E}`),
    entropy: 3,
  },
  {
    id: 'square-token',
    description: 'Square access token or OAuth secret',
    keywords: ['sq0'],
    regex: re(`${B}(?<s>sq0(?:atp|csp)-[0-9A-Za-z_-]{22,43})${E}`),
    entropy: 3.5,
  },
  // ── Package registries ─────────────────────────────────────────────────────
  {
    id: 'npm-token',
    description: 'npm access token',
    keywords: ['npm_'],
    regex: re(`${B}(?<s>npm_[A-Za-z0-9]{36})${E}`),
    entropy: 3.5,
  },
  {
    id: 'npmrc-auth',
    description: '.npmrc registry credential',
    keywords: ['_authtoken', '_auth', '_password'],
    regex: re(`:(?:_authToken|_auth|_password)\\s*=\\s*(?<s>[A-Za-z0-9+/=_.-]{20,})`),
    entropy: 3.5,
  },
  {
    id: 'pypi-token',
    description: 'PyPI upload token',
    keywords: ['pypi-'],
    regex: re(`${B}(?<s>pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})`),
  },
  {
    id: 'rubygems-token',
    description: 'RubyGems API token',
    keywords: ['rubygems_'],
    regex: re(`${B}(?<s>rubygems_[a-f0-9]{48})${E}`),
  },
  {
    id: 'clojars-token',
    description: 'Clojars deploy token',
    keywords: ['clojars_'],
    regex: re(`${B}(?<s>CLOJARS_[a-z0-9]{60})${E}`, 'i'),
  },
  // ── Tokens with a documented prefix (AI, hosting, observability, SaaS) ─────
  {
    id: 'prefixed-token',
    description: 'API token with a provider prefix',
    keywords: [
      'sk-ant-', 't3blbkfj', 'sk-proj-', 'hf_', 'api_org_', 'dop_v1_', 'doo_v1_', 'dor_v1_', 'shpat_', 'shpca_', 'shppa_',
      'shpss_', 'xkeysib-', 'nrak-', 'nrjs-', 'nrii-', 'lin_api_', 'sntrys_', 'sntryu_', 'pscale_', 'pmak-', 'glc_',
      'glsa_', 'hvs.', 'hvb.', 'dp.pt.', 'dp.st.', 'dp.ct.', 'dp.scim.', 'dp.audit.', 'ezak', 'eztk', 'flwseck', 'flwpubk',
      'pnu_', 'rdme_', 'pul-', 'dapi', 'ntn_', 'sgp_', 'ops_ey', 'age-secret-key-', 'duffel_', 'fio-u-', 'tfp_',
      'hrku-', 'ico-', 'pplx-', 'sm_aat_', 'sm_pat_', 'sm_sat_', 'shippo_', 'lob', 'dnkey-', 'fo1_', 'fm2_', 'sha256~',
      'dt0c01.', 'atlasv1', 'p8e-', 'patt', 'sk_live_', 'fastly', 'api-', 'access-', 'yc', 't1.', 'aqvn', 'cmvmd', 'akcp',
      'ltai', 'sl.', 'pk.', 'sk.', 'oauth', 'gsk_', 'xai-', 'r8_', 'sk-or-', 'dckr_pat_', 'figd_', 'pk_live_', 'hooks',
      'tskey-', 'vcp_', 'vci_', 'vck_', 'vca_', 'vcr_', '-us',
    ],
    regex: re(
      `(?<![A-Za-z0-9_./-])(?<s>` +
        [
          'sk-ant-(?:api|admin|sid)\\d{2}-[A-Za-z0-9_-]{20,}',
          'sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}T3BlbkFJ[A-Za-z0-9_-]{20,}',
          'hf_[A-Za-z]{34}',
          'api_org_[A-Za-z]{34}',
          'do[opr]_v1_[a-f0-9]{64}',
          'shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}',
          'shp(?:at|ca|pa|ss)_[A-Za-z0-9]{32,40}',
          'tskey-(?:api|auth|client|scim|webhook)-[A-Za-z0-9]{6,}-[A-Za-z0-9]{20,}',
          'vc[pikar]_[A-Za-z0-9]{40,60}',
          '[a-f0-9]{32}-us[0-9]{1,2}',
          'xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16}',
          'NRAK-[A-Z0-9]{27}',
          'NRJS-[a-f0-9]{19}',
          'NRII-[A-Za-z0-9_-]{32}',
          'lin_api_[A-Za-z0-9]{40}',
          'sntrys_eyJpYXQiO[A-Za-z0-9+/=_]{80,}',
          'sntryu_[a-f0-9]{64}',
          'pscale_(?:pw|tkn|oauth)_[A-Za-z0-9=._-]{32,64}',
          'PMAK-[a-f0-9]{24}-[a-f0-9]{34}',
          'glc_[A-Za-z0-9+/]{32,400}={0,2}',
          'glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}',
          'hv[sb]\\.[A-Za-z0-9_-]{90,}',
          'dp\\.(?:pt|st|ct|scim|audit)\\.[A-Za-z0-9]{40,44}',
          'EZ[AT]K[A-Za-z0-9]{54}',
          'FLWSECK(?:_TEST)?-[a-h0-9]{32}-X',
          'FLWSECK_TEST-[a-h0-9]{12}',
          'pnu_[A-Za-z0-9]{36}',
          'rdme_[a-z0-9]{70}',
          'pul-[a-f0-9]{40}',
          'dapi[a-fA-F0-9]{32}(?:-\\d)?',
          'ntn_[0-9]{11}[A-Za-z0-9]{32}[A-Za-z0-9]{3}',
          'sgp_(?:[a-fA-F0-9]{16}|local)_[a-fA-F0-9]{40}|sgp_[a-fA-F0-9]{40}',
          'ops_eyJ[A-Za-z0-9+/]{250,}={0,3}',
          'AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}',
          'duffel_(?:test|live)_[A-Za-z0-9_=-]{43}',
          'fio-u-[A-Za-z0-9_=-]{64}',
          'tfp_[A-Za-z0-9_.=-]{59}',
          'HRKU-AA[0-9A-Za-z_-]{58}',
          'ico-[A-Za-z0-9]{32}',
          'pplx-[A-Za-z0-9]{48}',
          'sm_(?:aat|pat|sat)_[A-Za-z0-9]{16}',
          'shippo_(?:live|test)_[a-f0-9]{40}',
          'dnkey-[A-Za-z0-9=_-]{26}-[A-Za-z0-9=_-]{52}',
          'fo1_[A-Za-z0-9_-]{43}',
          'fm[12][ar]?_[A-Za-z0-9+/]{100,}={0,3}',
          'sha256~[A-Za-z0-9_-]{43}',
          'dt0c01\\.[A-Za-z0-9]{24}\\.[A-Za-z0-9]{64}',
          '[A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9=_-]{60,70}',
          'p8e-[A-Za-z0-9]{32}',
          'pat[A-Za-z0-9]{14}\\.[a-f0-9]{64}',
          'gsk_[A-Za-z0-9]{52}',
          'xai-[A-Za-z0-9]{80}',
          'r8_[A-Za-z0-9]{37}',
          'sk-or-v1-[a-f0-9]{64}',
          'dckr_pat_[A-Za-z0-9_-]{27}',
          'figd_[A-Za-z0-9_-]{40}',
          'v1\\.0-[a-f0-9]{24}-[a-f0-9]{146}',
          'AKCp[A-Za-z0-9]{69}',
          'cmVmd[A-Za-z0-9]{59}',
          'LTAI[A-Za-z0-9]{20}',
          'sl\\.[A-Za-z0-9_-]{130,152}',
          'pk\\.ey[A-Za-z0-9]{50,}\\.[A-Za-z0-9_-]{20,}|sk\\.ey[A-Za-z0-9]{50,}\\.[A-Za-z0-9_-]{20,}',
          'YC[A-Za-z0-9_-]{38}',
          't1\\.[A-Z0-9a-z_-]+[=]{0,2}\\.[A-Z0-9a-z_-]{86}[=]{0,2}',
          'AQVN[A-Za-z0-9_-]{35,38}',
          'API-[A-Z0-9]{26}',
          'access-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}',
          'sk_live_[0-9a-z]{32}',
          'lob_?(?:test|live)_(?:pub_)?[a-f0-9]{31,35}|(?:test|live)_(?:pub_)?[a-f0-9]{31,35}',
        ].join('|') +
        `)${E}`,
    ),
    entropy: 3,
    check: (s) => !/x{8}|X{8}|0{8}|1{8}|a{8}/.test(s) && !/EXAMPLE|abc123xyz|fakehijkl/.test(s),
  },
  // ── Formats without a provider ─────────────────────────────────────────────
  {
    id: 'jwt',
    description: 'JSON Web Token',
    // the payload segment: a JWT's header and payload are base64url JSON objects (`{"` or `{ `)
    keywords: ['.ey'],
    regex: re(`${B}(?<s>ey[A-Za-z0-9_-]{15,}\\.ey[A-Za-z0-9_/\\\\-]{15,}\\.(?:[A-Za-z0-9_/\\\\-]{10,}={0,2})?)`),
    entropy: 3,
    check: (s) => !s.includes(JWT_IO_EXAMPLE),
  },
  {
    id: 'jwt-base64',
    description: 'JSON Web Token, base64-encoded',
    keywords: ['zxlk'],
    regex: re(`${B}(?<s>ZXlK[A-Za-z0-9+/]{60,}={0,2})`),
    check: (s) => base64Jwt(s),
  },
];
