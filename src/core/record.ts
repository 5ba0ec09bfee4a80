/** A JSON object (not null, not a list): what a file read back must be before its keys are trusted. */
export const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
