#!/bin/bash
# scripts/openstack-test-cloud/up.sh - Mano's OpenStack test VIM: a small but REAL OpenStack (Debian 12 "bookworm"
# packages = OpenStack Zed) on 127.0.0.1 only, for the OpenStack driver's integration tests.
#
#   MariaDB + RabbitMQ (:5672) + Keystone (:5000) + Placement (:8778) + Glance (:9292, file store)
#   + Nova api/conductor/scheduler/compute (:8774, compute_driver = fake.FakeDriver)
#   + Neutron server (:9696, ML2 with no L2 agent; networking-sfc service plugins when MANO_OS_SFC=1)
#   + Heat api/engine (:8004, when MANO_OS_HEAT=1)
#
# Idempotent: a re-run skips what is installed / running and re-checks the rest. Every daemon it starts is recorded in
# $MANO_OS_CLOUD_DIR/run/<name>.pid; down.sh stops exactly those PIDs (never by name). Root only (apt, service users).
#
# Writes $MANO_OS_CLOUD_DIR/mano-test.env (MANO_TEST_OPENSTACK_* variables the tests read) and
# $MANO_OS_CLOUD_DIR/timings (apt seconds, start seconds). Seeds: flavors m1.tiny / m1.small, image "tiny",
# network "mano-ext" (10.99.0.0/24, shared), project "mano" with user "mano" (role member), admin/admin in "admin".
#
# Environment: MANO_OS_CLOUD_DIR (default /var/tmp/mano-openstack-cloud), MANO_OS_HEAT (default 1),
#              MANO_OS_SFC (default 1: load networking-sfc into neutron-server), SMOKE=1 (boot a server at the end).
set -euo pipefail
export PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive
BASE=${MANO_OS_CLOUD_DIR:-/var/tmp/mano-openstack-cloud}
HEAT=${MANO_OS_HEAT:-1}
SFC=${MANO_OS_SFC:-1}
RUN=$BASE/run LOGS=$BASE/logs ETC=$BASE/etc
[ "$(id -u)" = 0 ] || { echo "up.sh: run as root (it installs packages and runs services as their users)" >&2; exit 1; }
mkdir -p "$RUN" "$LOGS" "$ETC"
T0=$(date +%s)
phase() { echo "[openstack-test-cloud +$(( $(date +%s) - T0 ))s] $*"; }

# ------------------------------------------------------------------ 1. packages (Debian 12 only)
PKGS="mariadb-server rabbitmq-server keystone python3-openstackclient placement-api glance-api
      nova-api nova-conductor nova-scheduler nova-compute nova-compute-ironic neutron-server curl procps"
