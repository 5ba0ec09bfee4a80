import path from 'node:path';
import type { LoadedConfig } from '../../../src/config/load.js';

/** A config for the tickets part in `dir`: notes in dir/notes, the mapping in dir/mapping, Jira at `baseUrl`. */
export function ticketsConfig(dir: string, baseUrl: string, extra: { project?: string; confirmAbove?: number; storyPointsField?: string } = {}): LoadedConfig {
  return {
    file: path.join(dir, 'ssot.config.yaml'),
    dir,
    vaults: [],
    jira: {
      baseUrl,
      email: { env: 'X' },
      token: { env: 'Y' },
      project: extra.project ?? 'CHRONOS',
      issueType: 'Task',
      ...(extra.storyPointsField ? { storyPointsField: extra.storyPointsField } : {}),
    },
    tickets: { notes: path.join(dir, 'notes'), mapping: path.join(dir, 'mapping', 'jira.json'), confirmAbove: extra.confirmAbove ?? 5 },
  };
}
