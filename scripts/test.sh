#!/usr/bin/env bash
# Mano: THE one command that runs every test (README and CI call it).
#
#   scripts/test.sh                                   # everything
#   scripts/test.sh --filter-class 'Mano.Tosca.*'     # extra args go to `dotnet test` (MTP / xunit.v3 options)
#
# What it does, idempotently, on a fresh Debian 12 machine as root (or a developer machine):
#   1. install   apt-get installs postgresql-15 and rabbitmq-server, only when absent
#   2. services  a private PostgreSQL 15 cluster and a private RabbitMQ node, both on 127.0.0.1 only
#                (reused when something already answers on their ports, e.g. a developer's kept services)
#   3. build     dotnet build <solution> -c Release, once
#   4. tests     dotnet test (Microsoft.Testing.Platform) --no-build, TRX files into the results directory
# and prints as its LAST line: `N passed, N failed, N skipped` (summed over every TRX file).
# Exit status is non-zero when the build failed, a test failed, or a test project crashed (counted as failures).
#
# Environment (all optional):
#   MANO_TEST_SOLUTION        solution or project to build and test   (default: Mano.sln, else Mano.slnx)
#   MANO_TEST_DIR             scratch directory of the services        (default: /tmp/mano-test)
#   MANO_TEST_RESULTS         TRX output directory                     (default: <repo>/TestResults/run)
#   MANO_TEST_PG_PORT         PostgreSQL port                          (default: 15432)
#   MANO_TEST_RABBITMQ_PORT   RabbitMQ AMQP port                       (default: 5673)
#   MANO_TEST_RABBITMQ_DIST_PORT  Erlang distribution port of the node (default: 25673)
#   MANO_TEST_TIMEOUT         time limit of the test phase (timeout(1) syntax)  (default: 25m)
#   MANO_TEST_KEEP_SERVICES=1 leave PostgreSQL and RabbitMQ running after the run (reused by the next run)
#   MANO_TEST_SKIP_SERVICES=1 start no service (pure unit-test runs)
#   MANO_TEST_OPENSTACK       1 (default): bring up the OpenStack test cloud (scripts/openstack-test-cloud/up.sh, as root,
#                             in the background during services + build) for tests/VimAdapters.OpenStack.Tests;
#                             0: no cloud, those tests report as skipped. When MANO_TEST_OPENSTACK_AUTH_URL is already
#                             set, that cloud is used and none is started.
#   MANO_OS_CLOUD_DIR         the test cloud's state directory              (default: /var/tmp/mano-openstack-cloud)
# Exported to the tests:
#   MANO_TEST_POSTGRES        Npgsql connection string of a SUPERUSER (tests create their own databases)
#   MANO_TEST_RABBITMQ        amqp://guest:guest@127.0.0.1:<port>/ (tests use their own vhosts/queue names)
#   MANO_TEST_RABBITMQ_NODE   node name, for `rabbitmqctl -n "$MANO_TEST_RABBITMQ_NODE" add_vhost ...`
#   MANO_TEST_RABBITMQCTL     the rabbitmqctl command to use (as root: the Debian wrapper `rabbitmqctl`)
#   MANO_TEST_OPENSTACK_AUTH_URL / _USERNAME / _PASSWORD / _PROJECT / _USER_DOMAIN / _PROJECT_DOMAIN / _REGION /
#   _EXT_NETWORK / _IMAGE / _SFC   the OpenStack test cloud (from $MANO_OS_CLOUD_DIR/mano-test.env)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

TEST_DIR="${MANO_TEST_DIR:-/tmp/mano-test}"
RESULTS="${MANO_TEST_RESULTS:-$ROOT/TestResults/run}"
PG_PORT="${MANO_TEST_PG_PORT:-15432}"
RMQ_PORT="${MANO_TEST_RABBITMQ_PORT:-5673}"
RMQ_DIST_PORT="${MANO_TEST_RABBITMQ_DIST_PORT:-25673}"
RMQ_NODE="mano-test@localhost"
TEST_TIMEOUT="${MANO_TEST_TIMEOUT:-25m}"
PG_BIN="/usr/lib/postgresql/15/bin"
RMQ_BIN="/usr/lib/rabbitmq/bin"

