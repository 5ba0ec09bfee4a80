import type { JiraStandIn } from '../../../src/devservices/jira.js';

/**
 * The CHRONOS project as the real-style notes under fixtures/real/ find it:
 * the summaries as Jira holds them (the notes shorten and abbreviate them),
 * statuses before the notes are synced, story points where they were set.
 */
export const SEED: { key: string; summary: string; status: string; points?: number }[] = [
  { key: 'CHRONOS-176', summary: 'Set up AWS CLI and integrations', status: 'In Review' },
  { key: 'CHRONOS-177', summary: 'KeePassXC vault structure and 3-2-1 backups', status: 'In Progress' },
  { key: 'CHRONOS-178', summary: 'Write the security baseline document', status: 'To Do' },
  { key: 'CHRONOS-179', summary: 'Configure Lightsail instance monitoring', status: 'In Progress' },
  { key: 'CHRONOS-180', summary: 'Set up the Confluence PC space', status: 'In Review' },
  { key: 'CHRONOS-181', summary: 'Migrate team docs to a markdown SSOT', status: 'In Progress' },
  { key: 'CHRONOS-182', summary: 'Automate nightly database backups', status: 'To Do' },
  { key: 'CHRONOS-183', summary: 'Evaluate Jira automation rules', status: 'To Do' },
  { key: 'CHRONOS-184', summary: 'Harden SSH access to Lightsail', status: 'In Progress' },
  { key: 'CHRONOS-185', summary: 'Cost report for the AWS accounts', status: 'To Do' },
  { key: 'CHRONOS-201', summary: 'Set up a Git repository for vault versions', status: 'Done' },
  { key: 'CHRONOS-202', summary: 'Rotate IAM access keys', status: 'In Review' },
  { key: 'CHRONOS-205', summary: 'Lightsail snapshot schedule', status: 'Done' },
  { key: 'CHRONOS-216', summary: 'Phase 2: Security Hardening', status: 'To Do' },
  { key: 'CHRONOS-219', summary: 'AWS CLI + SSO Configuration', status: 'In Progress' },
  { key: 'CHRONOS-220', summary: 'Document the SSO login flow', status: 'In Review' },
  { key: 'CHRONOS-221', summary: 'Complete Documentation SSOT Mapping', status: 'To Do', points: 3 },
  { key: 'CHRONOS-222', summary: 'System Maintenance - Update Lightsail Packages', status: 'To Do' },
  { key: 'CHRONOS-223', summary: 'Plan Ubuntu 24.04 LTS Upgrade Strategy', status: 'To Do', points: 5 },
  { key: 'CHRONOS-224', summary: 'Enforce MFA for IAM Identity Center users', status: 'In Progress', points: 2 },
  { key: 'CHRONOS-225', summary: 'SSH hardening on production', status: 'To Do' },
  { key: 'CHRONOS-226', summary: 'Snapshot vor dem Upgrade anlegen', status: 'In Progress' },
  { key: 'CHRONOS-227', summary: 'Configurar presupuestos de AWS', status: 'In Progress' },
  { key: 'CHRONOS-228', summary: 'Alertas de costos por correo', status: 'To Do' },
  { key: 'CHRONOS-229', summary: 'Allow-list the office VPN in fail2ban', status: 'In Progress' },
  { key: 'CHRONOS-230', summary: 'Remove the leftover deploy Match block', status: 'To Do' },
  { key: 'CHRONOS-231', summary: 'Break-glass credentials procedure', status: 'To Do' },
  { key: 'CHRONOS-233', summary: 'Move DNS to Route 53', status: 'To Do' },
  { key: 'CHRONOS-234', summary: 'Grafana dashboards for chronos-prod', status: 'To Do' },
  { key: 'CHRONOS-235', summary: 'Upgrade staging to Ubuntu 24.04', status: 'To Do' },
];

export function seed(s: JiraStandIn): void {
  for (const i of SEED) s.addIssue({ key: i.key, summary: i.summary, status: i.status, ...(i.points !== undefined && s.pointsFieldId ? { custom: { [s.pointsFieldId]: i.points } } : {}) });
}