[ "$HEAT" = 1 ] && PKGS="$PKGS heat-api heat-engine python3-heatclient"
[ "$SFC" = 1 ] && PKGS="$PKGS python3-networking-sfc"
missing=""
for p in $PKGS; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" = installed ] || missing="$missing $p"
done
APT_S=0
if [ -n "$missing" ]; then
  phase "apt-get install:$missing"
  A0=$(date +%s)
  # no service may be started by a maintainer script: this script starts every daemon itself, on loopback
  if [ ! -e /usr/sbin/policy-rc.d ]; then printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; POLICY_ADDED=1; fi
  rc=0
  { ls /var/lib/apt/lists/*_Packages* >/dev/null 2>&1 || apt-get -o DPkg::Lock::Timeout=900 update -q >> "$LOGS/apt.log" 2>&1; } || true
  apt-get install -y -q -o DPkg::Lock::Timeout=900 --no-install-recommends $missing >> "$LOGS/apt.log" 2>&1 \
    || { apt-get -o DPkg::Lock::Timeout=900 update -q >> "$LOGS/apt.log" 2>&1 \
         && apt-get install -y -q -o DPkg::Lock::Timeout=900 --no-install-recommends $missing >> "$LOGS/apt.log" 2>&1; } || rc=$?
  [ "${POLICY_ADDED:-0}" = 1 ] && rm -f /usr/sbin/policy-rc.d
  [ $rc = 0 ] || { echo "apt-get failed, see $LOGS/apt.log" >&2; tail -n 30 "$LOGS/apt.log" >&2; exit 1; }
  APT_S=$(( $(date +%s) - A0 ))
  phase "packages installed in ${APT_S}s"
else
  phase "packages already installed"
fi
S0=$(date +%s)

running() { [ -f "$RUN/$1.pid" ] && kill -0 "$(cat "$RUN/$1.pid")" 2>/dev/null; }
wait_http() { local i c; for i in $(seq 1 $(( ${2:-180} * 5 ))); do
    c=$(curl -s -o /dev/null -w '%{http_code}' "$1" || true); case "$c" in 2*|3*|401) return 0;; esac; sleep 0.2; done
  echo "TIMEOUT waiting for $1" >&2; return 1; }
# a daemon under start-stop-daemon, in its own session (its PID is its process group: down.sh stops the group)
start_daemon() { local name=$1 user=$2; shift 2
  running "$name" && return 0
  start-stop-daemon --start --background --make-pidfile --pidfile "$RUN/$name.pid" \
    --chuid "$user" --chdir "$(getent passwd "$user" | cut -d: -f6)" --output "$LOGS/$name.out" --startas "$1" -- "${@:2}"; }
# a WSGI app under uwsgi on 127.0.0.1:<port>: name user port wsgi-script
start_uwsgi() { local name=$1 user=$2 port=$3 app=$4
  running "$name" && return 0
  mkdir -p "/var/log/$user"; chown "$user" "/var/log/$user"
  cat > "$ETC/$name-uwsgi.ini" <<EOT
[uwsgi]
http-socket = 127.0.0.1:$port
plugins = python3
master = true
lazy-apps = true
enable-threads = true
processes = 1
threads = 4
buffer-size = 65535
http-auto-chunked = true
http-chunked-input = true
http-raw-body = true
wsgi-manage-chunked-input = true
; uwsgi's http-socket has no keep-alive: tell clients, or they reuse a closed connection (ECONNRESET)
add-header = Connection: close
die-on-term = true
no-orphans = true
uid = $user
gid = $user
chdir = /var/lib/$user
wsgi-file = $app
; daemonize from the ini (not --daemonize2): the log is opened before privileges are dropped
daemonize = /var/log/$user/$name-uwsgi.log
pidfile = $RUN/$name.pid
EOT
  uwsgi --ini "$ETC/$name-uwsgi.ini" 2>/dev/null; }

# ------------------------------------------------------------------ 2. MariaDB + RabbitMQ (loopback)
cat > /etc/mysql/mariadb.conf.d/99-mano-openstack.cnf <<'EOF'
[mysqld]
bind-address = 127.0.0.1
skip-name-resolve
max_connections = 500
innodb_buffer_pool_size = 64M
character-set-server = utf8mb4
collation-server = utf8mb4_general_ci
EOF
mkdir -p /run/mysqld; chown mysql:mysql /run/mysqld
if ! mysqladmin ping >/dev/null 2>&1; then
  rm -f "$RUN/mariadb.pid"
  start-stop-daemon --start --background --make-pidfile --pidfile "$RUN/mariadb.pid" \
    --output "$LOGS/mariadb.out" --startas /usr/sbin/mariadbd -- --user=mysql
  for i in $(seq 1 300); do mysqladmin ping >/dev/null 2>&1 && break; sleep 0.2; done
fi
mysqladmin ping >/dev/null 2>&1 || { echo "mariadb did not start, see $LOGS/mariadb.out" >&2; tail -n 20 "$LOGS/mariadb.out" >&2; exit 1; }
mysql <<'EOF'
CREATE DATABASE IF NOT EXISTS keystone; CREATE DATABASE IF NOT EXISTS placement; CREATE DATABASE IF NOT EXISTS glance;
CREATE DATABASE IF NOT EXISTS nova_api; CREATE DATABASE IF NOT EXISTS nova; CREATE DATABASE IF NOT EXISTS nova_cell0;
CREATE DATABASE IF NOT EXISTS neutron; CREATE DATABASE IF NOT EXISTS heat;
CREATE USER IF NOT EXISTS 'os'@'127.0.0.1' IDENTIFIED BY 'os'; CREATE USER IF NOT EXISTS 'os'@'localhost' IDENTIFIED BY 'os';
GRANT ALL PRIVILEGES ON *.* TO 'os'@'127.0.0.1'; GRANT ALL PRIVILEGES ON *.* TO 'os'@'localhost'; FLUSH PRIVILEGES;
EOF
phase "mariadb up"

cat > /etc/rabbitmq/rabbitmq-env.conf <<'EOF'
NODENAME=rabbit@localhost
NODE_IP_ADDRESS=127.0.0.1
NODE_PORT=5672
DIST_PORT=25672
SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
EOF
if ! running rabbitmq && ! (echo > /dev/tcp/127.0.0.1/5672) 2>/dev/null; then
  # epmd on loopback (reused when one already runs), then the broker
  running epmd || epmd -names >/dev/null 2>&1 || start-stop-daemon --start --background --make-pidfile \
      --pidfile "$RUN/epmd.pid" --chuid rabbitmq --output "$LOGS/epmd.out" --startas /usr/bin/epmd -- -address 127.0.0.1
  sleep 0.5
  start-stop-daemon --start --background --make-pidfile --pidfile "$RUN/rabbitmq.pid" --chuid rabbitmq \
    --chdir /var/lib/rabbitmq --output "$LOGS/rabbitmq.out" \
    --startas /usr/bin/env -- HOME=/var/lib/rabbitmq ERL_EPMD_ADDRESS=127.0.0.1 /usr/lib/rabbitmq/bin/rabbitmq-server
fi

# ------------------------------------------------------------------ 3. configuration
DB="mysql+pymysql://os:os@127.0.0.1"; MQ="rabbit://guest:guest@127.0.0.1:5672/"; KS="http://127.0.0.1:5000"
authtoken() { printf '[keystone_authtoken]\nwww_authenticate_uri = %s\nauth_url = %s\nauth_type = password\nproject_domain_name = Default\nuser_domain_name = Default\nproject_name = service\nusername = %s\npassword = os\nservice_token_roles_required = true\n' "$KS" "$KS" "$1"; }
svcauth()   { printf '[%s]\nauth_type = password\nauth_url = %s\nproject_domain_name = Default\nuser_domain_name = Default\nproject_name = service\nusername = %s\npassword = os\nregion_name = RegionOne\n' "$1" "$KS" "$2"; }
wconf() { [ -f "$1" ] && [ ! -f "$1.dist" ] && cp -p "$1" "$1.dist"; cat > "$1"; chown root:"$2" "$1"; chmod 640 "$1"; }

wconf /etc/keystone/keystone.conf keystone <<EOT
[DEFAULT]
log_dir = /var/log/keystone
[database]
connection = $DB/keystone
[identity]
# test cloud: cheap bcrypt, so token issue is fast on 2 cores
password_hash_rounds = 4
[token]
provider = fernet
[catalog]
driver = sql
EOT
wconf /etc/placement/placement.conf placement <<EOT
[DEFAULT]
log_dir = /var/log/placement
[api]
auth_strategy = keystone
[placement_database]
connection = $DB/placement
$(authtoken placement)
EOT
mkdir -p /var/lib/glance/images; chown glance:glance /var/lib/glance/images
wconf /etc/glance/glance-api.conf glance <<EOT
[DEFAULT]
bind_host = 127.0.0.1
bind_port = 9292
workers = 1
log_dir = /var/log/glance
enabled_backends = fs:file
[database]
connection = $DB/glance
[glance_store]
default_backend = fs
[fs]
filesystem_store_datadir = /var/lib/glance/images/
[paste_deploy]
flavor = keystone
$(authtoken glance)
EOT
wconf /etc/nova/nova.conf nova <<EOT
[DEFAULT]
transport_url = $MQ
my_ip = 127.0.0.1
log_dir = /var/log/nova
state_path = /var/lib/nova
compute_driver = fake.FakeDriver
enabled_apis = osapi_compute
vif_plugging_is_fatal = false
vif_plugging_timeout = 0
[api]
auth_strategy = keystone
[api_database]
connection = $DB/nova_api
[database]
connection = $DB/nova
[conductor]
workers = 1
[scheduler]
workers = 1
discover_hosts_in_cells_interval = 10
[filter_scheduler]
enabled_filters = ComputeFilter,ComputeCapabilitiesFilter,ImagePropertiesFilter,ServerGroupAntiAffinityFilter,ServerGroupAffinityFilter
[oslo_concurrency]
lock_path = /var/lib/nova/tmp
[vnc]
enabled = false
[glance]
region_name = RegionOne
[wsgi]
api_paste_config = /etc/nova/api-paste.ini
$(authtoken nova)
$(svcauth placement placement)
$(svcauth neutron neutron)
EOT
# Neutron's ML2 'test' mechanism driver (in python3-neutron's test tree) binds ports (vif_type ovs, ACTIVE) only for
# host "host-ovs-filter-active": naming the one compute host so is what lets ports bind with no L2 agent.
wconf /etc/nova/nova-compute.conf nova <<EOT
[DEFAULT]
host = host-ovs-filter-active
EOT
SERVICE_PLUGINS=router
[ "$SFC" = 1 ] && SERVICE_PLUGINS="router,flow_classifier,sfc"
wconf /etc/neutron/neutron.conf neutron <<EOT
[DEFAULT]
bind_host = 127.0.0.1
bind_port = 9696
core_plugin = ml2
service_plugins = $SERVICE_PLUGINS
auth_strategy = keystone
transport_url = $MQ
api_workers = 1
rpc_workers = 0
rpc_state_report_workers = 0
log_dir = /var/log/neutron
state_path = /var/lib/neutron
[database]
connection = $DB/neutron
$(authtoken neutron)
$(svcauth nova nova)
[oslo_concurrency]
lock_path = /var/lib/neutron/tmp
[sfc]
drivers = dummy
[flowclassifier]
drivers = dummy
EOT
wconf /etc/neutron/plugins/ml2/ml2_conf.ini neutron <<EOT
[ml2]
type_drivers = flat,vlan,vxlan
tenant_network_types = vxlan
mechanism_drivers = test
extension_drivers = port_security
[ml2_type_flat]
flat_networks = *
[ml2_type_vlan]
network_vlan_ranges = physnet1:100:200
[ml2_type_vxlan]
vni_ranges = 1:1000
EOT
if [ "$HEAT" = 1 ]; then
wconf /etc/heat/heat.conf heat <<EOT
[DEFAULT]
transport_url = $MQ
log_dir = /var/log/heat
num_engine_workers = 1
heat_metadata_server_url = http://127.0.0.1:8000
heat_waitcondition_server_url = http://127.0.0.1:8000/v1/waitcondition
stack_domain_admin = heat_domain_admin
stack_domain_admin_password = os
stack_user_domain_name = heat
[database]
connection = $DB/heat
$(authtoken heat)
[trustee]
auth_type = password
auth_url = $KS
username = heat
password = os
user_domain_name = Default
[clients_keystone]
auth_uri = $KS
EOT
fi
cat > "$BASE/admin-openrc" <<'EOF'
export OS_AUTH_TYPE=password OS_AUTH_URL=http://127.0.0.1:5000/v3 OS_USERNAME=admin OS_PASSWORD=admin
export OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default
export OS_IDENTITY_API_VERSION=3 OS_REGION_NAME=RegionOne
EOF
phase "configs written"

# ------------------------------------------------------------------ 4. DB schemas (in parallel)
as() { local u=$1; shift; su -s /bin/sh "$u" -c "$*"; }
dbsync() {
  ( as keystone keystone-manage db_sync ) > "$LOGS/sync-keystone.log" 2>&1 &
  ( as placement placement-manage db sync ) > "$LOGS/sync-placement.log" 2>&1 &
  ( as glance glance-manage db_sync ) > "$LOGS/sync-glance.log" 2>&1 &
  # without --subproject: neutron and every installed subproject (networking-sfc when installed)
  ( as neutron neutron-db-manage --config-file /etc/neutron/neutron.conf \
      --config-file /etc/neutron/plugins/ml2/ml2_conf.ini upgrade heads ) > "$LOGS/sync-neutron.log" 2>&1 &
  if [ "$HEAT" = 1 ]; then ( as heat heat-manage db_sync ) > "$LOGS/sync-heat.log" 2>&1 & fi
  ( as nova nova-manage api_db sync && as nova nova-manage cell_v2 map_cell0 &&
    { as nova nova-manage cell_v2 list_cells 2>/dev/null | grep -q ' cell1 ' || as nova nova-manage cell_v2 create_cell --name=cell1 || [ $? -eq 2 ]; } &&
    as nova nova-manage db sync ) > "$LOGS/sync-nova.log" 2>&1 &
  local rc=0 j; for j in $(jobs -p); do wait "$j" || rc=1; done; return $rc; }
dbsync || { echo "db sync failed, see $LOGS/sync-*.log" >&2; tail -n 20 "$LOGS"/sync-*.log >&2; exit 1; }
phase "db schemas synced"

# ------------------------------------------------------------------ 5. Keystone, users, catalog
mkdir -p /var/log/keystone; chown -R keystone:keystone /var/log/keystone
keystone-manage fernet_setup --keystone-user keystone --keystone-group keystone > /dev/null 2>&1
keystone-manage credential_setup --keystone-user keystone --keystone-group keystone > /dev/null 2>&1
keystone-manage bootstrap --bootstrap-password admin --bootstrap-region-id RegionOne \
  --bootstrap-admin-url $KS/v3/ --bootstrap-internal-url $KS/v3/ --bootstrap-public-url $KS/v3/ > "$LOGS/ks-bootstrap.log" 2>&1
chown -R keystone:keystone /var/log/keystone
start_uwsgi keystone keystone 5000 /usr/bin/keystone-wsgi-public
wait_http $KS/v3/
phase "keystone up"
HEAT=$HEAT /usr/bin/python3 - <<'EOF'
# idempotent: service users, catalog, the test project/user - in ONE process (each CLI call costs ~2 s)
import os
from keystoneauth1.identity import v3
from keystoneauth1 import session
from keystoneclient.v3 import client
s = session.Session(auth=v3.Password(auth_url="http://127.0.0.1:5000/v3", username="admin", password="admin",
        project_name="admin", user_domain_id="default", project_domain_id="default"))
ks = client.Client(session=s)
H = "http://127.0.0.1"
SERVICES = [("placement", "placement", H + ":8778"), ("glance", "image", H + ":9292"),
            ("nova", "compute", H + ":8774/v2.1"), ("neutron", "network", H + ":9696")]
if os.environ.get("HEAT") == "1":
    SERVICES.append(("heat", "orchestration", H + ":8004/v1/%(tenant_id)s"))
one = lambda l: l[0] if l else None
role = lambda n: one(ks.roles.list(name=n)) or ks.roles.create(n)
proj = one(ks.projects.list(name="service")) or ks.projects.create("service", "default")
admin = role("admin"); service = role("service"); member = role("member"); role("reader")
for name, typ, url in SERVICES:
    u = one(ks.users.list(name=name)) or ks.users.create(name, domain="default", password="os")
    ks.roles.grant(admin, user=u, project=proj); ks.roles.grant(service, user=u, project=proj)
    svc = one(ks.services.list(type=typ)) or ks.services.create(name, type=typ)
    have = {e.interface for e in ks.endpoints.list(service=svc)}
    for itf in ("public", "internal", "admin"):
        if itf not in have:
            ks.endpoints.create(svc, url, interface=itf, region="RegionOne")
# Mano's tests run as a plain project member, not as admin
mano = one(ks.projects.list(name="mano")) or ks.projects.create("mano", "default", description="Mano integration tests")
mu = one(ks.users.list(name="mano")) or ks.users.create("mano", domain="default", password="mano-test-secret", default_project=mano)
ks.roles.grant(member, user=mu, project=mano)
if os.environ.get("HEAT") == "1":
    owner = role("heat_stack_owner"); role("heat_stack_user")
    ks.roles.grant(owner, user=one(ks.users.list(name="admin")), project=one(ks.projects.list(name="admin")))
    ks.roles.grant(owner, user=mu, project=mano)
    dom = one(ks.domains.list(name="heat")) or ks.domains.create("heat", description="heat stack users")
    du = one(ks.users.list(name="heat_domain_admin", domain=dom)) or ks.users.create("heat_domain_admin", domain=dom, password="os")
    ks.roles.grant(admin, user=du, domain=dom)
EOF
phase "keystone catalog and users registered"

# ------------------------------------------------------------------ 6. the other services
for i in $(seq 1 240); do (echo > /dev/tcp/127.0.0.1/5672) 2>/dev/null && break; sleep 0.5; done
phase "rabbitmq up"
start_uwsgi placement-api placement 8778 /usr/bin/placement-api
start_daemon glance-api glance /usr/bin/glance-api --config-file /etc/glance/glance-api.conf
start_uwsgi nova-api nova 8774 /usr/bin/nova-api-wsgi
start_daemon nova-conductor nova /usr/bin/nova-conductor --config-file /etc/nova/nova.conf
start_daemon nova-scheduler nova /usr/bin/nova-scheduler --config-file /etc/nova/nova.conf
start_daemon nova-compute nova /usr/bin/nova-compute --config-file /etc/nova/nova.conf --config-file /etc/nova/nova-compute.conf
# PYTHONOPTIMIZE=1 strips the unit-test asserts inside the 'test' mechanism driver
PYTHONOPTIMIZE=1 start_daemon neutron-server neutron /usr/bin/neutron-server \
  --config-file /etc/neutron/neutron.conf --config-file /etc/neutron/plugins/ml2/ml2_conf.ini
if [ "$HEAT" = 1 ]; then
  start_uwsgi heat-api heat 8004 /usr/bin/heat-wsgi-api
  start_daemon heat-engine heat /usr/bin/heat-engine --config-file /etc/heat/heat.conf
fi
URLS="http://127.0.0.1:8778/ http://127.0.0.1:9292/ http://127.0.0.1:8774/ http://127.0.0.1:9696/"
[ "$HEAT" = 1 ] && URLS="$URLS http://127.0.0.1:8004/"
for u in $URLS; do wait_http "$u" || { tail -n 30 "$LOGS"/*.out /var/log/neutron/*.log 2>/dev/null | tail -n 60 >&2; exit 1; }; done
phase "all APIs answer"

# ------------------------------------------------------------------ 7. compute host discovery + seed resources
for i in $(seq 1 120); do
  as nova nova-manage cell_v2 discover_hosts > /dev/null 2>&1 || true
  [ "$(mysql -N nova_api -e "select count(*) from host_mappings where host='host-ovs-filter-active'")" -ge 1 ] && break; sleep 1
done
[ -f "$RUN/tiny.img" ] || head -c 1048576 /dev/zero > "$RUN/tiny.img"
/usr/bin/python3 - "$RUN/tiny.img" <<'EOF'
import sys, openstack
c = openstack.connect(auth_url="http://127.0.0.1:5000/v3", username="admin", password="admin", project_name="admin",
                      user_domain_name="Default", project_domain_name="Default", region_name="RegionOne")
c.compute.find_flavor("m1.tiny") or c.compute.create_flavor(name="m1.tiny", ram=64, vcpus=1, disk=1)
c.compute.find_flavor("m1.small") or c.compute.create_flavor(name="m1.small", ram=512, vcpus=1, disk=1)
c.compute.find_flavor("m1.medium") or c.compute.create_flavor(name="m1.medium", ram=2048, vcpus=2, disk=5)
c.image.find_image("tiny") or c.create_image("tiny", filename=sys.argv[1], disk_format="raw",
                                             container_format="bare", visibility="public", wait=True)
net = c.network.find_network("mano-ext") or c.network.create_network(name="mano-ext", shared=True)
c.network.find_subnet("mano-ext-sub") or c.network.create_subnet(name="mano-ext-sub", network_id=net.id, ip_version=4, cidr="10.99.0.0/24")
EOF
phase "seeded: flavors m1.tiny/m1.small/m1.medium, image tiny, shared network mano-ext (10.99.0.0/24)"

SFC_OK=0
if [ "$SFC" = 1 ]; then
  c=$(curl -s -o /dev/null -w '%{http_code}' -H "X-Auth-Token: $(/usr/bin/python3 -c '
from keystoneauth1.identity import v3; from keystoneauth1 import session
print(session.Session(auth=v3.Password(auth_url="http://127.0.0.1:5000/v3", username="admin", password="admin", project_name="admin", user_domain_id="default", project_domain_id="default")).get_token())')" \
    http://127.0.0.1:9696/v2.0/sfc/port_chains || true)
  [ "$c" = 200 ] && SFC_OK=1
  phase "networking-sfc API: $([ $SFC_OK = 1 ] && echo served || echo "NOT served (HTTP $c)")"
fi

cat > "$BASE/mano-test.env" <<EOF
export MANO_TEST_OPENSTACK_AUTH_URL=http://127.0.0.1:5000/v3
export MANO_TEST_OPENSTACK_USERNAME=mano
export MANO_TEST_OPENSTACK_PASSWORD=mano-test-secret
export MANO_TEST_OPENSTACK_PROJECT=mano
export MANO_TEST_OPENSTACK_USER_DOMAIN=Default
export MANO_TEST_OPENSTACK_PROJECT_DOMAIN=Default
export MANO_TEST_OPENSTACK_REGION=RegionOne
export MANO_TEST_OPENSTACK_EXT_NETWORK=mano-ext
export MANO_TEST_OPENSTACK_IMAGE=tiny
export MANO_TEST_OPENSTACK_SFC=$SFC_OK
export MANO_TEST_OPENSTACK_HEAT=$HEAT
EOF
START_S=$(( $(date +%s) - S0 ))
printf 'apt_seconds=%s\nstart_seconds=%s\n' "$APT_S" "$START_S" > "$BASE/timings"

# ------------------------------------------------------------------ 8. optional smoke test
if [ "${SMOKE:-0}" = 1 ]; then
  . "$BASE/admin-openrc"
  openstack server delete --wait smoke-vm > /dev/null 2>&1 || true
  openstack server create --flavor m1.tiny --image tiny --network mano-ext --wait smoke-vm -f value -c status
  openstack server delete --wait smoke-vm
  phase "smoke test passed (server ACTIVE)"
fi
phase "DONE (apt ${APT_S}s, start ${START_S}s). Test variables: . $BASE/mano-test.env ; admin: . $BASE/admin-openrc ; pids in $RUN/*.pid"
