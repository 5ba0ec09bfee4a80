import { describe, expect, it } from 'vitest';
import type { JiraApi, JiraTransition } from '../../src/tickets/jira.js';
import { transitionToDone, transitionToProgress } from '../../src/tickets/transitions.js';

/** The walk to a Done-category status, on workflows given as status -> offered transitions. */
function workflow(graph: Record<string, [string, string, string][]>, start: string): { api: JiraApi; path: string[] } {
  let at = start;
  const path = [start];
  const offered = (): JiraTransition[] => (graph[at] ?? []).map(([id, to, cat]) => ({ id, name: `to ${to}`, toName: to, toCategory: cat }));
  const api = {
    getTransitions: async () => offered(),
    doTransition: async (_k: string, id: string) => {
      const t = offered().find((x) => x.id === id);
      if (!t) throw new Error(`transition ${id} not offered from ${at}`);
      at = t.toName;
      path.push(at);
    },
  } as unknown as JiraApi;
  return { api, path };
}

describe('transition to a status of the Done category', () => {
  it('takes a Done transition when offered, whatever its name', async () => {
    const w = workflow({ Open: [['1', 'In Progress', 'indeterminate'], ['2', 'Closed', 'done']] }, 'Open');
    await transitionToDone(w.api, 'X-1', 'Open');
    expect(w.path).toEqual(['Open', 'Closed']);
  });

  it('otherwise walks forward through in-progress statuses, never back to where it was', async () => {
    const w = workflow(
      {
        Backlog: [['1', 'Selected', 'new'], ['2', 'In Progress', 'indeterminate']],
        'In Progress': [['3', 'Backlog', 'new'], ['4', 'Review', 'indeterminate']],
        Review: [['5', 'In Progress', 'indeterminate'], ['6', 'Done', 'done']],
      },
      'Backlog',
    );
    await transitionToDone(w.api, 'X-1', 'Backlog');
    expect(w.path).toEqual(['Backlog', 'In Progress', 'Review', 'Done']);
  });

  it('no way to Done: an error, and the walk stops', async () => {
    const w = workflow({ A: [['1', 'B', 'indeterminate']], B: [['2', 'A', 'new']] }, 'A');
    await expect(transitionToDone(w.api, 'X-1', 'A')).rejects.toThrow(/no way to a status of the Done category/);
    expect(w.path.length).toBeLessThan(8);
  });
});

describe('transition to a status of the In Progress category', () => {
  it('takes the one to a status named In Progress when several are offered, else any in-progress one', async () => {
    const w = workflow({ Open: [['1', 'Triage', 'indeterminate'], ['2', 'In Progress', 'indeterminate'], ['3', 'Closed', 'done']] }, 'Open');
    await transitionToProgress(w.api, 'X-1');
    expect(w.path).toEqual(['Open', 'In Progress']);
    const x = workflow({ Offen: [['1', 'In Arbeit', 'indeterminate'], ['2', 'Erledigt', 'done']] }, 'Offen');
    await transitionToProgress(x.api, 'X-2');
    expect(x.path).toEqual(['Offen', 'In Arbeit']);
  });

  it('no transition to an in-progress status: an error naming the key, nothing moved', async () => {
    const w = workflow({ Open: [['1', 'Closed', 'done']] }, 'Open');
    await expect(transitionToProgress(w.api, 'X-3')).rejects.toThrow(/X-3: its workflow offers no transition to a status of the In Progress category/);
    expect(w.path).toEqual(['Open']);
  });
});
