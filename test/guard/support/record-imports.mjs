// Preloaded with `node --import`: records every module URL the process loads into
// the file named by SSOT_IMPORT_LOG (one per line), through a module.register hook.
import { register } from 'node:module';
if (process.env.SSOT_IMPORT_LOG) {
  register(new URL('./record-imports-hooks.mjs', import.meta.url), { data: { log: process.env.SSOT_IMPORT_LOG } });
}
