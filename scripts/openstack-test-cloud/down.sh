#!/bin/bash
# scripts/openstack-test-cloud/down.sh - stops what up.sh started, strictly by the PIDs it recorded in
# $MANO_OS_CLOUD_DIR/run/*.pid (each daemon runs in its own session, so its PID is its process group: the group is
# signalled, which takes API/RPC worker children with it). Never kills by name. Idempotent.
# PURGE=1 also drops the OpenStack databases and the image store (the next up.sh makes a fresh cloud).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
BASE=${MANO_OS_CLOUD_DIR:-/var/tmp/mano-openstack-cloud}; RUN=$BASE/run
stop_pid() { # name pid
  local name=$1 pid=$2 i target f="$RUN/$1.pid"
  kill -0 "$pid" 2>/dev/null || { echo "$name ($pid) not running"; return 0; }
  # a stale pid file whose PID now belongs to a younger process: leave that process alone
  if [ -f "$f" ] && [ $(( $(date +%s) - $(ps -o etimes= -p "$pid") )) -gt $(( $(stat -c %Y "$f") + 5 )) ]; then
    echo "$name: pid $pid is younger than $f (stale pid file), not touching it"; return 0; fi
  if [ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ]; then target="-$pid"; else target="$pid"; fi
  kill -TERM -- "$target" 2>/dev/null
  # MariaDB flushes its buffer pool on TERM: give it a minute, the others 20 s
  local tries=100; [ "$name" = mariadb ] && tries=300
  for i in $(seq 1 $tries); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL -- "$target" 2>/dev/null; echo "$name ($pid) killed"; else echo "$name ($pid) stopped"; fi
}
[ -d "$RUN" ] || { echo "nothing to stop ($RUN does not exist)"; exit 0; }
ORDER="heat-engine heat-api neutron-server nova-compute nova-scheduler nova-conductor nova-api glance-api placement-api keystone"
for n in $ORDER; do [ -f "$RUN/$n.pid" ] && { stop_pid "$n" "$(cat "$RUN/$n.pid")"; rm -f "$RUN/$n.pid"; } & done; wait
if [ "${PURGE:-0}" = 1 ] && [ -f "$RUN/mariadb.pid" ]; then
  mysql -e 'DROP DATABASE IF EXISTS keystone; DROP DATABASE IF EXISTS placement; DROP DATABASE IF EXISTS glance;
            DROP DATABASE IF EXISTS nova_api; DROP DATABASE IF EXISTS nova; DROP DATABASE IF EXISTS nova_cell0;
            DROP DATABASE IF EXISTS neutron; DROP DATABASE IF EXISTS heat;' && echo "databases dropped"
  rm -rf /var/lib/glance/images/* /etc/keystone/fernet-keys /etc/keystone/credential-keys
fi
# epmd serves every Erlang node of the host (scripts/test.sh's RabbitMQ too): keep it while another node is registered
if [ -f "$RUN/epmd.pid" ] && epmd -names 2>/dev/null | grep -v "^name rabbit at" | grep -q "^name "; then
  echo "epmd kept: other Erlang nodes are registered"; KEEP_EPMD=1; fi
for n in rabbitmq $([ "${KEEP_EPMD:-0}" = 1 ] || echo epmd) mariadb; do
  [ -f "$RUN/$n.pid" ] && { stop_pid "$n" "$(cat "$RUN/$n.pid")"; rm -f "$RUN/$n.pid"; }; done
for f in "$RUN"/*.pid; do [ -f "$f" ] || continue; n=$(basename "$f" .pid); [ "$n" = epmd ] && continue; stop_pid "$n" "$(cat "$f")"; rm -f "$f"; done
exit 0
