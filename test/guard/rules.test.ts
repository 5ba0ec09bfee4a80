import { describe, expect, it } from 'vitest';
import { scanTargets } from '../../src/guard/scan.js';
import { scanRules } from '../../src/guard/scan-rules.js';
import { isSecretName, isSecretValue } from '../../src/guard/generic.js';
import { HEX, join, LOWER_DIGITS, rand, UPPER_DIGITS } from './helpers.js';

const rules = (text: string): string[] => scanRules(text).map((h) => h.rule);

// Each case: a line as it would appear in a file, built from parts at run time, and the rule that must fire.
const POSITIVE: [string, string, string][] = [
  ['AWS access key id', `aws_access_key_id = ${join('AK', 'IA', rand(16, UPPER_DIGITS))}`, 'aws-access-key-id'],
  ['AWS secret key', `aws_secret_access_key = ${rand(40, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+')}`, 'aws-secret-access-key'],
  ['Google API key', `const key = "${join('AI', 'za', rand(35))}";`, 'gcp-api-key'],
  ['Google OAuth client secret', `client_secret: ${join('GOC', 'SPX-', rand(28))}`, 'gcp-oauth-client-secret'],
  ['Google OAuth access token', `token=${join('ya', '29.', rand(60))}`, 'gcp-oauth-token'],
  ['GCP service account', `{"type": "service_account", "project_id": "p", "private_key_id": "${rand(40, HEX)}"}`, 'gcp-service-account'],
  ['Azure storage key', `DefaultEndpointsProtocol=https;AccountName=acct;${join('Account', 'Key=')}${rand(86, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')}==;`, 'azure-storage-key'],
  ['Azure AD client secret', `AZURE_CLIENT_SECRET=${rand(3)}8${join('Q', '~')}${rand(34, 'ABCDEFGHIJabcdefghij0123456789_-')}`, 'azure-ad-client-secret'],
  ['PEM private key', `${join('-----BEGIN ', 'RSA PRIVATE', ' KEY-----')}\n${rand(64, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')}\n${rand(64)}\n-----END RSA PRIVATE KEY-----`, 'private-key'],
  ['OpenSSH private key', `${join('-----BEGIN ', 'OPENSSH PRIVATE', ' KEY-----')}\n${join('b3BlbnNzaC1rZXktdjEAAAAA', rand(60))}\n-----END OPENSSH PRIVATE KEY-----`, 'private-key'],
  ['JSON-escaped PEM key', `{"private_key": "${join('-----BEGIN ', 'PRIVATE', ' KEY-----')}\\n${rand(64)}\\n${rand(40)}\\n-----END PRIVATE KEY-----\\n"}`, 'private-key'],
  ['PuTTY key', `${join('PuTTY-User-', 'Key-File-3')}: ssh-ed25519\nEncryption: none\nComment: k\nPublic-Lines: 2\n${rand(64)}\n${rand(20)}\nPrivate-Lines: 1\n${rand(64)}\nPrivate-MAC: ${rand(64, HEX)}`, 'putty-private-key'],
  ['GitHub PAT', `GITHUB_TOKEN=${join('gh', 'p_', rand(36))}`, 'github-token'],
  ['GitHub fine-grained PAT', `token: ${join('github', '_pat_', rand(82, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789_'))}`, 'github-fine-grained-pat'],
  ['GitLab PAT', `GITLAB_TOKEN=${join('gl', 'pat-', rand(20))}`, 'gitlab-token'],
  ['Bitbucket app password', `BITBUCKET_APP_PASSWORD=${join('AT', 'BB', rand(32))}`, 'bitbucket-app-password'],
  ['Atlassian API token (new)', `jira_token: ${join('ATA', 'TT3', rand(180))}`, 'atlassian-api-token'],
  ['Atlassian API token (classic)', `confluence_api_token = "${rand(24, LOWER_DIGITS, 11)}"`, 'atlassian-api-token'],
  ['Slack bot token', `SLACK_BOT_TOKEN=${join('xo', 'xb-')}${rand(12, '0123456789')}-${rand(13, '0123456789')}-${rand(24)}`, 'slack-token'],
  ['Slack webhook', `url = "https://${join('hooks.', 'slack.com')}/services/T${rand(8, UPPER_DIGITS)}/B${rand(8, UPPER_DIGITS)}/${rand(24)}"`, 'slack-webhook'],
  ['Stripe secret key', `STRIPE_KEY=${join('sk', '_live_', rand(24))}`, 'stripe-key'],
  ['Twilio API key', `TWILIO_KEY=${join('S', 'K', rand(32, HEX))}`, 'twilio-api-key'],
  ['SendGrid key', `SENDGRID_API_KEY=${join('S', 'G.', rand(22), '.', rand(43))}`, 'sendgrid-api-key'],
  ['npm token', `//registry.npmjs.org/:_authToken=${join('np', 'm_', rand(36))}`, 'npm-token'],
  ['PyPI token', `password = ${join('py', 'pi-', 'AgEIcHlwaS5vcmc', rand(60))}`, 'pypi-token'],
  ['JWT', `Authorization: Bearer ${join('ey', 'JhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9')}.${join('ey', 'JzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6Ik')}.${rand(43)}`, 'jwt'],
  ['postgres URL', `DATABASE_URL=postgresql://app:${rand(16)}@db.internal:5432/app`, 'connection-string-password'],
  ['mysql URL', `mysql://root:${rand(12)}@localhost/db`, 'connection-string-password'],
  ['mongodb+srv URL', `MONGO=mongodb+srv://svc:${rand(20)}@cluster0.example.net/test`, 'connection-string-password'],
  ['redis URL', `REDIS_URL=redis://default:${rand(18)}@cache:6379/0`, 'connection-string-password'],
  ['amqp URL', `amqp://guest2:${rand(14)}@rabbit:5672/vhost`, 'connection-string-password'],
  ['generic password', `db_password = "${rand(16, 'abcdefghijkmnopqrstuvwxyzABCDEFGH23456789!#%')}"`, 'generic-secret'],
  // the forms the guard missed on real material (issue 11)
  ['driver-qualified URL, percent-encoded password', `SQLALCHEMY_DATABASE_URI = "postgresql+psycopg2://admin:${encodeURIComponent(`^Z2v${rand(10)}@]`)}@db.prod.example.net/app"`, 'connection-string-password'],
  ['mysql+pymysql URL', `url = mysql+pymysql://app:${encodeURIComponent(`${rand(12)})|(`)}@mysql.internal:3306/app`, 'connection-string-password'],
  ['rediss URL with an empty user', `REDIS_URL=rediss://:${rand(24)}@cache.prod.internal:6380/0`, 'connection-string-password'],
  ['raw symbols in a URL password', `DATABASE_URL=postgres://svc:${rand(8)}@${rand(6)}@db.internal/app`, 'connection-string-password'],
  ['quoted password with @ ] ) | (', `DB_PASSWORD = "${rand(6)}@]${rand(4)})|(${rand(5)}"`, 'generic-secret'],
  ['unquoted .env password with symbols', `DB_PASSWORD=${rand(7)}@](${rand(6)}|`, 'generic-secret'],
  ['Django SECRET_KEY (generated)', `SECRET_KEY = '${rand(50, 'abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)')}'`, 'django-secret-key'],
  ['Django SECRET_KEY (startproject)', `SECRET_KEY = 'django-insecure-${rand(50, 'abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)', 3)}'`, 'django-secret-key'],
  ['Twilio auth token by its variable', `TWILIO_AUTH_TOKEN = "${rand(32, HEX)}"`, 'twilio-auth-token'],
  ['Twilio auth token in prose', `twilio token - '${rand(32, HEX, 4)}'`, 'twilio-auth-token'],
  ['Telegram bot token by its variable', `TELEGRAM_BOT_TOKEN=${rand(10, '0123456789')}:AA${rand(33, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-')}`, 'telegram-bot-token'],
  ['Telegram bot token in an API URL', `curl https://api.telegram.org/bot${rand(9, '0123456789')}:AA${rand(33, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 2)}/getMe`, 'telegram-bot-token'],
  ['Bearer header', `-H "Authorization: Bearer ${rand(40, undefined, 6)}"`, 'http-auth-header'],
  ['generic YAML secret', `  clientSecret: ${rand(32, LOWER_DIGITS, 5)}`, 'generic-secret'],
  ['generic XML token', `<authToken>\n  ${rand(40, LOWER_DIGITS, 9)}\n</authToken>`, 'generic-secret'],
];

