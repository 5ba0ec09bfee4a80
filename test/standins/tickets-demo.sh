#!/usr/bin/env bash
# Shows what `ssot tickets sync` does with the sample note, against the local Jira stand-in.
# Run after `npm run build`: bash test/standins/tickets-demo.sh
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null; rm -rf "$WORK"' EXIT
mkdir -p "$WORK/docs/session_notes"
cp "$ROOT/test/tickets/fixtures/session-2026-03-10.md" "$WORK/docs/session_notes/"
JIRA_SEED='[{"key":"CHRONOS-22","summary":"Migrate the billing database","status":"In Progress"},{"key":"CHRONOS-216","summary":"Phase 2: Security hardening"},{"key":"CHRONOS-219","summary":"Fix the nightly export job","status":"In Progress"},{"key":"CHRONOS-222","summary":"System maintenance","status":"In Review"}]' \
  JIRA_OPENAPI=${JIRA_OPENAPI:-/work/shared/api-specs/jira-cloud-platform-v3.openapi.json} node "$ROOT/test/standins/jira-serve.mjs" >"$WORK/url" 2>"$WORK/standin.log" &
SERVER=$!
for _ in $(seq 50); do [ -s "$WORK/url" ] && break; sleep 0.1; done
cat >"$WORK/ssot.config.yaml" <<YAML
jira:
  baseUrl: $(head -1 "$WORK/url")
  email: { env: JIRA_EMAIL }
  token: { env: JIRA_TOKEN }
  project: CHRONOS
tickets:
  notes: docs/session_notes
YAML
export JIRA_EMAIL=dev@example.com JIRA_TOKEN=standin-token XDG_STATE_HOME="$WORK/state" NO_COLOR=1
cd "$WORK"
run() { echo "\$ ssot $*"; "$ROOT/bin/ssot" "$@"; echo "(exit $?)"; echo; }
run tickets sync --dry-run
run tickets sync
run tickets sync --dry-run
printf -- '---\ntickets: ready\n---\n## Completed\n\n- **CHRONOS-22:** System Maintenance ✅\n' > docs/session_notes/typo.md
echo "# a key that names someone else's ticket (CHRONOS-22 instead of CHRONOS-222):"
run tickets sync docs/session_notes/typo.md
printf -- '---\ntickets: ready\n---\n## Completed\n\n**CHRONOS-23\n\n## 🎯 Next Steps\n\n**CHRONOS-:** Something (2 points)\n- [ ] Another item (many points)\n\n**Session Complete:** 2026-11-20 22:40 UTC\n' > docs/session_notes/typo.md
echo "# half-typed lines (a key with no number, points that are no number); the Label: value line is no error:"
run tickets sync docs/session_notes/typo.md
rm docs/session_notes/typo.md
echo "--- the note's Backlog after the run:"; sed -n '/Backlog/,/Comments/p' docs/session_notes/session-2026-03-10.md
echo "--- mapping/jira.json:"; cat mapping/jira.json
kill -TERM $SERVER; wait $SERVER 2>/dev/null; cat "$WORK/standin.log"
