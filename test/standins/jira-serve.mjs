// Runs the Jira stand-in in the foreground (after `npm run build`), for trying
// `ssot tickets sync` by hand: prints its URL on the first line, stops on SIGINT/SIGTERM.
// Options (env): JIRA_OPENAPI (validate requests against it), JIRA_LAG_MS, JIRA_MAX_PAGE, JIRA_WORKFLOW (chain|simple), JIRA_SEED (JSON list of issues).
import { existsSync } from 'node:fs';
import { startJiraStandIn } from '@ssot/standins/jira';

const s = await startJiraStandIn({
  lagMs: Number(process.env.JIRA_LAG_MS ?? 0),
  maxPage: Number(process.env.JIRA_MAX_PAGE ?? 50),
  workflow: process.env.JIRA_WORKFLOW === 'simple' ? 'simple' : 'chain',
  ...(process.env.JIRA_OPENAPI && existsSync(process.env.JIRA_OPENAPI) ? { openapi: process.env.JIRA_OPENAPI } : {}),
});
for (const i of JSON.parse(process.env.JIRA_SEED ?? '[]')) s.addIssue(i);
console.log(s.url);
const stop = async () => {
  console.error(`stand-in: ${s.requests.length} requests, ${s.writes().length} writes, ${s.specViolations.length} spec violations`);
  for (const v of s.specViolations) console.error(`  ${v}`);
  await s.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
