import type { JiraStandInOptions, StandInIssue, StandInTransitionDef } from './types.js';
import { CATEGORY, CHAIN, ISSUE_TYPES, SIMPLE, STATUSES } from './workflow.js';

/**
 * What the Jira stand-in holds (projects, issues, comments, the workflow in
 * use, the story-points field) and how it shows them in v3 JSON.
 */

type NewIssue = Partial<StandInIssue> & { summary: string; status?: string };

export interface JiraState {
  projects: { key: string; name: string }[];
  issues: Map<string, StandInIssue>;
  transitions: StandInTransitionDef[];
  /** Largest page a list or search answers. */
  maxPage: number;
  /** How long a new issue stays out of search results (ms). */
  lagMs: number;
  pointsKind: 'company' | 'team' | 'none';
  pointsFieldId: string | undefined;
  email: string;
  /** `http://127.0.0.1:PORT`, known once the server listens (for `self` links). */
  base: string;
  newIssue(p: NewIssue): StandInIssue;
  findIssue(idOrKey: string): StandInIssue | undefined;
  nextCommentId(): string;
  statusJson(id: string): Record<string, unknown>;
  projectJson(key: string): Record<string, unknown>;
  /** The issue with only the `wanted` fields (`*all` or `*navigable`: all the stand-in knows). */
  issueJson(i: StandInIssue, wanted?: string[]): Record<string, unknown>;
}

export function createJiraState(opts: JiraStandInOptions): JiraState {
  const pointsKind = opts.pointsField ?? 'company';
  const counters = new Map<string, number>();
  let nextId = 10001;
  let nextComment = 20001;
  const st: JiraState = {
    projects: opts.projects ?? [{ key: 'CHRONOS', name: 'Chronos' }],
    issues: new Map(),
    transitions: opts.workflow === 'simple' ? SIMPLE : CHAIN,
    maxPage: opts.maxPage ?? 50,
    lagMs: opts.lagMs ?? 0,
    pointsKind,
    pointsFieldId: pointsKind === 'none' ? undefined : pointsKind === 'company' ? 'customfield_10026' : 'customfield_10016',
    email: opts.email ?? 'dev@example.com',
    base: '',
    newIssue(p) {
      const project = p.project ?? st.projects[0]?.key;
      if (project === undefined) throw new Error('the Jira stand-in has no project to create an issue in');
      const n = (counters.get(project) ?? 0) + 1;
      counters.set(project, n);
      const i = issueRecord(p, String(nextId++), project, n);
      if (p.key) {
        const num = Number(p.key.split('-')[1]);
        if (num > (counters.get(project) ?? 0)) counters.set(project, num);
      }
      st.issues.set(i.key, i);
      return i;
    },
    findIssue: (idOrKey) => st.issues.get(idOrKey) ?? [...st.issues.values()].find((i) => i.id === idOrKey),
    nextCommentId: () => String(nextComment++),
    statusJson: (id) => statusJson(st.base, id),
    projectJson(key) {
      const i = st.projects.findIndex((p) => p.key === key);
      const project = st.projects[i];
      if (!project) throw new Error(`the Jira stand-in has no project ${key}`);
      return { self: `${st.base}/rest/api/3/project/${10000 + i}`, id: String(10000 + i), key, name: project.name, projectTypeKey: 'software', simplified: false };
    },
    issueJson: (i, wanted) => issueJson(st, i, wanted),
  };
  return st;
}

function issueRecord(p: NewIssue, id: string, project: string, n: number): StandInIssue {
  return {
    id,
    key: p.key ?? `${project}-${n}`,
    project,
    issueType: p.issueType ?? 'Task',
    summary: p.summary,
    description: p.description ?? null,
    labels: p.labels ?? [],
    duedate: p.duedate ?? null,
    statusId: STATUSES.find((s) => s.name === p.status)?.id ?? p.statusId ?? '10000',
    custom: p.custom ?? {},
    comments: p.comments ?? [],
    createdAt: p.createdAt ?? Date.now(),
  };
}

function statusJson(base: string, id: string): Record<string, unknown> {
  const s = STATUSES.find((x) => x.id === id);
  if (!s) throw new Error(`the Jira stand-in's workflow has no status ${id}`);
  const c = CATEGORY[s.category];
  return {
    self: `${base}/rest/api/3/status/${s.id}`,
    id: s.id,
    name: s.name,
    description: '',
    iconUrl: `${base}/images/icons/statuses/generic.png`,
    statusCategory: { self: `${base}/rest/api/3/statuscategory/${c.id}`, id: c.id, key: c.key, colorName: c.colorName, name: c.name },
  };
}

function issueJson(st: JiraState, i: StandInIssue, wanted?: string[]): Record<string, unknown> {
  const type = ISSUE_TYPES.indexOf(i.issueType);
  const all: Record<string, unknown> = {
    summary: i.summary,
    description: i.description,
    labels: i.labels,
    duedate: i.duedate,
    status: st.statusJson(i.statusId),
    issuetype: { self: `${st.base}/rest/api/3/issuetype/1000${type}`, id: `1000${type}`, name: i.issueType, subtask: false },
    project: st.projectJson(i.project),
    created: new Date(i.createdAt).toISOString().replace('Z', '+0000'),
    ...(st.pointsFieldId ? { [st.pointsFieldId]: i.custom[st.pointsFieldId] ?? null } : {}),
  };
  const f: Record<string, unknown> = {};
  const take = !wanted || wanted.includes('*all') || wanted.includes('*navigable') ? Object.keys(all) : wanted;
  for (const k of take) if (k in all) f[k] = all[k];
  return { expand: '', id: i.id, self: `${st.base}/rest/api/3/issue/${i.id}`, key: i.key, fields: f };
}
