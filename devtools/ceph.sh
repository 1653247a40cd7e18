#!/usr/bin/env bash
# A throwaway single-node Ceph cluster (1 monitor, 1 memstore OSD, RADOS Gateway) serving S3 on
# 127.0.0.1:$RGW_PORT, as plain processes without systemd; all state under $CEPH_DIR.
# Adapted from ../shared/recipes/ceph-rgw-start.sh (the settings and pitfalls are explained there).
# Debian packages: ceph-mon ceph-osd radosgw ceph-common (devtools/services.sh installs them).
#   CEPH_DIR=/tmp/x devtools/ceph.sh start|stop
set -euo pipefail

CEPH_DIR=${CEPH_DIR:?set CEPH_DIR}
RGW_PORT=${RGW_PORT:-7480}
MON_V2_PORT=${MON_V2_PORT:-3300}
MON_V1_PORT=${MON_V1_PORT:-6789}
S3_ACCESS_KEY=${S3_ACCESS_KEY:-siteroll-test-access}
S3_SECRET_KEY=${S3_SECRET_KEY:-siteroll-test-secret}
READY_TIMEOUT=${READY_TIMEOUT:-120}
CONF=$CEPH_DIR/ceph.conf

http_ok() (  # GET / answered with 200 (bash only, no curl needed)
  exec 3<>"/dev/tcp/127.0.0.1/$RGW_PORT" || exit 1
  printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
  read -r -t 5 status <&3 && [[ $status == "HTTP/1."?" 200"* ]]
)

die() {
  echo "ceph.sh: $*" >&2
  for l in "$CEPH_DIR"/log/*.log; do [ -f "$l" ] && { echo "== $l" >&2; tail -n 20 "$l" >&2; }; done
  exit 1
}

ours() { [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "-c $CONF "; }
running() { [ -r "/proc/$1/stat" ] && ! grep -q '^[0-9]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null; }

stop() {
  local pids=() pid name f
  for name in client.rgw osd.0 mon.a; do
    f=$CEPH_DIR/run/$name.pid
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    if ours "$pid"; then pids+=("$pid"); kill -TERM "$pid" 2>/dev/null || true; fi
  done
  # a throwaway cluster: a short grace (radosgw alone takes ~10 s to exit), then SIGKILL
  local end=$((SECONDS + 2))
  for pid in "${pids[@]}"; do
    while running "$pid" && [ $SECONDS -lt $end ]; do sleep 0.1; done
    if running "$pid" && ours "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    while running "$pid"; do sleep 0.1; done
  done
  rm -rf "$CEPH_DIR"
}

start() {
  if [ -f "$CONF" ] && http_ok 2>/dev/null; then return 0; fi  # already serving
  [ ! -e "$CEPH_DIR" ] || stop  # a dead cluster from an earlier run: start afresh
  for port in "$MON_V2_PORT" "$MON_V1_PORT" "$RGW_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "something already listens on 127.0.0.1:$port"; fi
  done
  mkdir -p "$CEPH_DIR"/{mon,osd/0,run,log,rgw}
  export CEPH_CONF=$CONF
  local fsid mon_addrs osd_uuid osd_id deadline pid
  fsid=$(cat /proc/sys/kernel/random/uuid)
  mon_addrs="[v2:127.0.0.1:$MON_V2_PORT,v1:127.0.0.1:$MON_V1_PORT]"
  cat >"$CONF" <<CONF
[global]
fsid = $fsid
mon initial members = a
mon host = $mon_addrs
public addr = 127.0.0.1
cluster addr = 127.0.0.1
public network = 127.0.0.0/8
# no cephx on a loopback-only throwaway cluster; auth=none needs crc mon connections
auth cluster required = none
auth service required = none
auth client required = none
ms mon client mode = crc
ms mon service mode = crc secure
ms mon cluster mode = crc secure
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
mon warn on insecure global id reclaim = false
mon warn on insecure global id reclaim allowed = false
# shared disks are often > 70 % full; below 5 % free the monitor would stop itself
mon data avail warn = 2
mon data avail crit = 1
# radosgw creates 7 pools at first start: ~1 s with these instead of 12-17 s
paxos propose interval = 0.05
paxos min wait = 0.01
run dir = $CEPH_DIR/run
admin socket = $CEPH_DIR/run/\$name.asok
pid file = $CEPH_DIR/run/\$name.pid
log file = $CEPH_DIR/log/\$name.log
mon data = $CEPH_DIR/mon/\$id
osd data = $CEPH_DIR/osd/\$id
crash dir = $CEPH_DIR/crash
keyring = $CEPH_DIR/keyring
# memstore: objects in the OSD's RAM (tests store a few MB)
osd objectstore = memstore
memstore device bytes = 4294967296
osd memory target = 536870912

[client.rgw]
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw data = $CEPH_DIR/rgw
rgw thread pool size = 64
CONF
  monmaptool --create --fsid "$fsid" --addv a "$mon_addrs" "$CEPH_DIR/monmap" >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$CEPH_DIR/monmap"
  timeout "$READY_TIMEOUT" ceph-mon -c "$CONF" -i a
  osd_uuid=$(cat /proc/sys/kernel/random/uuid)
  osd_id=$(timeout 60 ceph --connect-timeout 30 osd new "$osd_uuid")
  [ "$osd_id" = 0 ] || die "unexpected osd id '$osd_id'"
  ceph-osd -c "$CONF" -i 0 --mkfs --osd-uuid "$osd_uuid" 2>"$CEPH_DIR/log/osd-mkfs.err" || die "ceph-osd --mkfs failed"
  timeout "$READY_TIMEOUT" ceph-osd -c "$CONF" -i 0 2>>"$CEPH_DIR/log/osd.0.stderr" || die "ceph-osd failed to start"
  deadline=$((SECONDS + READY_TIMEOUT))
  until ceph osd stat 2>/dev/null | grep -q '1 up'; do
    [ $SECONDS -lt $deadline ] || die "osd.0 did not come up"
    sleep 0.2
  done
  # radosgw blocks until it reaches the monitor, then daemonises: hence the timeout
  timeout "$READY_TIMEOUT" radosgw -c "$CONF" -n client.rgw 2>>"$CEPH_DIR/log/client.rgw.stderr" || die "radosgw failed to start"
  deadline=$((SECONDS + READY_TIMEOUT))
  until http_ok 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || die "radosgw not answering on 127.0.0.1:$RGW_PORT"
    pid=$(cat "$CEPH_DIR/run/client.rgw.pid" 2>/dev/null || true)
    [ -z "$pid" ] || kill -0 "$pid" 2>/dev/null || die "radosgw exited"
    sleep 0.2
  done
  radosgw-admin user create --uid=siteroll --display-name="SiteRoll tests" \
    --access-key="$S3_ACCESS_KEY" --secret-key="$S3_SECRET_KEY" >"$CEPH_DIR/user.json" || die "radosgw-admin user create failed"
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
