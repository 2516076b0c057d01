#!/usr/bin/env bash
# Proves the README's two commands on a clone with nothing beside it (no ../shared): clones this repository's HEAD
# into an empty temporary folder and runs exactly the commands of the README's first code block there. The first
# (install and start the demo) is stopped once the demo answers /api/v1/network with an indexed round; the second
# (install what the tests need, run the whole suite) must succeed.
#   --smoke   run only the first command, on the smaller `test` preset, and also check /graphql: the smoke test CI
#             runs under another Node version (PATH="$(scripts/node-lts.sh 24):$PATH" scripts/fresh-clone.sh --smoke)
# The npm cache is reused; ATLAS_* and DATABASE_URL of the caller are not passed on (a new machine has none).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
smoke=false
[[ "${1:-}" == "--smoke" ]] && smoke=true

log() { echo "fresh-clone: $*" >&2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/atlas-fresh-clone.XXXXXX")"
pid=""
cleanup() {
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then kill -TERM -- "-$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# The README's first code block: one command per line, comments dropped.
mapfile -t commands < <(awk '/^```bash$/ && !done { on = 1; next } /^```$/ && on { on = 0; done = 1 } on' "$repo/README.md" | sed 's/[[:space:]]*#.*$//' | sed '/^[[:space:]]*$/d')
if ((${#commands[@]} != 2)); then
  log "expected two commands in the README's first code block, found ${#commands[@]}"
  exit 1
fi

git clone --quiet "$repo" "$work/atlas"
cd "$work/atlas"
for v in $(compgen -e); do
  if [[ "$v" == ATLAS_* || "$v" == DATABASE_URL ]]; then unset "$v"; fi
done
port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
export ATLAS_PORT="$port"
$smoke && export ATLAS_SIM_PRESET=test

log "Node $(node --version), npm $(npm --version), clone of $(git -C "$repo" rev-parse --short HEAD) in $work/atlas"
log "1: ${commands[0]}"
setsid bash -c "${commands[0]}" >"$work/start.log" 2>&1 &
pid=$!
probe=(node scripts/probe.mjs "http://127.0.0.1:${port}" --timeout 900)
$smoke && probe+=(--graphql)
if ! "${probe[@]}"; then
  log "the demo did not answer; its output:"
  tail -n 40 "$work/start.log" >&2
  exit 1
fi
kill -TERM -- "-$pid"
for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$pid" 2>/dev/null; then
  log "the demo did not stop on SIGTERM within 30 s"
  exit 1
fi
pid=""
$smoke && { log "smoke test passed"; exit 0; }

log "2: ${commands[1]}"
bash -c "${commands[1]}"
log "both README commands succeeded on a fresh clone"