const NEGATIVE: [string, string][] = [
  ['AWS example key', `aws_access_key_id = ${join('AK', 'IA', 'IOSFODNN7', 'EXAMPLE')}`],
  ['placeholder token', `GITHUB_TOKEN=${join('gh', 'p_', 'x'.repeat(36))}`],
  ['env reference', 'password = "${DB_PASSWORD}"'],
  ['variable', 'password = process.env.DB_PASSWORD'],
  ['template URL', 'postgresql://user:${PASSWORD}@db:5432/app'],
  ['placeholder URL', 'postgresql://user:password@localhost/db'],
  ['id, not secret', 'client_id = "0a1b2c3d-4e5f-6789-abcd-ef0123456789"'],
  ['token url', 'token_url = "https://oauth2.googleapis.com/token"'],
  ['public key', 'public_key = "9Cnzj4p4WGeKLs1Pt8QuKUpRKfFLfRYC9AIKjbJTWit"'],
  ['code reference', 'key_length = XSalsa20.key_length'],
  ['empty value', 'API_KEY='],
  ['short value', 'password = "abc"'],
  ['ordinary word', 'password: required'],
  ['PEM header only', `${join('-----BEGIN ', 'PRIVATE', ' KEY-----')}\n...\n-----END PRIVATE KEY-----`],
  ['prose', 'Rotate the token every 90 days and keep the password in the vault.'],
  // found by running the guard on this repository
  ['a command-line option after a quoted secret word', "spawnSync('git', ['secrets', '--register-aws'])"],
  ['an identifier made of words', "export const KEY_ACCOUNT = 'guard-index-key';"],
  ['a file:rule pair in a list', "expect(x).toEqual(['docs/team.secrets.md:blocked-path'])"],
  ['curl -u in backquoted prose', 'with an inline password; `curl -u user:pw`; and a generic rule'],
  ['documentation example URL', 'engine = create_engine("postgresql://scott:tiger@localhost/test")'],
  ['user:user123 on localhost', 'export MC_HOST_minio="http://minio:minio123@127.0.0.1:9000/"'],
  ['an Authorization header read from a request', 'authorization = request.headers.get("Authorization")'],
  ['an AWS SigV4 header', '"Authorization": "AWS4-HMAC-SHA256 Credential=minioadmin/20240509/us-east-1/s3/aws4_request,SignedHeaders=host"'],
  ["jwt.io's example token", `token = "${join('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', '.', 'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ', '.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c')}"`],
];

