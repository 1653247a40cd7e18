#!/usr/bin/env bash
# Start or stop a throwaway MariaDB (port 3307), Redis (port 6380) and Ceph RADOS Gateway (S3 on
# port 7480, devtools/ceph.sh) without systemd.
# Data lives under ${SITEROLL_SERVICES_DIR:-/tmp/siteroll-services}; nothing touches the system's own servers.
#   devtools/services.sh start   -> prints the SITEROLL_TEST_* exports to use
#   devtools/services.sh stop
set -euo pipefail

DIR="${SITEROLL_SERVICES_DIR:-/tmp/siteroll-services}"
DB_PORT="${SITEROLL_DB_PORT:-3307}"
REDIS_PORT="${SITEROLL_REDIS_PORT:-6380}"
# InnoDB keeps the working set in memory: the warnings bench (200 projects x 500 workers x 90 days,
# ~3 GB with indexes) reads from disk on every pass with a small pool. Tests need far less.
BUFFER_POOL="${SITEROLL_DB_BUFFER_POOL:-1G}"
SOCK="$DIR/mariadb.sock"
S3_PORT="${SITEROLL_S3_PORT:-7480}"
S3_ACCESS_KEY=siteroll-test-access
S3_SECRET_KEY=siteroll-test-secret
HERE="$(cd "$(dirname "$0")" && pwd)"

install_packages() {
  if ! command -v mariadbd >/dev/null 2>&1 || ! command -v redis-server >/dev/null 2>&1; then
    echo "installing mariadb-server redis-server from Debian packages" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server redis-server >/dev/null
  fi
  if ! command -v radosgw >/dev/null 2>&1 || ! command -v ceph-mon >/dev/null 2>&1 || ! command -v ceph-osd >/dev/null 2>&1; then
    echo "installing ceph-mon ceph-osd radosgw ceph-common from Debian packages" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      ceph-mon ceph-osd radosgw ceph-common >/dev/null
  fi
}

start_ceph() {
  CEPH_DIR="$DIR/ceph" RGW_PORT="$S3_PORT" S3_ACCESS_KEY="$S3_ACCESS_KEY" S3_SECRET_KEY="$S3_SECRET_KEY" \
    "$HERE/ceph.sh" start >"$DIR/ceph-start.log" 2>&1 || { cat "$DIR/ceph-start.log" >&2; exit 1; }
}

start_mariadb() {
  mkdir -p "$DIR"
  if [ ! -d "$DIR/mysql-data/mysql" ]; then
    mariadb-install-db --user=root --datadir="$DIR/mysql-data" --auth-root-authentication-method=normal \
      --skip-test-db >"$DIR/mariadb-install.log" 2>&1
  fi
  if ! mariadb-admin --socket="$SOCK" -uroot ping >/dev/null 2>&1; then
    (mariadbd --user=root --datadir="$DIR/mysql-data" --port="$DB_PORT" --bind-address=127.0.0.1 \
      --socket="$SOCK" --pid-file="$DIR/mariadb.pid" --log-error="$DIR/mariadb.err" \
      --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
      --innodb-buffer-pool-size="$BUFFER_POOL" --innodb-flush-log-at-trx-commit=2 --skip-name-resolve \
      >/dev/null 2>&1 &)
    for _ in $(seq 1 60); do
      mariadb-admin --socket="$SOCK" -uroot ping >/dev/null 2>&1 && break
      sleep 0.5
    done
  fi
  mariadb --socket="$SOCK" -uroot <<SQL
CREATE DATABASE IF NOT EXISTS siteroll_test CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS siteroll CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'siteroll'@'127.0.0.1' IDENTIFIED BY 'siteroll';
GRANT ALL PRIVILEGES ON *.* TO 'siteroll'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
}

start_redis() {
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
      --dir "$DIR" --pidfile "$DIR/redis.pid" --logfile "$DIR/redis.log"
    for _ in $(seq 1 40); do
      redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
      sleep 0.25
    done
  fi
}

case "${1:-start}" in
  start)
    install_packages
    start_mariadb
    start_redis
    start_ceph
    echo "export SITEROLL_TEST_DATABASE_URL='mysql+pymysql://siteroll:siteroll@127.0.0.1:$DB_PORT/siteroll_test?charset=utf8mb4'"
    echo "export SITEROLL_TEST_REDIS_URL='redis://127.0.0.1:$REDIS_PORT/0'"
    echo "export SITEROLL_TEST_S3_ENDPOINT='http://127.0.0.1:$S3_PORT'"
    echo "export SITEROLL_TEST_S3_ACCESS_KEY='$S3_ACCESS_KEY' SITEROLL_TEST_S3_SECRET_KEY='$S3_SECRET_KEY'"
    ;;
  stop)
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    mariadb-admin --socket="$SOCK" -uroot shutdown >/dev/null 2>&1 || true
    CEPH_DIR="$DIR/ceph" "$HERE/ceph.sh" stop >/dev/null 2>&1 || true
    ;;
  *)
    echo "usage: $0 start|stop" >&2
    exit 2
    ;;
esac
