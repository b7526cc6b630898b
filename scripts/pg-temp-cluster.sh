# Sourced by .ci/run and Benchmarks/pipeline.sh: a PostgreSQL cluster in a temporary directory,
# run as an unprivileged user (PostgreSQL refuses root), on a free loopback port, trusting
# loopback; stopped and removed when the sourcing script exits. Sets PG_URL_BASE
# (postgresql://gs@127.0.0.1:PORT) and pg_create_database NAME.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
pg_dir=$(mktemp -d /tmp/gongspool-pg.XXXXXX)
pg_user=postgres
id -u "$pg_user" >/dev/null 2>&1 || pg_user=nobody
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown "$pg_user" "$pg_dir"
pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
stop_pg() { as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null 2>&1 || true; rm -rf "$pg_dir"; }
trap stop_pg EXIT
as_pg "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U gs --no-sync >/dev/null
as_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -w -l "$pg_dir/log" \
  -o "-k $pg_dir -c listen_addresses=127.0.0.1 -p $pg_port -c max_connections=200" start >/dev/null
PG_URL_BASE="postgresql://gs@127.0.0.1:$pg_port"
pg_create_database() { psql -X -q -h 127.0.0.1 -p "$pg_port" -U gs -d postgres -c "CREATE DATABASE $1"; }
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"
