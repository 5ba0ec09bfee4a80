import { basicAuthorised, failureReply, jsonBody, Router, Scripts, sendReply, startServer, type Exchange, type Reply, type ReplyStyle } from '../http/index.js';
import { addIssueRoutes, errorBody, type JiraRouter } from './issues.js';
import { addSearchRoutes } from './search.js';
import { checkRequest, loadSpec } from './spec.js';
import { createJiraState, type JiraState } from './state.js';
import type { FailRule, JiraStandIn, JiraStandInOptions, RecordedRequest } from './types.js';
import { STATUSES } from './workflow.js';

export { parseJql } from './jql.js';
export type { FailRule, JiraStandIn, JiraStandInOptions, RecordedRequest, StandInComment, StandInIssue, StandInStatus, StandInTransitionDef } from './types.js';

/**
 * A local stand-in of Jira Cloud's REST API v3: the part ssot uses (projects,
 * fields, issues with labels and story points, a workflow whose transitions
 * carry statusCategory, comments, the enhanced JQL search with nextPageToken),
 * with Jira's status codes and error payloads (400, 401, 404, 429 with
 * Retry-After) and the lag before a new issue is searchable. Every request
 * body is validated against the published OpenAPI document when one is given.
 * Used by the tests, the demo and `ssot dev-services`; loopback only.
 */

const STYLE: ReplyStyle = { jsonType: 'application/json;charset=UTF-8' };

export async function startJiraStandIn(opts: JiraStandInOptions = {}): Promise<JiraStandIn> {
  const st = createJiraState(opts);
  const credentials = { user: st.email, password: opts.token ?? 'standin-token' };
  let afterResponse = opts.afterResponse;
  const specOps = opts.openapi ? await loadSpec(opts.openapi) : undefined;
  const router: JiraRouter = new Router();
  addIssueRoutes(router, st);
  addSearchRoutes(router, st);
  const requests: RecordedRequest[] = [];
  const failRules = new Scripts<FailRule>();
  const specViolations: string[] = [];

  /** What answers instead of the route: wrong credentials, a body the API document refuses, a scripted failure. */
  const refusal = (x: Exchange, body: unknown): Reply | undefined => {
    if (!basicAuthorised(x.headers.authorization, credentials)) return { status: 401, json: errorBody(['Client must be authenticated to access this resource.']) };
    if (specOps) {
      const check = checkRequest(specOps, x.method, x.path, x.query, body);
      specViolations.push(...check.violations);
      if (check.refuse !== undefined) return { status: 400, json: errorBody([`Request body does not match the API: ${check.refuse}`]) };
    }
    const rule = failRules.take({ method: x.method, path: x.path, query: x.query.toString() });
    if (rule) return failureReply(rule, (status) => errorBody([status === 429 ? 'Rate limit exceeded.' : 'Internal server error.']));
    return undefined;
  };

  const handle = async (x: Exchange): Promise<void> => {
    const rec: RecordedRequest = { method: x.method, path: x.path, query: Object.fromEntries(x.query), body: undefined, status: 0 };
    const parsed = jsonBody(x.body);
    if (parsed.ok) rec.body = parsed.value;
    const reply = parsed.ok ? (refusal(x, parsed.value) ?? route(x, parsed.value)) : { status: 400, json: errorBody(['Unexpected character in the JSON body.']) };
    rec.status = reply.status;
    requests.push(rec);
    await sendReply(x.res, reply, STYLE);
    afterResponse?.(rec);
  };
  const route = (x: Exchange, body: unknown): Reply =>
    router.match(x.method, x.path)?.({ query: x.query, body }) ?? { status: 404, json: errorBody([`No stand-in route for ${x.method} ${x.path}`]) };

  const server = await startServer(handle, {
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    onError: (x, e) => void sendReply(x.res, { status: 500, json: errorBody([`Internal server error: ${e.message}`]) }, STYLE),
  });
  st.base = server.origin;
  return {
    url: st.base,
    close: server.close,
    requests,
    writes: () => requests.filter((r) => r.method !== 'GET' && r.path !== '/rest/api/3/search/jql' && r.status < 400),
    specViolations,
    pointsFieldId: st.pointsFieldId,
    failNext: (rule) => failRules.add(rule, rule, rule.times ?? 1),
    setAfterResponse: (fn) => {
      afterResponse = fn;
    },
    ...inspection(st),
  };
}

/** What tests read and change directly, as if someone did it in Jira. */
function inspection(st: JiraState): Pick<JiraStandIn, 'issues' | 'issue' | 'statusOf' | 'addIssue' | 'setLag'> {
  return {
    issues: () => [...st.issues.values()],
    issue: (k) => st.issues.get(k),
    statusOf: (k) => {
      const i = st.issues.get(k);
      return i ? STATUSES.find((s) => s.id === i.statusId) : undefined;
    },
    addIssue: (p) => st.newIssue({ createdAt: 0, ...p }),
    setLag: (ms) => {
      st.lagMs = ms;
    },
  };
}
