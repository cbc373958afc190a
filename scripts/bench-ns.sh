#!/usr/bin/env bash
# Issue 6 item 9: NS instantiation under load against the zero-latency sandbox VIM. Starts Mano (Release build) in
#   1. the embedded shape (one process, SQLite, in-memory bus), and
#   2. when PostgreSQL and RabbitMQ are reachable (MANO_TEST_POSTGRES / MANO_TEST_RABBITMQ, as scripts/test.sh exports
#      them; `MANO_TEST_KEEP_SERVICES=1 scripts/test.sh --filter-class X` leaves them running), the PostgreSQL + RabbitMQ
#      shape with the nfvo and vnfm roles in one process (the sandbox VIM is process-local: ADR-0018),
# runs bench/Ns.Benchmarks (COUNT NS of 3 VNFs submitted at once) against each, and writes
# docs/benchmarks/ns-instantiation.md.           scripts/bench-ns.sh [count]   (default 100)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
COUNT="${1:-100}"
OUT="$ROOT/docs/benchmarks/ns-instantiation.md"
HOST="$ROOT/artifacts/bench-ns-host"
PORT=19978
dotnet publish "$ROOT/src/Host/Host.csproj" -c Release -o "$HOST" -nologo -v quiet >/dev/null
dotnet build "$ROOT/bench/Ns.Benchmarks/Ns.Benchmarks.csproj" -c Release -nologo -v quiet >/dev/null
DRIVER="$ROOT/bench/Ns.Benchmarks/bin/Release/net10.0/Mano.Ns.Benchmarks.dll"

cat > "$OUT" <<MD
# NS instantiation under load (issue 6, item 9)

Produced by \`scripts/bench-ns.sh $COUNT\` on $(date -u '+%Y-%m-%d') ($(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo),
$(. /etc/os-release; echo "$PRETTY_NAME"), .NET $(dotnet --version)). Each run: one Mano process (Release), the sandbox VIM with
zero latency and no quota limit, the test NSD of tests/TestSupport/NsdPackages (3 VNFs from Tacker's corpus: 5 servers,
NS virtual links, one service function chain), a warm-up NS first, then $COUNT \`POST ns_instances\` +
\`POST .../instantiate\` pairs from one client (bench/Ns.Benchmarks), which polls each op occ every 100 ms for its first 2 s, then every 500 ms (the server-side times below do
not depend on polling): first paced at
50 NS/minute (OSM's published condition: per-NS latency), then, on a fresh process and database, all $COUNT at once
(capacity). The sandbox VIM is registered with a capacity of 1,000 servers, so one process holds at most 200 of these NS.

Anchor (published, not re-measured here: OSM cannot be installed on this machine): OSM takes about 52 s per NS at
50 NS/minute against an emulated VIM.

MD

run() { # $1 = label, $2 = driver pacing ("--rate 50" or ""), rest = env assignments
  local label="$1" pacing="$2"; shift 2
  local data; data="$(mktemp -d)"
  env "$@" MANO_DATA_DIR="$data" ASPNETCORE_URLS="http://127.0.0.1:$PORT" Sandbox__LatencyMs=0 Sandbox__UnlimitedQuota=true \
      Vnfm__Resync__Cron=off Logging__LogLevel__Default=Warning dotnet "$HOST/Mano.Host.dll" > "$data/host.log" 2>&1 &
  local pid=$!
  until curl -fsS "http://127.0.0.1:$PORT/health/ready" >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "Mano exited:"; tail -50 "$data/host.log"; return 1; }
    sleep 0.2
  done
  local rss_before; rss_before=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  local rc=0
  # shellcheck disable=SC2086 # $pacing is empty or two words
  dotnet "$DRIVER" --url "http://127.0.0.1:$PORT" --count "$COUNT" $pacing --label "$label" --out "$OUT" || rc=$?
  local rss_after; rss_after=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  echo "Mano's resident set: $((rss_before / 1024)) MiB when ready, $((rss_after / 1024)) MiB after the run." >> "$OUT"
  echo >> "$OUT"
  kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
  [[ $rc -eq 0 ]] || { echo "driver failed ($rc); host log tail:"; tail -30 "$data/host.log"; }
  rm -rf "$data"
  return $rc
}

for pacing in "--rate 50" ""; do
  run "Embedded shape (SQLite, in-memory bus)" "$pacing" || true
done
# The same burst with the sandbox's state file off (Sandbox:Persist=false): what the simulated VIM's own bookkeeping costs.
run "Embedded shape, sandbox state kept in memory only (Sandbox:Persist=false)" "" Sandbox__Persist=false || true
if [[ -n "${MANO_TEST_POSTGRES:-}" && -n "${MANO_TEST_RABBITMQ:-}" ]]; then
  ctl() { ${MANO_TEST_RABBITMQCTL:-rabbitmqctl} -n "${MANO_TEST_RABBITMQ_NODE:-mano-test@localhost}" "$@" >/dev/null; }
  n=0
  for pacing in "--rate 50" ""; do
    n=$((n + 1))
    db="mano_bench_ns_$$_$n"
    vhost="mano-bench-ns-$$-$n"
    ctl add_vhost "$vhost"
    ctl set_permissions -p "$vhost" guest '.*' '.*' '.*'
    cs="${MANO_TEST_POSTGRES/Database=postgres/Database=$db}"
    common=(Database__Provider=Postgres "ConnectionStrings__Mano=$cs" Bus__Transport=RabbitMq "Bus__RabbitMq__Uri=${MANO_TEST_RABBITMQ%/}/$vhost" MANO_ROLES=nfvo,vnfm)
    env "${common[@]}" MANO_DATA_DIR="$(mktemp -d)" dotnet "$HOST/Mano.Host.dll" migrate >/dev/null
    run "PostgreSQL + RabbitMQ shape (roles nfvo,vnfm in one process)" "$pacing" "${common[@]}" || true
    ctl delete_vhost "$vhost" || true
  done
fi
echo "wrote $OUT"
