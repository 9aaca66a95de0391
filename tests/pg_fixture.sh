#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (CTest fixture chiso_pg).
#   pg_fixture.sh start STATE_DIR   initdb into a temp dir, start on 127.0.0.1
#                                   at a free port; writes STATE_DIR/url
#   pg_fixture.sh stop STATE_DIR    stop the server, remove the cluster
# When the server cannot be started (PostgreSQL not installed, ...), `start`
# writes the reason to STATE_DIR/skip and still exits 0: the tests then skip
# with that reason (GTEST_SKIP), visibly, instead of failing the whole run.
set -uo pipefail
cmd=${1:?start|stop}
state=${2:?state dir}
mkdir -p "$state"

pg_bin() {
  local b
  b=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$b" ] && [ -x "$b/initdb" ]; then echo "$b"; return; fi
  b=$(command -v initdb 2>/dev/null) && dirname "$b"
}

# initdb and postgres refuse to run as root: CI runs as root, so the cluster
# belongs to the postgres user then.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

skip() {
  case "${dir:-}" in /tmp/chiso-pg.*) rm -rf "$dir" ;; esac
  echo "$1" >"$state/skip"
  echo "pg_fixture: SKIP: $1" >&2
  exit 0
}

case "$cmd" in
start)
  rm -f "$state/url" "$state/skip" "$state/datadir"
  # initdb's shell redirects to /dev/null; say so plainly if it is broken.
  [ -c /dev/null ] || skip "/dev/null is not a character device (something replaced it); initdb cannot run"
  bin=$(pg_bin) || true
  [ -n "${bin:-}" ] || skip "PostgreSQL server binaries not found (apt-get install postgresql)"
  if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
    skip "running as root and there is no postgres user to own the cluster"
  fi
  dir=$(mktemp -d /tmp/chiso-pg.XXXXXX) || skip "mktemp failed"
  echo "$dir" >"$state/datadir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  chmod 700 "$dir"
  if ! as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync \
      -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    skip "initdb failed: $(tail -n 3 "$dir/initdb.log" | tr '\n' ' ')"
  fi
  # A random free port; a taken one makes the start fail, so try a few.
  for _ in 1 2 3 4 5 6 7 8; do
    port=$((20000 + RANDOM % 40000))
    if as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60" \
        >/dev/null 2>&1; then
      echo "postgresql://postgres@127.0.0.1:$port/postgres" >"$state/url"
      echo "pg_fixture: PostgreSQL up at 127.0.0.1:$port ($dir)" >&2
      exit 0
    fi
  done
  skip "pg_ctl start failed: $(tail -n 3 "$dir/server.log" 2>/dev/null | tr '\n' ' ')"
  ;;
stop)
  dir=$(cat "$state/datadir" 2>/dev/null || true)
  if [ -n "$dir" ] && [ -d "$dir/data" ]; then
    bin=$(pg_bin) || true
    [ -n "${bin:-}" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1
  fi
  case "$dir" in /tmp/chiso-pg.*) rm -rf "$dir" ;; esac
  rm -f "$state/url" "$state/skip" "$state/datadir"
  exit 0
  ;;
*)
  echo "usage: $0 start|stop STATE_DIR" >&2
  exit 2
  ;;
esac