export DEBIAN_FRONTEND=noninteractive
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# No MSBuild worker node outlives the build (a lingering node would keep CI's output pipe open).
export MSBUILDDISABLENODEREUSE=1

# ---- bookkeeping ---------------------------------------------------------------------------------------------------
PASSED=0 FAILED=0 SKIPPED=0
STARTED_PG=0 STARTED_RMQ=0 STARTED_EPMD=0
OS_CLOUD_PID="" OS_CLOUD_STARTED=0
OS_CLOUD_DIR="${MANO_OS_CLOUD_DIR:-/var/tmp/mano-openstack-cloud}"
OS_CLOUD_LOG="$TEST_DIR/openstack-test-cloud.log"
declare -a TIMINGS=()
PHASE_NAME="" PHASE_START=0

log() { printf '[test.sh] %s\n' "$*"; }
now() { date +%s.%N; }
phase_begin() { PHASE_NAME="$1"; PHASE_START="$(now)"; log "== phase $1"; }
elapsed() { awk -v a="$PHASE_START" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
phase_end() {
    local seconds
    seconds="$(awk -v a="$PHASE_START" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')"
    TIMINGS+=("$PHASE_NAME ${seconds}s")
    log "== phase $PHASE_NAME took ${seconds}s"
    PHASE_NAME=""
}

# Run a command as a service user (PostgreSQL refuses root); as a non-root developer, as yourself.
as_user() {
    local user="$1"; shift
    if [[ $EUID -eq 0 ]]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# RabbitMQ's Erlang CLI and node: loopback only, ports below 32768, our own config files.
rmq_env() {
    export RABBITMQ_NODENAME="$RMQ_NODE"
    export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1
    export RABBITMQ_NODE_PORT="$RMQ_PORT"
    export RABBITMQ_DIST_PORT="$RMQ_DIST_PORT"
    export ERL_EPMD_ADDRESS=127.0.0.1
    export RABBITMQ_CTL_DIST_PORT_MIN=$((RMQ_DIST_PORT + 7))
    export RABBITMQ_CTL_DIST_PORT_MAX=$((RMQ_DIST_PORT + 17))
    export RABBITMQ_CTL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
    if [[ $EUID -eq 0 ]]; then
        # Same cookie as Debian's `rabbitmqctl` wrapper (which su's to rabbitmq, HOME=/var/lib/rabbitmq).
        RMQ_HOME=/var/lib/rabbitmq
        export MANO_TEST_RABBITMQCTL="rabbitmqctl"
    else
        RMQ_HOME="$HOME"
        export MANO_TEST_RABBITMQCTL="$RMQ_BIN/rabbitmqctl"
    fi
}

rmqctl() {
    if [[ $EUID -eq 0 ]]; then
        runuser -u rabbitmq -- env HOME="$RMQ_HOME" "$RMQ_BIN/rabbitmqctl" "$@"
    else
        "$RMQ_BIN/rabbitmqctl" "$@"
    fi
}

epmd_bin() { command -v epmd 2>/dev/null || ls /usr/lib/erlang/erts-*/bin/epmd 2>/dev/null | head -n 1; }

stop_services() {
    if [[ "${MANO_TEST_KEEP_SERVICES:-0}" == "1" ]]; then
        if (( STARTED_PG || STARTED_RMQ )); then
            log "MANO_TEST_KEEP_SERVICES=1: leaving the services running. To use them from a shell:"
            log "  export MANO_TEST_POSTGRES='${MANO_TEST_POSTGRES:-}' MANO_TEST_RABBITMQ='${MANO_TEST_RABBITMQ:-}' MANO_TEST_RABBITMQ_NODE='$RMQ_NODE'"
        fi
        return 0
    fi
    if (( STARTED_RMQ )); then
        log "stopping RabbitMQ ($RMQ_NODE)"
        if ! timeout 60 bash -c "$(declare -f rmqctl); RMQ_HOME='$RMQ_HOME' RMQ_BIN='$RMQ_BIN' rmqctl -n '$RMQ_NODE' stop" >/dev/null 2>&1; then
            [[ -n "${RMQ_PID:-}" ]] && kill -TERM -- "-$RMQ_PID" 2>/dev/null || true
        fi
        if [[ -n "${RMQ_PID:-}" ]]; then
            for _ in $(seq 1 30); do kill -0 "$RMQ_PID" 2>/dev/null || break; sleep 1; done
            kill -KILL -- "-$RMQ_PID" 2>/dev/null || true
        fi
        if (( STARTED_EPMD )); then
            local epmd; epmd="$(epmd_bin)"
            [[ -n "$epmd" ]] && ERL_EPMD_ADDRESS=127.0.0.1 "$epmd" -kill >/dev/null 2>&1 || true
        fi
    fi
    if (( STARTED_PG )); then
        log "stopping PostgreSQL (port $PG_PORT)"
        as_user postgres "$PG_BIN/pg_ctl" -D "$TEST_DIR/pg/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
    fi
}

# The OpenStack test cloud: stopped (by the PIDs up.sh recorded) when this run started it, unless kept.
stop_openstack_cloud() {
    if [[ -n "$OS_CLOUD_PID" ]] && kill -0 "$OS_CLOUD_PID" 2>/dev/null; then
        log "stopping the unfinished OpenStack test cloud start-up (pid $OS_CLOUD_PID)"
        kill -TERM -- "-$OS_CLOUD_PID" 2>/dev/null || kill -TERM "$OS_CLOUD_PID" 2>/dev/null || true
        wait "$OS_CLOUD_PID" 2>/dev/null || true
    fi
    (( OS_CLOUD_STARTED )) || return 0
    if [[ "${MANO_TEST_KEEP_SERVICES:-0}" == "1" ]]; then
        log "MANO_TEST_KEEP_SERVICES=1: leaving the OpenStack test cloud running (. $OS_CLOUD_DIR/mano-test.env; stop: scripts/openstack-test-cloud/down.sh)"
        return 0
    fi
    log "stopping the OpenStack test cloud"
    MANO_OS_CLOUD_DIR="$OS_CLOUD_DIR" timeout 120 "$ROOT/scripts/openstack-test-cloud/down.sh" >>"$OS_CLOUD_LOG" 2>&1 || true
}

on_exit() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    if [[ -n "$PHASE_NAME" ]]; then
        log "phase $PHASE_NAME did not complete (exit code $rc)"
        phase_end
    fi
    [[ "${POLICY_RC_D_ADDED:-0}" == "1" ]] && rm -f /usr/sbin/policy-rc.d
    stop_openstack_cloud
    stop_services
    # Compiler / Razor build servers would outlive the script and keep CI's pipes open.
    timeout 60 dotnet build-server shutdown >/dev/null 2>&1
    if (( ${#TIMINGS[@]} )); then log "timings: $(IFS=,; echo "${TIMINGS[*]}" | sed 's/,/, /g')"; fi
    # The counts line is ALWAYS the last line. Dying before the tests (install, services, build) counts as 1 failure.
    (( rc != 0 && FAILED == 0 )) && FAILED=1
    echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
    if (( rc == 0 && FAILED > 0 )); then rc=1; fi
    exit "$rc"
}
trap on_exit EXIT
trap 'log "interrupted"; exit 130' INT TERM

# ---- 1. install ----------------------------------------------------------------------------------------------------
phase_begin install
if [[ "${MANO_TEST_SKIP_SERVICES:-0}" != "1" ]]; then
    missing=()
    [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] || missing+=(postgresql-15)
    [[ -x "$RMQ_BIN/rabbitmq-server" ]] || missing+=(rabbitmq-server)
    if (( ${#missing[@]} )); then
        if [[ $EUID -ne 0 ]]; then
            log "missing ${missing[*]} and not root: install them (apt-get install ${missing[*]}) and rerun"
            exit 1
        fi
        log "installing ${missing[*]}"
        # Keep the packages' own services (postgresql 15/main on :5432, rabbitmq on 0.0.0.0:5672) from being
        # started by their maintainer scripts: the tests use private instances on 127.0.0.1 only.
        if [[ ! -e /usr/sbin/policy-rc.d ]]; then
            printf '#!/bin/sh\n# scripts/test.sh: no service start during package installation\nexit 101\n' >/usr/sbin/policy-rc.d
            chmod 755 /usr/sbin/policy-rc.d
            POLICY_RC_D_ADDED=1
        fi
        # Wait for a concurrent apt/dpkg instead of failing on its lock.
        install_rc=0
        { apt-get -o DPkg::Lock::Timeout=600 update -qq \
            && apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } || install_rc=$?
        [[ "${POLICY_RC_D_ADDED:-0}" == "1" ]] && rm -f /usr/sbin/policy-rc.d
        (( install_rc == 0 )) || { log "apt-get failed (exit code $install_rc)"; exit 1; }
    else
        log "postgresql-15 and rabbitmq-server already installed"
    fi
fi
command -v dotnet >/dev/null || { log "dotnet is not on PATH (the .NET 10 SDK is required)"; exit 1; }
phase_end

# ---- 1b. OpenStack test cloud, started in the background (after install: its apt run must not race ours) ------------
OS_CLOUD_T0=0
if [[ "${MANO_TEST_OPENSTACK:-1}" == "0" ]]; then
    log "MANO_TEST_OPENSTACK=0: no OpenStack test cloud; the OpenStack integration tests report as skipped"
    export MANO_TEST_OPENSTACK=0
elif [[ -n "${MANO_TEST_OPENSTACK_AUTH_URL:-}" ]]; then
    log "MANO_TEST_OPENSTACK_AUTH_URL is set: the OpenStack integration tests use that cloud ($MANO_TEST_OPENSTACK_AUTH_URL)"
elif [[ $EUID -ne 0 ]]; then
    log "not root: cannot bring up the OpenStack test cloud (the OpenStack integration tests will fail and say how to provide one;"
    log "  MANO_TEST_OPENSTACK=0 skips them)"
else
    mkdir -p "$TEST_DIR"
    log "starting the OpenStack test cloud in the background (log: $OS_CLOUD_LOG)"
    OS_CLOUD_T0="$(now)"
    setsid env MANO_OS_CLOUD_DIR="$OS_CLOUD_DIR" "$ROOT/scripts/openstack-test-cloud/up.sh" >"$OS_CLOUD_LOG" 2>&1 </dev/null &
    OS_CLOUD_PID=$!
    OS_CLOUD_STARTED=1
fi

# ---- 2. services ---------------------------------------------------------------------------------------------------
phase_begin services
if [[ "${MANO_TEST_SKIP_SERVICES:-0}" != "1" ]]; then
    mkdir -p "$TEST_DIR"
    chmod 755 "$TEST_DIR"

    # PostgreSQL 15 -------------------------------------------------------------------------------------------------
    export PGCONNECT_TIMEOUT=5
    if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT"; then
        log "PostgreSQL already answers on 127.0.0.1:$PG_PORT: reusing it"
    else
        PGDIR="$TEST_DIR/pg"
        if [[ -f "$PGDIR/data/postmaster.pid" ]]; then
            as_user postgres "$PG_BIN/pg_ctl" -D "$PGDIR/data" -m immediate -w stop >/dev/null 2>&1 || true
        fi
        rm -rf "$PGDIR"
        mkdir -p "$PGDIR/data" "$PGDIR/socket"
        [[ $EUID -eq 0 ]] && chown -R postgres:postgres "$PGDIR"
        chmod 700 "$PGDIR/data"
        as_user postgres "$PG_BIN/initdb" -D "$PGDIR/data" -U postgres -A trust -E UTF8 --no-locale >"$PGDIR/initdb.log" 2>&1 \
            || { cat "$PGDIR/initdb.log"; exit 1; }
        cat >>"$PGDIR/data/postgresql.conf" <<EOF

# ---- mano test cluster (scripts/test.sh): throwaway data, speed over durability ----
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PGDIR/socket'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 128MB
log_min_messages = warning
EOF
        # Trust for loopback TCP only (initdb -A trust also covers the private unix socket).
        cat >"$PGDIR/data/pg_hba.conf" <<EOF
local all all trust
host  all all 127.0.0.1/32 trust
EOF
        [[ $EUID -eq 0 ]] && chown postgres:postgres "$PGDIR/data/postgresql.conf" "$PGDIR/data/pg_hba.conf"
        as_user postgres "$PG_BIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 start >/dev/null \
            || { log "PostgreSQL did not start:"; tail -n 50 "$PGDIR/server.log" || true; exit 1; }
        STARTED_PG=1
        log "PostgreSQL 15 started on 127.0.0.1:$PG_PORT (data $PGDIR/data) after $(elapsed)s"
    fi
    # The `mano` superuser the tests use (idempotent; also fixes a reused server that lacks it).
    if ! "$PG_BIN/psql" -qtAX -h 127.0.0.1 -p "$PG_PORT" -U mano -d postgres -c 'select 1' >/dev/null 2>&1; then
        PGPASSWORD="${PGPASSWORD:-}" "$PG_BIN/psql" -qtAX -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
            -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mano') THEN CREATE ROLE mano LOGIN SUPERUSER PASSWORD 'mano'; END IF; END \$\$;" \
            || { log "cannot create role mano on 127.0.0.1:$PG_PORT"; exit 1; }
    fi
    export MANO_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=mano;Password=mano;Database=postgres"

    # RabbitMQ ------------------------------------------------------------------------------------------------------
    rmq_env
    if port_open "$RMQ_PORT"; then
        log "something already answers on 127.0.0.1:$RMQ_PORT: reusing it as RabbitMQ"
    else
        RMQDIR="$TEST_DIR/rabbitmq"
        rm -rf "$RMQDIR"
        mkdir -p "$RMQDIR/mnesia" "$RMQDIR/log"
        echo '[].' >"$RMQDIR/enabled_plugins"                 # no plugin at all (no management UI)
        : >"$RMQDIR/rabbitmq-env.conf"                          # ignore /etc/rabbitmq/rabbitmq-env.conf
        cat >"$RMQDIR/rabbitmq.conf" <<EOF
# mano test node (scripts/test.sh)
loopback_users.guest = true
log.console = false
log.file.level = warning
disk_free_limit.absolute = 50MB
EOF
        [[ $EUID -eq 0 ]] && chown -R rabbitmq:rabbitmq "$RMQDIR"
        export RABBITMQ_MNESIA_BASE="$RMQDIR/mnesia" RABBITMQ_LOG_BASE="$RMQDIR/log"
        export RABBITMQ_ENABLED_PLUGINS_FILE="$RMQDIR/enabled_plugins" RABBITMQ_CONF_ENV_FILE="$RMQDIR/rabbitmq-env.conf"
        export RABBITMQ_CONFIG_FILE="$RMQDIR/rabbitmq.conf" RABBITMQ_PID_FILE="$RMQDIR/rabbitmq.pid"
        if port_open 4369; then
            # A leftover node of an earlier run (registered, but not serving AMQP): stop it, or the name clashes.
            epmd="$(epmd_bin)"
            if [[ -n "$epmd" ]] && "$epmd" -names 2>/dev/null | grep -q "^name ${RMQ_NODE%@*} "; then
                log "stopping a leftover $RMQ_NODE node"
                timeout 60 bash -c "$(declare -f rmqctl); RMQ_HOME='$RMQ_HOME' RMQ_BIN='$RMQ_BIN' rmqctl -q -n '$RMQ_NODE' stop" >/dev/null 2>&1 || true
            fi
        else
            STARTED_EPMD=1
        fi
        # Own session, so that the whole process group (runuser, beam, children) can be stopped by its id.
        if [[ $EUID -eq 0 ]]; then
            setsid runuser -u rabbitmq -- env HOME="$RMQ_HOME" "$RMQ_BIN/rabbitmq-server" >"$RMQDIR/startup.log" 2>&1 </dev/null &
        else
            setsid "$RMQ_BIN/rabbitmq-server" >"$RMQDIR/startup.log" 2>&1 </dev/null &
        fi
        RMQ_PID=$!
        STARTED_RMQ=1
        deadline=$((SECONDS + 120))
        until port_open "$RMQ_PORT"; do
            if ! kill -0 "$RMQ_PID" 2>/dev/null; then
                log "RabbitMQ exited during startup:"; tail -n 50 "$RMQDIR/startup.log" || true; exit 1
            fi
            if (( SECONDS > deadline )); then
                log "RabbitMQ not listening on 127.0.0.1:$RMQ_PORT after 120s:"; tail -n 50 "$RMQDIR/startup.log" || true; exit 1
            fi
            sleep 0.5
        done
        # Confirms that the node booted completely AND that rabbitmqctl (cookie, ports) works for the tests.
        timeout 60 bash -c "$(declare -f rmqctl); RMQ_HOME='$RMQ_HOME' RMQ_BIN='$RMQ_BIN' rmqctl -q -n '$RMQ_NODE' await_startup --timeout 60" \
            || { log "rabbitmqctl await_startup failed"; tail -n 50 "$RMQDIR/startup.log" || true; exit 1; }
        log "RabbitMQ started: amqp://127.0.0.1:$RMQ_PORT node $RMQ_NODE (data $RMQDIR) after $(elapsed)s"
    fi
    export MANO_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:$RMQ_PORT/"
    export MANO_TEST_RABBITMQ_NODE="$RMQ_NODE"
else
    log "MANO_TEST_SKIP_SERVICES=1: no PostgreSQL, no RabbitMQ"
fi
phase_end

# ---- 3. build ------------------------------------------------------------------------------------------------------
phase_begin build
SOLUTION="${MANO_TEST_SOLUTION:-}"
if [[ -z "$SOLUTION" ]]; then
    if [[ -f "$ROOT/Mano.sln" ]]; then SOLUTION="$ROOT/Mano.sln"
    elif [[ -f "$ROOT/Mano.slnx" ]]; then SOLUTION="$ROOT/Mano.slnx"
    else log "no Mano.sln / Mano.slnx at $ROOT (set MANO_TEST_SOLUTION)"; exit 1; fi
fi
[[ -e "$SOLUTION" ]] || { log "MANO_TEST_SOLUTION=$SOLUTION does not exist"; exit 1; }
log "building $SOLUTION (Release)"
if ! dotnet build "$SOLUTION" -c Release -nologo -nodeReuse:false; then
    log "BUILD FAILED (counted as 1 failure)"
    exit 1
fi
phase_end

# ---- 3b. OpenStack test cloud ready ---------------------------------------------------------------------------------
if [[ -n "$OS_CLOUD_PID" ]]; then
    phase_begin openstack-cloud-wait
    os_rc=0
    wait "$OS_CLOUD_PID" || os_rc=$?
    OS_CLOUD_PID=""
    cat "$OS_CLOUD_LOG" | sed 's/^/[test.sh]   /'
    if (( os_rc != 0 )) || [[ ! -f "$OS_CLOUD_DIR/mano-test.env" ]]; then
        log "the OpenStack test cloud did not come up (exit code $os_rc, log $OS_CLOUD_LOG): its integration tests will fail"
    else
        # shellcheck disable=SC1091
        . "$OS_CLOUD_DIR/mano-test.env"
        apt_s="$(sed -n 's/^apt_seconds=//p' "$OS_CLOUD_DIR/timings" 2>/dev/null)"
        start_s="$(sed -n 's/^start_seconds=//p' "$OS_CLOUD_DIR/timings" 2>/dev/null)"
        total_s="$(awk -v a="$OS_CLOUD_T0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')"
        log "OpenStack test cloud ready at $MANO_TEST_OPENSTACK_AUTH_URL: apt ${apt_s:-?}s + start ${start_s:-?}s (${total_s}s since launched, overlapped with services + build)"
        TIMINGS+=("openstack-cloud(apt ${apt_s:-?}s, start ${start_s:-?}s)")
    fi
    phase_end
fi

# ---- 4. tests ------------------------------------------------------------------------------------------------------
phase_begin tests
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
case "$SOLUTION" in
    *.sln|*.slnx) target=(--solution "$SOLUTION") ;;
    *) target=(--project "$SOLUTION") ;;
esac
# Two test modules at a time on these 2-core machines: the end-to-end tests start Mano processes and the OpenStack
# tests drive a real cloud on this same machine; more parallelism only makes them starve each other (timeouts).
dotnet_args=(test "${target[@]}" -c Release --no-build --results-directory "$RESULTS" --report-trx
             --max-parallel-test-modules "${MANO_TEST_PARALLEL_MODULES:-2}"
             --ignore-exit-code 8)   # 8 = "zero tests ran" (e.g. a filter); such projects are reported below
if [[ -n "${CI:-}" || ! -t 1 ]]; then dotnet_args+=(--no-progress --no-ansi); fi
set +e
timeout --kill-after=60s "$TEST_TIMEOUT" dotnet "${dotnet_args[@]}" "$@"
test_rc=$?
set -e
(( test_rc == 124 )) && log "TEST PHASE TIMED OUT after $TEST_TIMEOUT"
phase_end

# ---- summary: every TRX file, plus test projects that left none (crashed) -------------------------------------------
counter() { # counter <name> <trx>: value of attribute <name> of the <Counters/> element, 0 if absent
    local v
    v="$(grep -o '<Counters [^>]*>' "$2" | head -n 1 | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9][0-9]*' || true)"
    echo "${v:-0}"
}

shopt -s nullglob
trx_files=("$RESULTS"/*.trx "$RESULTS"/*/*.trx)
shopt -u nullglob
problems=()
for trx in "${trx_files[@]}"; do
    total=$(counter total "$trx"); passed=$(counter passed "$trx"); pbra=$(counter passedButRunAborted "$trx")
    failed=$(( $(counter failed "$trx") + $(counter error "$trx") + $(counter timeout "$trx") + $(counter aborted "$trx") ))
    skipped=$(( total - passed - pbra - failed )); (( skipped < 0 )) && skipped=0
    outcome="$(grep -o '<ResultSummary outcome="[^"]*"' "$trx" | head -n 1 | sed 's/.*outcome="//; s/"$//' || true)"
    log "$(basename "$trx"): $((passed + pbra)) passed, $failed failed, $skipped skipped (outcome ${outcome:-?})"
    if (( failed == 0 )) && [[ -n "$outcome" && ! "$outcome" =~ ^(Completed|Passed|Warning)$ ]]; then
        problems+=("$(basename "$trx"): run outcome $outcome with no failed test (counted as 1 failure)")
        failed=1
    fi
    (( total == 0 )) && log "WARNING: $(basename "$trx") ran zero tests"
    PASSED=$((PASSED + passed + pbra)); FAILED=$((FAILED + failed)); SKIPPED=$((SKIPPED + skipped))
done

# Test projects of the run: the ones the solution lists under tests/ (or the one project given).
test_projects=()
case "$SOLUTION" in
    *.sln|*.slnx)
        while IFS= read -r p; do
            p="${p//\\//}"
            [[ "$p" == *.csproj ]] || continue
            p="$(realpath -m "$(dirname "$SOLUTION")/$p")"
            [[ "$p" == "$ROOT"/tests/* ]] && test_projects+=("$p")
        done < <(dotnet sln "$SOLUTION" list 2>/dev/null | tr -d '\r')
        ;;
    *.csproj) test_projects+=("$SOLUTION") ;;
esac
for proj in "${test_projects[@]}"; do
    [[ -f "$proj" ]] || continue
    # A helper library under tests/ opts out with <IsTestProject>false</IsTestProject>: no TRX expected.
    grep -qiE '<IsTestProject>[[:space:]]*false' "$proj" && continue
    name="$(basename "$proj" .csproj)"
    # Assembly name: explicit <AssemblyName>, else Directory.Build.props' Mano.$(MSBuildProjectName).
    asm="$(grep -o '<AssemblyName>[^<]*</AssemblyName>' "$proj" | head -n 1 | sed 's/<[^>]*>//g' || true)"
    asm="${asm:-Mano.$name}"; asm="${asm//\$(MSBuildProjectName)/$name}"
    found=0
    for trx in "${trx_files[@]}"; do
        case "$(basename "$trx")" in "$asm"_*.trx|"$asm".trx) found=1 ;; esac
    done
    if (( ! found )); then
        if (( $# > 0 )); then
            log "no TRX for $name (not selected by the arguments given?)"
        else
            problems+=("$name: no TRX file (crashed or did not run; counted as 1 failure)")
            FAILED=$((FAILED + 1))
        fi
    fi
done

if (( test_rc != 0 )); then
    if (( FAILED == 0 )); then
        problems+=("dotnet test exited with code $test_rc but no failed test was recorded (counted as 1 failure)")
        FAILED=1
    else
        log "dotnet test exited with code $test_rc"
    fi
fi
(( ${#trx_files[@]} == 0 )) && log "WARNING: no TRX file in $RESULTS"
for p in "${problems[@]}"; do log "FAILURE: $p"; done
log "TRX files: $RESULTS"

# Printed last (after the services are stopped) by on_exit.
(( FAILED > 0 )) && exit 1
exit 0
