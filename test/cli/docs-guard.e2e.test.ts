import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startConfluenceStandIn } from '@ssot/standins/confluence';
import { runSsot } from '../support/cli.js';
import { makeVaultWorkspace, openAt } from '../support/vault-workspace.js';

const confluence = await startConfluenceStandIn({ email: 'dev@example.com', token: 'dev-token' });
afterAll(() => confluence.close());

describe('a doc in which the guard finds a secret is not published', () => {
  it('a vault value (indexed by `ssot vault fingerprint`) or a cloud key keeps that doc off Confluence; the others go', async () => {
    const ws = await makeVaultWorkspace({
      copies: '      []',
      extraYaml: `confluence:\n  baseUrl: ${confluence.url}\n  email: { env: ATL_EMAIL }\n  token: { env: ATL_TOKEN }\n  space: PC\n`,
    });
    await fs.writeFile(ws.config, (await fs.readFile(ws.config, 'utf8')).replace('    copies:\n      []\n', ''));
    const db = await openAt(ws.primary, ws.password);
    db.addEntry('', { Title: 'Grafana admin', Password: 'Grafana-admin-pw-Q8v2#kLm' }); // ssot:allow: a made-up test value
    await fs.writeFile(ws.primary, await db.save());
    const env = { ...ws.env, ATL_EMAIL: 'dev@example.com', ATL_TOKEN: 'dev-token' };
    const fp = await runSsot(['vault', 'fingerprint'], { cwd: ws.dir, env });
    expect(fp.code).toBe(0);
    expect(fp.stdout).toMatch(/indexed \d+ values/);

    const docs = path.join(ws.dir, 'docs');
    await fs.mkdir(docs);
    await fs.writeFile(path.join(docs, 'clean.md'), '# Clean page\n\nNothing secret here.\n');
    await fs.writeFile(path.join(docs, 'leaky.md'), '# Leaky page\n\nConnect with `https://admin:Grafana-admin-pw-Q8v2#kLm@grafana.internal/`.\n');
    await fs.writeFile(path.join(docs, 'keyed.md'), `# Keyed page\n\naws_access_key_id = ${['AKIA', 'Z7QX3MV2KDPLWRTB'].join('')}\n`);
    expect((await runSsot(['docs', 'map', '--write'], { cwd: ws.dir, env })).code).toBe(0);
    const r = await runSsot(['docs', 'push'], { cwd: ws.dir, env });
    expect(r.code).toBe(1);
    expect(confluence.pageByTitle('Clean page')).toBeDefined();
    expect(confluence.pageByTitle('Leaky page')).toBeUndefined();
    expect(confluence.pageByTitle('Keyed page')).toBeUndefined();
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/leaky\.md/);
    expect(out).toMatch(/keyed\.md/);
    expect(out).not.toContain('Grafana-admin-pw-Q8v2#kLm');
    expect(out).not.toContain('Z7QX3MV2KDPLWRTB');
  });
});
