#!/usr/bin/env bash
# The local version of the many-machine layout (docs/deploy.md): PostgreSQL, N `congso serve`
# processes on one database, and nginx in front of them with passive health checks (a server
# that fails is taken out for 10 s) and a watcher that restarts a server whose /healthz stops
# answering. Ctrl-C (or SIGTERM) stops everything, servers first so they drain.
#
#   deploy/local-cluster.sh [--servers N] [--port 8000] [--bin .build/release/congso] [--demo]
#
# Needs Debian's postgresql and nginx (apt-get install postgresql nginx); runs as root or as a
# user who may `su postgres` (for the role and database) — or set DATABASE_URL to use your own.
set -euo pipefail
SERVERS=2 PORT=8000 BIN=.build/release/congso DEMO=""
while [ $# -gt 0 ]; do
  case "$1" in
    --servers) SERVERS="$2"; shift 2 ;;
    --port) PORT="$2"; shift 2 ;;
    --bin) BIN="$2"; shift 2 ;;
    --demo) DEMO="--demo"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$BIN" ] || { echo "$BIN not found: swift build -c release --product congso" >&2; exit 2; }
command -v nginx >/dev/null || { echo "nginx is missing: apt-get install -y nginx" >&2; exit 2; }
RUN="$(mktemp -d /tmp/congso-cluster.XXXXXX)"
chmod 755 "$RUN"

if [ -z "${DATABASE_URL:-}" ]; then
  PGVER=$(ls /usr/lib/postgresql | sort -n | tail -1)
  pg_ctlcluster "$PGVER" main start 2>/dev/null || true
  for i in $(seq 1 30); do su postgres -c "pg_isready -q" && break; sleep 1; done
  su postgres -c "psql -qtA -c \"SELECT 1 FROM pg_roles WHERE rolname='congso'\"" | grep -q 1 \
    || su postgres -c "psql -q -c \"CREATE ROLE congso LOGIN PASSWORD 'congso' CREATEDB\""
  su postgres -c "psql -qtA -c \"SELECT 1 FROM pg_database WHERE datname='congso_cluster'\"" | grep -q 1 \
    || su postgres -c "createdb -O congso congso_cluster"
  export DATABASE_URL=postgres://congso:congso@127.0.0.1:5432/congso_cluster
fi

# One server migrates (and seeds) first; the others start on a migrated database.
start_server() {  # $1: index
  local port=$((PORT + $1))
  CONGSO_DATA_DIR="$RUN/data" PORT=$port "$BIN" serve --hostname 127.0.0.1 --port $port ${2:-} >>"$RUN/server-$1.log" 2>&1 &
  echo $! >>"$RUN/pids"
  for i in $(seq 1 600); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "server $1 did not start: $RUN/server-$1.log" >&2; return 1
}
stop_all() {
  trap - EXIT INT TERM
  [ -n "${WATCH:-}" ] && kill "$WATCH" 2>/dev/null || true
  # Every server this script or its watcher started: SIGTERM, then wait for each to drain.
  for p in $(cat "$RUN/pids" 2>/dev/null); do kill -TERM "$p" 2>/dev/null || true; done
  for p in $(cat "$RUN/pids" 2>/dev/null); do while kill -0 "$p" 2>/dev/null; do sleep 0.2; done; done
  [ -f "$RUN/nginx.pid" ] && nginx -c "$RUN/nginx.conf" -s quit 2>/dev/null || true
  echo "stopped; logs in $RUN"
}
# A signal exits (the loop below would otherwise go on); leaving runs stop_all.
trap stop_all EXIT
trap 'exit 0' INT TERM
start_server 1 "$DEMO"
for n in $(seq 2 "$SERVERS"); do start_server "$n"; done

UPSTREAMS=""
for n in $(seq 1 "$SERVERS"); do UPSTREAMS+="    server 127.0.0.1:$((PORT + n)) max_fails=2 fail_timeout=10s;"$'\n'; done
cat >"$RUN/nginx.conf" <<EOF
worker_processes 2;
pid $RUN/nginx.pid;
error_log $RUN/nginx-error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $RUN/body; proxy_temp_path $RUN/proxy; fastcgi_temp_path $RUN/fcgi;
  uwsgi_temp_path $RUN/uwsgi; scgi_temp_path $RUN/scgi;
  client_max_body_size 12m;
  # Connections are kept, both to clients and to the servers, for as many requests as they
  # carry: at nginx's defaults (1,000 requests, 64 idle upstream connections a worker) a
  # burst of hundreds of clients made nginx open and close server connections all the time.
  keepalive_requests 100000;
  upstream congso {
$UPSTREAMS    keepalive 512;
    keepalive_requests 100000;
  }
  server {
    listen 127.0.0.1:$PORT;
    # A server that refuses or fails is skipped; the request goes to the next (never for a
    # POST that reached a server: nginx does not repeat non-idempotent requests by default).
    proxy_next_upstream error timeout http_502 http_503;
    location /dashboard/events {
      proxy_pass http://congso; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_buffering off; proxy_read_timeout 1h;
    }
    location / {
      proxy_pass http://congso; proxy_http_version 1.1; proxy_set_header Connection "";
      # The address nginx saw, replacing whatever the client sent: sign-in locks count by it.
      proxy_set_header Host \$host; proxy_set_header X-Forwarded-For \$remote_addr;
    }
  }
}
EOF
nginx -c "$RUN/nginx.conf"

# Active health check: a server whose /healthz fails three times in a row is restarted.
(
  declare -A fails
  while sleep 2; do
    for n in $(seq 1 "$SERVERS"); do
      if curl -fsS -m 2 "http://127.0.0.1:$((PORT + n))/healthz" >/dev/null 2>&1; then fails[$n]=0; else fails[$n]=$(( ${fails[$n]:-0} + 1 )); fi
      if [ "${fails[$n]}" -ge 3 ]; then
        echo "$(date -Is) server $n failed its health check; restarting" >>"$RUN/watch.log"
        CONGSO_DATA_DIR="$RUN/data" PORT=$((PORT + n)) "$BIN" serve --hostname 127.0.0.1 --port $((PORT + n)) >>"$RUN/server-$n.log" 2>&1 &
        echo $! >>"$RUN/pids"
        fails[$n]=-10
      fi
    done
  done
) &
WATCH=$!

echo "Congso on http://127.0.0.1:$PORT: $SERVERS servers (ports $((PORT + 1))–$((PORT + SERVERS))) behind nginx on $DATABASE_URL"
echo "logs and nginx.conf in $RUN; Ctrl-C stops everything"
while true; do sleep 1; done