describe('credential rules', () => {
  it.each(POSITIVE)('finds %s', (_name, text, rule) => {
    expect(rules(text)).toContain(rule);
  });

  it.each(NEGATIVE)('does not flag %s', (_name, text) => {
    expect(rules(text)).toEqual([]);
  });

  it('reports the position of the secret, not of the name', () => {
    const token = join('gh', 'p_', rand(36));
    const text = `line one\nconst t = "${token}";\n`;
    const [hit] = scanRules(text);
    expect(hit?.index).toBe(text.indexOf(token));
    expect(hit?.secret).toBe(token);
  });

  it('names what it found: the variable, the URL scheme, the token kind', () => {
    const d = (text: string): string[] =>
      scanTargets({ root: '/r', targets: [{ path: 'a.txt', bytes: Buffer.from(text), binary: false, fromStart: true }], skipped: [], notes: [], paths: [] }).findings.map(
        (f) => `${f.rule}: ${f.description}`,
      );
    expect(d(`apiKey: '${rand(32, HEX, 9)}'`)).toEqual(['generic-secret: secret-looking value assigned to apiKey']);
    expect(d(`u = "mysql+pymysql://app:${rand(16)}@db.internal/x"`)).toEqual(['connection-string-password: mysql+pymysql connection string with an inline password']);
    expect(d(`url: https://deploy:${rand(20)}@git.internal/repo.git`)).toEqual(['connection-string-password: https URL with an inline password']);
    expect(d(`Authorization: Bearer ${rand(40)}`)).toEqual(['http-auth-header: HTTP Authorization header with a Bearer credential']);
    expect(d(`JIRA=${join('ATA', 'TT3', rand(180))}`).map((x) => x.split(':')[0])).toEqual(['atlassian-api-token']);
    expect(d(`JIRA=${join('ATA', 'TT3', rand(180))}`)[0]).toMatch(/Atlassian API token/);
    expect(d(`BB=${join('AT', 'BB', rand(32))}`)).toEqual(['bitbucket-app-password: Bitbucket app password']);
  });

  it('reports one finding where a provider rule and the generic rule see the same secret', () => {
    const text = `github_token = "${join('gh', 'p_', rand(36))}"`;
    expect(rules(text)).toEqual(['github-token']);
  });

  it('finds a JWT that was base64-encoded', () => {
    const jwt = `${join('ey', 'JhbGciOiJIUzI1NiJ9')}.${join('ey', 'JzdWIiOiJhbGljZSIsImV4cCI6MTcwMDAwMDAwMH0')}.${rand(43)}`;
    expect(rules(`token: ${Buffer.from(jwt).toString('base64')}`)).toContain('jwt-base64');
    expect(rules(`data: ${Buffer.from('just some text that is long enough to be base64 encoded here').toString('base64')}`)).toEqual([]);
  });
});

describe('generic rule parts', () => {
  it('reads names by their words', () => {
    expect(isSecretName('DB_PASSWORD')).toBe(true);
    expect(isSecretName('githubToken')).toBe(true);
    expect(isSecretName('apiKey')).toBe(true);
    expect(isSecretName('token_url')).toBe(false);
    expect(isSecretName('clientId')).toBe(false);
    expect(isSecretName('turkey')).toBe(false);
    expect(isSecretName('keyword')).toBe(false);
  });

  it('still takes a passphrase under a password name', () => {
    expect(rules('db_password = "correct-horse-battery-staple"')).toEqual(['generic-secret']); // ssot:allow: a test fixture
  });

  it('wants values that look random', () => {
    expect(isSecretValue(rand(24))).toBe(true);
    expect(isSecretValue('changeme')).toBe(false);
    expect(isSecretValue('ACCESS_TOKEN')).toBe(false);
    expect(isSecretValue('api.example.com')).toBe(false);
    expect(isSecretValue('./secrets/key.pem')).toBe(false);
    expect(isSecretValue('aaaaaaaaaaaaaaaa')).toBe(false);
  });
});
