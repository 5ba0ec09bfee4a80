import { ErrorCode, SsotError } from '../core/errors.js';
import type { JiraApi } from './jira.js';

/**
 * Moving an issue through its workflow by status category, never by status
 * name: sites name their statuses as they like ("Closed", "Erledigt"), the
 * categories (new, indeterminate, done) are Jira's own.
 */

/**
 * To a status of the Done category: directly when offered, else step by step,
 * each step to a status not visited yet, preferring "in progress" statuses
 * (on the usual workflows that is the shortest way to Done).
 */
export async function transitionToDone(jira: JiraApi, key: string, from?: string, maxSteps = 6): Promise<void> {
  const visited = new Set<string>(from ? [from] : []);
  for (let step = 0; step < maxSteps; step++) {
    const ts = await jira.getTransitions(key);
    const done = ts.find((t) => t.toCategory === 'done');
    if (done) {
      await jira.doTransition(key, done.id);
      return;
    }
    const next = ts.filter((t) => !visited.has(t.toName)).sort((a, b) => rank(a.toCategory) - rank(b.toCategory))[0];
    if (!next) break;
    visited.add(next.toName);
    await jira.doTransition(key, next.id);
  }
  throw new SsotError(ErrorCode.Remote, `${key}: no way to a status of the Done category from its workflow`, {
    hint: 'check the workflow in Jira; the issue was not closed',
  });
}

/** To a status of the In Progress category (one named "In Progress" when there are several). */
export async function transitionToProgress(jira: JiraApi, key: string): Promise<void> {
  const ts = (await jira.getTransitions(key)).filter((t) => t.toCategory === 'indeterminate');
  const t = ts.find((x) => /progress/i.test(x.toName)) ?? ts[0];
  if (!t) {
    throw new SsotError(ErrorCode.Remote, `${key}: its workflow offers no transition to a status of the In Progress category`, {
      hint: 'check the workflow in Jira; the issue was not moved',
    });
  }
  await jira.doTransition(key, t.id);
}

function rank(category: string): number {
  return category === 'indeterminate' ? 0 : category === 'new' ? 2 : 1;
}
