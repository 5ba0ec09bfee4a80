/** The Jira stand-in's options, records and inspection API (see index.ts). */

export interface StandInStatus {
  id: string;
  name: string;
  category: 'new' | 'indeterminate' | 'done';
}

export interface StandInTransitionDef {
  id: string;
  name: string;
  from: string[] | '*';
  to: string;
}

export interface StandInComment {
  id: string;
  body: unknown;
  created: string;
}

export interface StandInIssue {
  id: string;
  key: string;
  project: string;
  issueType: string;
  summary: string;
  description: unknown;
  labels: string[];
  duedate: string | null;
  statusId: string;
  custom: Record<string, unknown>;
  comments: StandInComment[];
  /** ms since epoch; search shows the issue only `lagMs` after this. */
  createdAt: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  status: number;
}

export interface FailRule {
  method?: string;
  path: RegExp | string;
  status: number;
  retryAfter?: string;
  body?: unknown;
  /** How many matching requests fail (default 1). */
  times?: number;
}

export interface JiraStandInOptions {
  port?: number;
  email?: string;
  token?: string;
  projects?: { key: string; name: string }[];
  /** How long a new issue stays out of search results (ms). */
  lagMs?: number;
  /** Largest page the search returns, whatever maxResults asks. */
  maxPage?: number;
  /** The story-points field: `company` ("Story Points"), `team` ("Story point estimate") or none. */
  pointsField?: 'company' | 'team' | 'none';
  /** `chain`: To Do -> In Progress -> In Review -> Done; `simple`: Done offered from every status. */
  workflow?: 'chain' | 'simple';
  /** Path of jira-cloud-platform-v3.openapi.json: request bodies are validated against it. */
  openapi?: string;
  /** Called once a response has been sent (the crash test kills its child here). */
  afterResponse?: (req: RecordedRequest) => void;
}

export interface JiraStandIn {
  url: string;
  close(): Promise<void>;
  requests: RecordedRequest[];
  /** Requests that change something (search is a POST that does not). */
  writes(): RecordedRequest[];
  issues(): StandInIssue[];
  issue(key: string): StandInIssue | undefined;
  statusOf(key: string): StandInStatus | undefined;
  addIssue(i: Partial<StandInIssue> & { summary: string; status?: string }): StandInIssue;
  failNext(rule: FailRule): void;
  setLag(ms: number): void;
  /** Request bodies the OpenAPI document does not accept. */
  specViolations: string[];
  pointsFieldId: string | undefined;
  setAfterResponse(fn: ((req: RecordedRequest) => void) | undefined): void;
}
