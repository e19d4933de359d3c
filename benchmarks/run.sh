#!/usr/bin/env bash
# Portway end-to-end benchmarks on loopback, each figure next to a baseline measured in the same run.
#
#   benchmarks/run.sh                 every case
#   benchmarks/run.sh tcp http        a subset; cases: tcp http conns setup latency rate clients limits transport
#                                     inspect h2 hop
#
# Installs what it needs from Debian's packages (iperf3, wrk, nginx-light, openssh-server/-client, nghttp2-client)
# when missing,
# builds the jars, starts everything on 127.0.0.1, prints one table and writes it to benchmarks/results/latest.md.
# Every process it starts is killed on exit. See benchmarks/README.md for what each case measures.
#
# Environment: BENCH_SECONDS (length of one timed run, default 10), BENCH_WARMUP (untimed JIT warm-up of the tcp
# and http cases, default 15), BENCH_NO_BUILD=1 (use the jars as they are),
# PORTWAY_JAVA_OPTS (extra JVM options for tunnel-server and tunnel-client).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
all_cases=(tcp http conns setup latency rate clients limits transport inspect h2 hop)
secs="${BENCH_SECONDS:-10}"
warm="${BENCH_WARMUP:-15}"

if [ "$#" -eq 0 ]; then cases=("${all_cases[@]}"); else cases=("$@"); fi
for c in "${cases[@]}"; do
  case " ${all_cases[*]} " in *" $c "*) ;; *) echo "unknown case '$c'; cases: ${all_cases[*]}" >&2; exit 2 ;; esac
done

work="$(mktemp -d /tmp/portway-bench.XXXXXX)"
# the server's embedded PostgreSQL runs as an unprivileged user that must be able to reach its data directory
chmod 711 "$work"
pids=()
cleanup() {
  local p
  set +e
  # pids the load tool started itself (the server of the clients case) are listed in pidfiles
  for f in "$work"/*.pids; do [ -f "$f" ] && while read -r p; do pids+=("$p"); done < "$f"; done
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for _ in $(seq 1 50); do
    local alive=0
    for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
  wait 2>/dev/null
  if [ -n "${BENCH_KEEP_WORK:-}" ]; then echo "work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- tools
install_missing() {
  local missing=() cmd pkg
  for pair in iperf3:iperf3 wrk:wrk nginx:nginx-light /usr/sbin/sshd:openssh-server ssh:openssh-client \
              ssh-keygen:openssh-client timeout:coreutils ss:iproute2 curl:curl h2load:nghttp2-client \
              openssl:openssl; do
    cmd="${pair%%:*}"; pkg="${pair#*:}"
    command -v "$cmd" >/dev/null 2>&1 || [ -x "$cmd" ] || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing from Debian: ${missing[*]}"
    [ "$(id -u)" -eq 0 ] || die "need root to install ${missing[*]} (or install them first)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  command -v java >/dev/null 2>&1 || die "java (17+) is required"
}

# a port nothing listens on, below the ephemeral range so outgoing connections never take it meanwhile
used_ports=" "
free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 12000 ))
    case "$used_ports" in *" $p "*) continue ;; esac
    if [ -z "$(ss -Htan "sport = :$p")" ]; then used_ports+="$p "; echo "$p"; return; fi
  done
  die "no free port found"
}

# waits for a listener without connecting to it (a probe connection would confuse iperf3's one-client server)
wait_port() { # port [seconds]
  local deadline=$(( SECONDS + ${2:-30} ))
  while [ "$SECONDS" -lt "$deadline" ]; do
    [ -n "$(ss -Hltn "sport = :$1")" ] && return 0
    sleep 0.1
  done
  die "nothing listens on 127.0.0.1:$1 after ${2:-30} s"
}

wait_line() { # file regex seconds
  local deadline=$(( SECONDS + $3 ))
  while [ "$SECONDS" -lt "$deadline" ]; do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

stop_pid() { # pid: TERM, then KILL after 5 s
  kill "$1" 2>/dev/null || return 0
  for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

server_jar="$root/tunnel-server/target/tunnel-server.jar"
client_jar="$root/tunnel-client/target/tunnel-client.jar"
load_jar="$root/benchmarks/target/portway-load.jar"
load_cmd=(java -XX:+UseParallelGC -jar "$load_jar")
token="bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"

# ---------------------------------------------------------------- Portway
server_pid=""; server_port=""; http_port=""; https_port=""; fingerprint=""
# http tunnels' subdomains are served under this name; wrk and the load tool route to them with a Host header
vhost_domain="bench.test"
# a fresh server for every case, so that no case inherits the heap, JIT state or buffers an earlier one left behind
start_server() { # [certificate]: also terminate TLS for *.$vhost_domain with a throwaway self-signed certificate
  [ -n "$server_pid" ] && stop_pid "$server_pid"
  rm -rf "$work/server-data" "$work/server.out"
  server_port=$(free_port); http_port=$(free_port); https_port=$(free_port)
  local certificates=""
  if [ "${1:-}" = certificate ]; then
    timeout 30 openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
      -subj "/CN=*.$vhost_domain" -addext "subjectAltName=DNS:*.$vhost_domain" \
      -keyout "$work/web.key" -out "$work/web.crt" > /dev/null 2>&1 || die "openssl could not make a certificate"
    certificates="
  certificates:
    - {domains: [\"*.$vhost_domain\"], cert: $work/web.crt, key: $work/web.key}"
  fi
  cat > "$work/server.yaml" <<YAML
bind: 127.0.0.1
controlPort: $server_port
dataDir: $work/server-data
publicHost: 127.0.0.1
domain: $vhost_domain
http:
  port: $http_port
https:
  port: $https_port
  clientConnect: {hosts: [localhost]}$certificates
auth:
  tokens: ["$token"]
YAML
  # the access log (one line per request, as shipped) goes to $work/server-data/logs, not the working directory
  # shellcheck disable=SC2086
  java ${PORTWAY_JAVA_OPTS:-} -jar "$server_jar" -c "$work/server.yaml" \
    --log-format text > "$work/server.out" 2> "$work/server.log" &
  server_pid=$!; pids+=("$server_pid")
  wait_line "$work/server.out" '^TLS certificate fingerprint: ' 60 || die "server did not start: $(cat "$work/server.log")"
  fingerprint=$(sed -n 's/^TLS certificate fingerprint: //p' "$work/server.out")
}

client_pid=""
start_client() { # name local_port remote_port [server host:port]
  local name="$1" local_port="$2" remote_port="$3" via="${4:-127.0.0.1:$server_port}"
  launch_client "$name" "$via" "    type: tcp
    local: 127.0.0.1:$local_port
    remotePort: $remote_port" "^$name +tcp +127\.0\.0\.1:$remote_port "
}

# an http tunnel served on the server's http port as <name>.$vhost_domain
start_http_client() { # name local_port
  local name="$1" local_port="$2"
  launch_client "$name" "127.0.0.1:$server_port" "    type: http
    local: 127.0.0.1:$local_port
    subdomain: $name" "^$name +http +http://$name\..*:$http_port "
}

launch_client() { # name server tunnel_fields registered_line_regex [top-level client.yaml lines]
  local name="$1"
  cat > "$work/client-$name.yaml" <<YAML
server: $2
token: "$token"
tls:
  fingerprint: "$fingerprint"
${5:-}
tunnels:
  - name: $name
$3
YAML
  # shellcheck disable=SC2086
  java ${PORTWAY_JAVA_OPTS:-} -jar "$client_jar" -c "$work/client-$name.yaml" --log-format text \
    > "$work/client-$name.out" 2> "$work/client-$name.log" &
  client_pid=$!; pids+=("$client_pid")
  wait_line "$work/client-$name.out" "$4" 60 \
    || die "client $name did not register: $(cat "$work/client-$name.out" "$work/client-$name.log")"
}

# ---------------------------------------------------------------- ssh -R baseline
sshd_port=""; sshd_pid=""; ssh_pid=""
start_sshd() {
  [ -n "$sshd_port" ] && return 0
  local d="$work/ssh"
  mkdir -p "$d" /run/sshd
  chmod 700 "$d"
  ssh-keygen -q -t ed25519 -N '' -f "$d/host_key"
  ssh-keygen -q -t ed25519 -N '' -f "$d/user_key"
  cp "$d/user_key.pub" "$d/authorized_keys"
  sshd_port=$(free_port)
  cat > "$d/sshd_config" <<CONF
Port $sshd_port
ListenAddress 127.0.0.1
HostKey $d/host_key
PidFile $d/sshd.pid
AuthorizedKeysFile $d/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowTcpForwarding yes
GatewayPorts no
LogLevel ERROR
CONF
  /usr/sbin/sshd -D -e -f "$d/sshd_config" 2> "$work/sshd.log" &
  sshd_pid=$!; pids+=($!)
  wait_port "$sshd_port" 15
}

ssh_forward() { # remote_port target_port: ssh -R remote_port -> 127.0.0.1:target_port
  start_sshd
  ssh -N -p "$sshd_port" -i "$work/ssh/user_key" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o BatchMode=yes -o ExitOnForwardFailure=yes -o LogLevel=ERROR \
    -R "127.0.0.1:$1:127.0.0.1:$2" root@127.0.0.1 2>> "$work/ssh.log" &
  ssh_pid=$!; pids+=($!)
  wait_port "$1" 15
}

# ---------------------------------------------------------------- targets
echo_port=""
start_echo() {
  [ -n "$echo_port" ] && return 0
  echo_port=$(free_port)
  "${load_cmd[@]}" echo --port "$echo_port" > "$work/echo.out" 2> "$work/echo.log" &
  pids+=($!)
  wait_port "$echo_port" 30
}

nginx_port=""
start_nginx() {
  [ -n "$nginx_port" ] && return 0
  nginx_port=$(free_port)
  mkdir -p "$work/nginx"
  cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 1;
user root;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$nginx_port;
    location / { default_type text/plain; return 200 "hello from nginx\n"; }
  }
}
CONF
  nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' 2> "$work/nginx.log" &
  pids+=($!)
  wait_port "$nginx_port" 15
}

# ---------------------------------------------------------------- the table
rows="$work/rows.md"
: > "$rows"
# row case metric portway baseline_name baseline higher|lower bar_op bar_value
# ratio is Portway / baseline; the bar, when there is one, is checked on that ratio
row() {
  local case_="$1" metric="$2" ours="$3" base_name="$4" base="$5" bar="${6:-}"
  local ratio verdict=""
  ratio=$(awk -v a="$ours" -v b="$base" 'BEGIN { if (b+0 == 0 || a == "" || a == "n/a") print "n/a"; else printf "%.2f", a / b }')
  if [ -n "$bar" ] && [ "$ratio" != "n/a" ]; then
    local op="${bar%% *}" limit="${bar#* }"
    if awk -v r="$ratio" -v l="$limit" -v o="$op" 'BEGIN { exit !((o == ">=" && r >= l) || (o == "<=" && r <= l)) }'; then
      verdict="ratio $bar: met"; else verdict="ratio $bar: NOT met"; fi
  elif [ -n "$bar" ]; then verdict="ratio $bar: no figure"; fi
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$case_" "$metric" "$ours" "$base_name" "$base" "$ratio" "$verdict" \
    >> "$rows"
  log "$case_ / $metric: portway=$ours $base_name=$base ratio=$ratio $verdict"
}
# a row whose bar is an absolute figure of Portway's, not a ratio
row_abs() { # case metric value bar_text verdict
  printf '| %s | %s | %s | — | — | — | %s |\n' "$1" "$2" "$3" "$4" >> "$rows"
  log "$1 / $2: $3 $4"
}
field() { # "RESULT k=v ..." key
  sed -n "s/.*[ ]$2=\([^ ]*\).*/\1/p" <<< "$1"
}
mib() { # "RESULT k=v ..." key_in_kib -> MiB
  awk -v k="$(field "$1" "$2")" 'BEGIN { if (k == "") print "n/a"; else printf "%.0f", k / 1024 }'
}

# ---------------------------------------------------------------- case 1: TCP throughput
iperf() { # port streams -> Mbit/s received
  local out
  out=$(timeout $(( secs + 30 )) iperf3 -c 127.0.0.1 -p "$1" -t "$secs" -P "$2" -f m --connect-timeout 5000 2>&1) \
    || { log "iperf3 to $1 failed: $out"; echo "n/a"; return; }
  awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") v = $(i - 1) } END { print v == "" ? "n/a" : v }' <<< "$out"
}

# CPU time (user + system, in clock ticks: 100 per second) of the given processes and all their descendants
cpu_ticks() {
  local p total=0 t
  for p in "$@"; do
    t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null || echo 0)
    total=$(( total + t ))
    # shellcheck disable=SC2046
    [ -n "$(pgrep -P "$p" || true)" ] && total=$(( total + $(cpu_ticks $(pgrep -P "$p")) ))
  done
  echo "$total"
}

# iperf through a path, plus the CPU seconds per GB received that the given relay processes spent
iperf_cost() { # port streams pid... -> "Mbit/s cpu_s_per_GB"
  local port="$1" n="$2"; shift 2
  local t0 t1 mbit
  t0=$(cpu_ticks "$@")
  mbit=$(iperf "$port" "$n")
  t1=$(cpu_ticks "$@")
  awk -v m="$mbit" -v d="$(( t1 - t0 ))" -v s="$secs" \
    'BEGIN { if (m == "n/a" || m + 0 == 0) print m, "n/a"; else printf "%s %.2f\n", m, (d / 100) / (m * s / 8000) }'
}

case_tcp() {
  local iperf_port tunnel_port ssh_port
  iperf_port=$(free_port); tunnel_port=$(free_port); ssh_port=$(free_port)
  iperf3 -s -B 127.0.0.1 -p "$iperf_port" > "$work/iperf.log" 2>&1 &
  pids+=($!)
  wait_port "$iperf_port"
  start_client iperf "$iperf_port" "$tunnel_port"
  ssh_forward "$ssh_port" "$iperf_port"
  local n d p s c
  # warm-up, not recorded: JIT compilation would otherwise be billed to Portway's first run and its CPU figure.
  # Profiling showed the C2 compiler still busy for about 15 s after the first bytes: 3 s left a quarter of the
  # relay's CPU in the timed run going to the compiler.
  timeout $(( warm + 30 )) iperf3 -c 127.0.0.1 -p "$tunnel_port" -t "$warm" > /dev/null 2>&1 || true
  timeout 30 iperf3 -c 127.0.0.1 -p "$tunnel_port" -t 3 -P 8 > /dev/null 2>&1 || true
  timeout $(( warm + 30 )) iperf3 -c 127.0.0.1 -p "$ssh_port" -t "$warm" > /dev/null 2>&1 || true
  for n in 1 8; do
    c="1 TCP throughput, iperf3 $( [ "$n" -eq 1 ] && echo '1 stream' || echo '-P 8'), $secs s"
    d=$(iperf "$iperf_port" "$n")
    read -r -a p <<< "$(iperf_cost "$tunnel_port" "$n" "$server_pid" "$client_pid")"
    read -r -a s <<< "$(iperf_cost "$ssh_port" "$n" "$sshd_pid" "$ssh_pid")"
    row "$c" "Mbit/s" "${p[0]}" "ssh -R" "${s[0]}" "$( [ "$n" -eq 1 ] && echo '>= 2')"
    row "$c" "Mbit/s" "${p[0]}" "direct" "$d"
    # the CPU both ends of the tunnel spend per GB: the figure neighbours on a shared machine cannot bend
    row "$c" "relay CPU s per GB (server+client; sshd+ssh)" "${p[1]}" "ssh -R" "${s[1]}"
  done
}

# ---------------------------------------------------------------- case 2: HTTP with wrk
wrk_run() { # port seconds [Host header] [address, default 127.0.0.1] -> "req_s p50_ms p99_ms"
  local out host=()
  [ -n "${3:-}" ] && host=(-H "Host: $3")
  out=$(timeout $(( $2 + 30 )) wrk -t2 -c50 -d"${2}s" --latency "${host[@]}" "http://${4:-127.0.0.1}:$1/" 2>&1) \
    || { log "wrk to $1 failed: $out"; echo "n/a n/a n/a"; return; }
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^Requests\/sec:/ { r = $2 }
    $1 == "50%" { p50 = ms($2) }  $1 == "99%" { p99 = ms($2) }
    /Non-2xx|Socket errors/ { print "wrk: " $0 > "/dev/stderr" }
    END { printf "%s %.3f %.3f\n", r == "" ? "n/a" : r, p50, p99 }' <<< "$out"
}

# Portway's figure goes through an http tunnel: wrk connects to the server's http port and the vhost router picks
# the tunnel by Host. The TCP tunnel's figure is kept as an extra row: the difference is what HTTP parsing,
# routing and re-encoding on the server cost.
case_http() {
  start_nginx
  local tcp_port ssh_port host="web.$vhost_domain" vhost_client tcp_client
  tcp_port=$(free_port); ssh_port=$(free_port)
  start_http_client web "$nginx_port"; vhost_client=$client_pid
  start_client webtcp "$nginx_port" "$tcp_port"; tcp_client=$client_pid
  ssh_forward "$ssh_port" "$nginx_port"
  local d p t s
  # warm-up, not recorded: Portway's paths for BENCH_WARMUP seconds, so that the JIT has compiled them before the
  # timed run (as in the tcp case); nginx and sshd are native and need only their connections set up
  wrk_run "$nginx_port" 3 > /dev/null; wrk_run "$http_port" "$warm" "$host" > /dev/null
  wrk_run "$tcp_port" "$warm" > /dev/null; wrk_run "$ssh_port" 3 > /dev/null
  read -r -a d <<< "$(wrk_run "$nginx_port" 15)"
  read -r -a p <<< "$(wrk_run "$http_port" 15 "$host")"
  read -r -a t <<< "$(wrk_run "$tcp_port" 15)"
  read -r -a s <<< "$(wrk_run "$ssh_port" 15)"
  local c="2 HTTP via http tunnel (vhost by Host) to nginx, wrk 2 thr 50 conn 15 s"
  row "$c" "req/s" "${p[0]}" "ssh -R" "${s[0]}" ">= 2"
  row "$c" "req/s" "${p[0]}" "direct" "${d[0]}"
  row "$c" "req/s" "${p[0]}" "Portway TCP tunnel" "${t[0]}"
  row "$c" "p50 ms" "${p[1]}" "direct" "${d[1]}"
  row "$c" "p99 ms" "${p[2]}" "direct" "${d[2]}" "<= 3"
  row "$c" "p99 ms" "${p[2]}" "ssh -R" "${s[2]}"
  row "$c" "p99 ms" "${p[2]}" "Portway TCP tunnel" "${t[2]}"
  c="2b HTTP via TCP tunnel to nginx (extra row), wrk 2 thr 50 conn 15 s"
  row "$c" "req/s" "${t[0]}" "ssh -R" "${s[0]}"
  row "$c" "p99 ms" "${t[2]}" "direct" "${d[2]}"
  stop_pid "$vhost_client"; stop_pid "$tcp_client"
}

# ---------------------------------------------------------------- case 3: 10,000 held connections
case_conns() {
  start_echo
  local tunnel_port out
  tunnel_port=$(free_port)
  start_client conns "$echo_port" "$tunnel_port"
  out=$(timeout 300 java -jar "$load_jar" hold --target "127.0.0.1:$tunnel_port" --count "${BENCH_CONNS:-10000}" \
          --pids "server=$server_pid,client=$client_pid" --timeout 240 2> "$work/hold.log" | grep '^RESULT') \
    || { log "hold failed: $(tail -5 "$work/hold.log")"; out="RESULT"; }
  log "$out"
  local n ok s c v="NOT met"
  n=$(field "$out" connections); ok=$(field "$out" echoes_ok)
  s=$(field "$out" server_per_conn_kib); c=$(field "$out" client_per_conn_kib)
  awk -v s="${s:-99999}" 'BEGIN { exit !(s < 10) }' && v="met"
  local case_="3 ${BENCH_CONNS:-10000} held connections, one tunnel"
  row_abs "$case_" "connections open / echoes correct" "${n:-0} / ${ok:-0}" \
    "$( [ "${ok:-0}" = "${BENCH_CONNS:-10000}" ] && echo 'all correct' || echo 'NOT all correct')"
  row_abs "$case_" "server RSS per connection, KiB" "${s:-n/a}" "< 10 KiB: $v"
  row_abs "$case_" "client RSS per connection, KiB" "${c:-n/a}" ""
  row_abs "$case_" "server RSS before / held / after echo, MiB" \
    "$(mib "$out" server_rss_before_kib) / $(mib "$out" server_rss_held_kib) / $(mib "$out" server_rss_after_kib)" ""
  row_abs "$case_" "client RSS before / held / after echo, MiB" \
    "$(mib "$out" client_rss_before_kib) / $(mib "$out" client_rss_held_kib) / $(mib "$out" client_rss_after_kib)" ""
  stop_pid "$client_pid"
}

# ---------------------------------------------------------------- case 4: connection setup rate
case_setup() {
  start_echo
  local tunnel_port d p
  tunnel_port=$(free_port)
  start_client setup "$echo_port" "$tunnel_port"
  timeout 30 java -jar "$load_jar" connrate --target "127.0.0.1:$tunnel_port" --workers 16 --seconds 2 > /dev/null 2>&1 || true
  d=$(timeout $(( secs + 40 )) java -jar "$load_jar" connrate --target "127.0.0.1:$echo_port" --workers 16 --seconds "$secs" 2>> "$work/connrate.log" | grep '^RESULT' || echo RESULT)
  p=$(timeout $(( secs + 40 )) java -jar "$load_jar" connrate --target "127.0.0.1:$tunnel_port" --workers 16 --seconds "$secs" 2>> "$work/connrate.log" | grep '^RESULT' || echo RESULT)
  log "direct: $d"; log "portway: $p"
  local c="4 connection setup: connect, 1 byte echo, close; 16 workers"
  row "$c" "connections/s" "$(field "$p" per_s)" "direct" "$(field "$d" per_s)"
  row "$c" "p99 ms per cycle" "$(field "$p" p99_ms)" "direct" "$(field "$d" p99_ms)"
  row_abs "$c" "failed cycles (portway / direct)" "$(field "$p" failures) / $(field "$d" failures)" ""
  stop_pid "$client_pid"
}

# ---------------------------------------------------------------- case 5: one stream over a long link
case_latency() {
  local rtt relay_ctl relay_direct tunnel_port sink_tunnel sink_direct relay_pids p d
  for rtt in 0 30 100 200; do
    relay_ctl=$(free_port); relay_direct=$(free_port); tunnel_port=$(free_port)
    # relay_ctl sits between tunnel-client and the server's control port; relay_direct between the load tool and
    # its sink. Both have the same RTT and the same window (this machine's tcp_rmem max).
    sink_tunnel=$(free_port); sink_direct=$(free_port)
    "${load_cmd[@]}" relay --port "$relay_ctl" --target "127.0.0.1:$server_port" --rtt-ms "$rtt" > /dev/null 2>> "$work/relay.log" &
    relay_pids=($!); pids+=($!)
    "${load_cmd[@]}" relay --port "$relay_direct" --target "127.0.0.1:$sink_direct" --rtt-ms "$rtt" > /dev/null 2>> "$work/relay.log" &
    relay_pids+=($!); pids+=($!)
    wait_port "$relay_ctl"; wait_port "$relay_direct"
    start_client "lat$rtt" "$sink_tunnel" "$tunnel_port" "127.0.0.1:$relay_ctl"
    # warm-up of both paths, not recorded: each RTT starts a fresh tunnel-client and relays, all cold JVMs
    for path in "$relay_direct:$sink_direct" "$tunnel_port:$sink_tunnel"; do
      timeout 60 java -jar "$load_jar" throughput --connect "127.0.0.1:${path%%:*}" --sink-port "${path#*:}" \
        --seconds 5 > /dev/null 2>> "$work/throughput.log" || true
    done
    d=$(timeout $(( secs + 40 )) java -jar "$load_jar" throughput --connect "127.0.0.1:$relay_direct" --sink-port "$sink_direct" --seconds "$secs" 2>> "$work/throughput.log" | grep '^RESULT' || echo RESULT)
    p=$(timeout $(( secs + 40 )) java -jar "$load_jar" throughput --connect "127.0.0.1:$tunnel_port" --sink-port "$sink_tunnel" --seconds "$secs" 2>> "$work/throughput.log" | grep '^RESULT' || echo RESULT)
    log "rtt $rtt direct: $d"; log "rtt $rtt portway: $p"
    if [ "$rtt" -eq 100 ]; then
      row "5 one stream through a delaying relay, RTT $rtt ms" "Mbit/s" "$(field "$p" mbit_s)" "direct via relay" "$(field "$d" mbit_s)" ">= 0.8"
      # the same link, but with the window of a stock Linux (tcp_rmem max 6 MiB) instead of this machine's
      local relay_6m sink_6m d6
      relay_6m=$(free_port); sink_6m=$(free_port)
      "${load_cmd[@]}" relay --port "$relay_6m" --target "127.0.0.1:$sink_6m" --rtt-ms "$rtt" --window-bytes 6291456 \
        > /dev/null 2>> "$work/relay.log" &
      relay_pids+=($!); pids+=($!)
      wait_port "$relay_6m"
      d6=$(timeout $(( secs + 40 )) java -jar "$load_jar" throughput --connect "127.0.0.1:$relay_6m" --sink-port "$sink_6m" --seconds "$secs" 2>> "$work/throughput.log" | grep '^RESULT' || echo RESULT)
      log "rtt $rtt direct, 6 MiB window: $d6"
      row "5 one stream through a delaying relay, RTT $rtt ms" "Mbit/s" "$(field "$p" mbit_s)" "direct via relay, 6 MiB window" "$(field "$d6" mbit_s)" ">= 0.8"
    else
      row "5 one stream through a delaying relay, RTT $rtt ms" "Mbit/s" "$(field "$p" mbit_s)" "direct via relay" "$(field "$d" mbit_s)"
    fi
    stop_pid "$client_pid"
    for r in "${relay_pids[@]}"; do stop_pid "$r"; done
  done
}

# ---------------------------------------------------------------- case 6: fixed-rate HTTP
case_rate() {
  start_nginx
  local r d p host="rate.$vhost_domain"
  start_http_client rate "$nginx_port"
  for r in 1000 4000 8000; do
    d=$(timeout $(( secs + 60 )) java -jar "$load_jar" rate --target "127.0.0.1:$nginx_port" --rate "$r" --connections 50 --warmup 2 --seconds "$secs" 2>> "$work/rate.log" | grep '^RESULT' || echo RESULT)
    p=$(timeout $(( secs + 60 )) java -jar "$load_jar" rate --target "127.0.0.1:$http_port" --host "$host" --rate "$r" --connections 50 --warmup 2 --seconds "$secs" 2>> "$work/rate.log" | grep '^RESULT' || echo RESULT)
    log "rate $r direct: $d"; log "rate $r portway: $p"
    local c="6 fixed-rate HTTP $r req/s, 50 conn, http tunnel (vhost) to nginx"
    row "$c" "p50 ms" "$(field "$p" p50_ms)" "direct" "$(field "$d" p50_ms)"
    row "$c" "p99 ms" "$(field "$p" p99_ms)" "direct" "$(field "$d" p99_ms)"
    row_abs "$c" "achieved req/s, errors (portway; direct)" \
      "$(field "$p" achieved_per_s), $(field "$p" errors); $(field "$d" achieved_per_s), $(field "$d" errors)" ""
  done
  stop_pid "$client_pid"
}

# ---------------------------------------------------------------- case 7: 1,000 clients
case_clients() {
  start_echo
  local port out n="${BENCH_CLIENTS:-1000}"
  port=$(free_port)
  cat > "$work/clients-server.yaml" <<YAML
bind: 127.0.0.1
controlPort: $port
dataDir: $work/clients-server-data
publicHost: 127.0.0.1
auth:
  tokens: ["$token"]
YAML
  # shellcheck disable=SC2086
  out=$(timeout 400 java -XX:+UseParallelGC -jar "$load_jar" clients --count "$n" --token "$token" --local-port "$echo_port" \
          --server-log "$work/clients-server.log" --pid-file "$work/clients.pids" --idle-seconds 20 --timeout 120 \
          -- java ${PORTWAY_JAVA_OPTS:-} -jar "$server_jar" -c "$work/clients-server.yaml" --log-format text \
          2> "$work/clients.log" | grep '^RESULT') || { log "clients failed: $(tail -5 "$work/clients.log")"; out="RESULT"; }
  log "$out"
  local c="7 $n clients (one JVM, shared event loops), one TLS connection + one tunnel each"
  local back v="NOT met"
  back=$(field "$out" all_back_s)
  awk -v b="${back:-nan}" 'BEGIN { exit !(b != "nan" && b + 0 <= 15) }' && v="met"
  row_abs "$c" "registered / initial connect s" "$(field "$out" registered) / $(field "$out" initial_connect_s)" ""
  row_abs "$c" "server RSS idle, MiB (per client KiB)" \
    "$(mib "$out" server_rss_idle_kib) ($(field "$out" server_rss_per_client_kib))" ""
  row_abs "$c" "server CPU idle, % of one core (keep-alive 10 s)" "$(field "$out" server_idle_cpu_pct)" ""
  row_abs "$c" "server restart: s from SIGTERM to accepting again" "$(field "$out" restart_down_s)" ""
  row_abs "$c" "after restart: back / all back s after accepting" "$(field "$out" back) / ${back:-n/a}" "<= 15 s: $v"
  row_abs "$c" "after restart: half / 90 % back s after accepting" "$(field "$out" back_p50_s) / $(field "$out" back_p90_s)" ""
  row_abs "$c" "after restart: connect attempts, peak per s" "$(field "$out" connect_attempts), $(field "$out" peak_attempts_per_s)" ""
}

# ---------------------------------------------------------------- run
install_missing
ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [ -z "${BENCH_NO_BUILD:-}" ] || [ ! -f "$load_jar" ] || [ ! -f "$server_jar" ] || [ ! -f "$client_jar" ]; then
  log "building jars"
  ./mvnw -B -q -DskipTests -P!image package
fi
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
# ---------------------------------------------------------------- case 8: limits configured, not reached
# One plain tunnel of each kind, one with every per-tunnel limit of client.yaml set far above what the run reaches
# (address rules, a request rate limit, a bandwidth limit), and one of a stored user whose plan sets every limit
# far above it too (bandwidth per tunnel and per user, connections, a monthly allowance the server keeps reading),
# run in rotating order so that the machine's noise falls on all alike: the ratios are what checking the limits costs.
case_limits() {
  start_nginx
  local iperf_port plain_port limited_port plan_port plain_web limited_web plan_web plain_tcp limited_tcp plan_tcp
  iperf_port=$(free_port); plain_port=$(free_port); limited_port=$(free_port); plan_port=$(free_port)
  iperf3 -s -B 127.0.0.1 -p "$iperf_port" > "$work/iperf-limits.log" 2>&1 &
  pids+=($!)
  wait_port "$iperf_port"
  start_http_client plainweb "$nginx_port"; plain_web=$client_pid
  launch_client limitweb "127.0.0.1:$server_port" "    type: http
    local: 127.0.0.1:$nginx_port
    subdomain: limitweb
    rateLimit: 1000000/s
    ipAllow: [127.0.0.0/8]
    ipDeny: [10.0.0.0/8]" "^limitweb +http +http://limitweb\..*:$http_port "; limited_web=$client_pid
  start_client plaintcp "$iperf_port" "$plain_port"; plain_tcp=$client_pid
  launch_client limittcp "127.0.0.1:$server_port" "    type: tcp
    local: 127.0.0.1:$iperf_port
    remotePort: $limited_port
    ipAllow: [127.0.0.0/8]
    bandwidthLimit: 10GB" "^limittcp +tcp +127\.0\.0\.1:$limited_port "; limited_tcp=$client_pid
  # the first start's user, with its client token, on a plan through the admin API
  local admin key token user plan
  admin=$(sed -n 's|^Admin API: \(http://[^/]*\)/api/v1/.*|\1|p' "$work/server.out")
  key=$(sed -n 's/^admin_api_key=//p' "$work/server-data/initial-credentials")
  token=$(sed -n 's/^client_token=//p' "$work/server-data/initial-credentials")
  [ -n "$admin" ] && [ -n "$key" ] && [ -n "$token" ] || die "no admin API or first-start credentials: $(cat "$work/server.out")"
  plan=$(curl -fsS -H "Authorization: Bearer $key" -H 'Content-Type: application/json' "$admin/api/v1/plans" -d \
    '{"name": "bench", "monthlyTraffic": 1000000000000000, "bandwidthPerUser": 10737418240,
      "bandwidthPerTunnel": 10737418240, "connectionsPerTunnel": 100000, "connectionsPerUser": 1000000}' \
    | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
  user=$(curl -fsS -H "Authorization: Bearer $key" "$admin/api/v1/users" | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)
  [ -n "$plan" ] && [ -n "$user" ] || die "could not create the plan"
  curl -fsS -X PATCH -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    "$admin/api/v1/users/$user" -d "{\"planId\": $plan}" > /dev/null || die "could not give the user its plan"
  launch_client planweb "127.0.0.1:$server_port" "    type: http
    local: 127.0.0.1:$nginx_port
    subdomain: planweb" "^planweb +http +http://planweb\..*:$http_port "; plan_web=$client_pid
  launch_client plantcp "127.0.0.1:$server_port" "    type: tcp
    local: 127.0.0.1:$iperf_port
    remotePort: $plan_port" "^plantcp +tcp +127\.0\.0\.1:$plan_port "; plan_tcp=$client_pid
  local plain="plainweb.$vhost_domain" limited="limitweb.$vhost_domain" planned="planweb.$vhost_domain" i r host port
  for host in "$plain" "$limited" "$planned"; do wrk_run "$http_port" "$warm" "$host" > /dev/null; done
  for port in "$plain_port" "$limited_port" "$plan_port"; do
    timeout $(( warm + 30 )) iperf3 -c 127.0.0.1 -p "$port" -t "$warm" > /dev/null 2>&1 || true
  done
  local p_req=() l_req=() n_req=() p_mbit=() l_mbit=() n_mbit=() which
  # each round starts with another of the three, so no tunnel always runs first (or right after the TCP runs)
  for i in 0 1 2; do
    for which in $(( i % 3 )) $(( (i + 1) % 3 )) $(( (i + 2) % 3 )); do
      case $which in
        0) read -r -a r <<< "$(wrk_run "$http_port" "$secs" "$plain")"; p_req+=("${r[0]}") ;;
        1) read -r -a r <<< "$(wrk_run "$http_port" "$secs" "$limited")"; l_req+=("${r[0]}") ;;
        2) read -r -a r <<< "$(wrk_run "$http_port" "$secs" "$planned")"; n_req+=("${r[0]}") ;;
      esac
    done
    for which in $(( i % 3 )) $(( (i + 1) % 3 )) $(( (i + 2) % 3 )); do
      case $which in
        0) p_mbit+=("$(iperf "$plain_port" 1)") ;;
        1) l_mbit+=("$(iperf "$limited_port" 1)") ;;
        2) n_mbit+=("$(iperf "$plan_port" 1)") ;;
      esac
    done
    log "limits round $((i + 1)): req/s plain ${p_req[-1]} limited ${l_req[-1]} plan ${n_req[-1]};"\
" Mbit/s plain ${p_mbit[-1]} limited ${l_mbit[-1]} plan ${n_mbit[-1]}"
  done
  local c="8 limits set but not reached vs none (3 rotating runs each, median), $secs s"
  row "$c" "HTTP req/s (rateLimit, ipAllow, ipDeny)" "$(median "${l_req[@]}")" "no limits" "$(median "${p_req[@]}")" ">= 0.95"
  row "$c" "TCP Mbit/s (ipAllow, bandwidthLimit 10GB)" "$(median "${l_mbit[@]}")" "no limits" "$(median "${p_mbit[@]}")" ">= 0.95"
  row "$c" "HTTP req/s (plan: bandwidth, connections, allowance)" "$(median "${n_req[@]}")" "no limits" "$(median "${p_req[@]}")" ">= 0.95"
  row "$c" "TCP Mbit/s (plan: bandwidth 10GB, connections, allowance)" "$(median "${n_mbit[@]}")" "no limits" "$(median "${p_mbit[@]}")" ">= 0.95"
  stop_pid "$plain_web"; stop_pid "$limited_web"; stop_pid "$plan_web"
  stop_pid "$plain_tcp"; stop_pid "$limited_tcp"; stop_pid "$plan_tcp"
}
# ---------------------------------------------------------------- transport: wss:// against direct TLS
# The same tunnels over the WebSocket transport on the https port and over the direct TLS control connection, each
# measured twice in alternating order (the mean of the two taken), so that drift on a shared machine falls on both.
case_transport() {
  start_nginx
  local iperf_port tls_port ws_port tls_tcp ws_tcp tls_web ws_web
  iperf_port=$(free_port); tls_port=$(free_port); ws_port=$(free_port)
  iperf3 -s -B 127.0.0.1 -p "$iperf_port" > "$work/iperf-transport.log" 2>&1 &
  pids+=($!)
  wait_port "$iperf_port"
  start_client tlstcp "$iperf_port" "$tls_port"; tls_tcp=$client_pid
  start_client wstcp "$iperf_port" "$ws_port" "wss://localhost:$https_port"; ws_tcp=$client_pid
  start_http_client tlsweb "$nginx_port"; tls_web=$client_pid
  launch_client wsweb "wss://localhost:$https_port" "    type: http
    local: 127.0.0.1:$nginx_port
    subdomain: wsweb" "^wsweb +http +http://wsweb\..*:$http_port "; ws_web=$client_pid
  local port host
  for port in "$tls_port" "$ws_port"; do
    timeout $(( warm + 30 )) iperf3 -c 127.0.0.1 -p "$port" -t "$warm" > /dev/null 2>&1 || true
  done
  for host in tlsweb wsweb; do wrk_run "$http_port" "$warm" "$host.$vhost_domain" > /dev/null; done
  local n round tls=() ws=() c
  for n in 1 8; do
    tls=(); ws=()
    for round in 1 2; do
      if [ "$round" -eq 1 ]; then
        tls+=("$(iperf "$tls_port" "$n")"); ws+=("$(iperf "$ws_port" "$n")")
      else
        ws+=("$(iperf "$ws_port" "$n")"); tls+=("$(iperf "$tls_port" "$n")")
      fi
    done
    c="9 TCP over wss:// (https port), iperf3 $( [ "$n" -eq 1 ] && echo '1 stream' || echo '-P 8'), $secs s, mean of 2"
    row "$c" "Mbit/s" "$(mean "${ws[@]}")" "direct TLS transport" "$(mean "${tls[@]}")"
  done
  local tls_rps=() ws_rps=() tls_p99=() ws_p99=() r
  for round in 1 2; do
    for host in $( [ "$round" -eq 1 ] && echo "tlsweb wsweb" || echo "wsweb tlsweb"); do
      read -r -a r <<< "$(wrk_run "$http_port" 15 "$host.$vhost_domain")"
      if [ "$host" = tlsweb ]; then tls_rps+=("${r[0]}"); tls_p99+=("${r[2]}"); else ws_rps+=("${r[0]}"); ws_p99+=("${r[2]}"); fi
    done
  done
  c="9b HTTP via http tunnel over wss:// to nginx, wrk 2 thr 50 conn 15 s, mean of 2"
  row "$c" "req/s" "$(mean "${ws_rps[@]}")" "direct TLS transport" "$(mean "${tls_rps[@]}")"
  row "$c" "p99 ms" "$(mean "${ws_p99[@]}")" "direct TLS transport" "$(mean "${tls_p99[@]}")"
  stop_pid "$tls_tcp"; stop_pid "$ws_tcp"; stop_pid "$tls_web"; stop_pid "$ws_web"
}

# ---------------------------------------------------------------- inspect: the request inspector on against off
# Two http tunnels to the same nginx, one of a client with the inspector on (every default: maxRequests 500,
# maxBodyBytes 1MB), run in rotating order as in case 8; the ratio is what recording every exchange costs the relay.
case_inspect() {
  start_nginx
  local inspect_port plain_web inspect_web
  inspect_port=$(free_port)
  start_http_client plainweb "$nginx_port"; plain_web=$client_pid
  launch_client inspectweb "127.0.0.1:$server_port" "    type: http
    local: 127.0.0.1:$nginx_port
    subdomain: inspectweb" "^inspectweb +http +http://inspectweb\..*:$http_port " \
    "inspect: {port: $inspect_port}"; inspect_web=$client_pid
  local plain="plainweb.$vhost_domain" inspected="inspectweb.$vhost_domain" i which r
  for host in "$plain" "$inspected"; do wrk_run "$http_port" "$warm" "$host" > /dev/null; done
  local off_req=() on_req=() off_p99=() on_p99=()
  for i in 0 1 2; do
    for which in $(( i % 2 )) $(( (i + 1) % 2 )); do
      if [ "$which" -eq 0 ]; then
        read -r -a r <<< "$(wrk_run "$http_port" "$secs" "$plain")"; off_req+=("${r[0]}"); off_p99+=("${r[2]}")
      else
        read -r -a r <<< "$(wrk_run "$http_port" "$secs" "$inspected")"; on_req+=("${r[0]}"); on_p99+=("${r[2]}")
      fi
    done
    log "inspect round $((i + 1)): req/s off ${off_req[-1]} on ${on_req[-1]}"
  done
  local kept
  kept=$(curl -fsS "http://127.0.0.1:$inspect_port/api/requests?limit=100000" | grep -o '"id":' | wc -l || echo n/a)
  local c="10 HTTP via http tunnel with the request inspector on vs off (3 rotating runs each, median), $secs s"
  row "$c" "req/s" "$(median "${on_req[@]}")" "inspector off" "$(median "${off_req[@]}")" ">= 0.85"
  row "$c" "p99 ms" "$(median "${on_p99[@]}")" "inspector off" "$(median "${off_p99[@]}")"
  row_abs "$c" "exchanges kept by the inspector" "$kept" "= maxRequests (500): $( [ "$kept" = 500 ] && echo met || echo "NOT met")"
  stop_pid "$plain_web"; stop_pid "$inspect_web"
}

# ---------------------------------------------------------------- case 11: HTTP/2 on the https port
h2load_run() { # host seconds clients streams_per_client [--h1] -> "req_s p50_ms p99_ms"
  local host="$1" seconds="$2" clients="$3" streams="$4" proto="${5:-}" out log="$work/h2load-$RANDOM.tsv"
  # shellcheck disable=SC2086
  out=$(timeout $(( seconds + 30 )) h2load $proto -t 2 -c "$clients" -m "$streams" -D "$seconds" \
          --connect-to="127.0.0.1:$https_port" --log-file="$log" "https://$host:$https_port/" 2>&1) \
    || { log "h2load failed: $(echo "$out" | tail -3)"; echo "n/a n/a n/a"; return; }
  local rps
  rps=$(echo "$out" | awk '/^finished in/ { gsub(/,/, "", $4); print $4 }')
  log "h2load ${proto:-h2} -c $clients -m $streams: $(echo "$out" | grep -E '^(requests|status codes):' | tr '\n' ' ')"
  # the log has one line per request: start (us since epoch), status, duration (us)
  sort -n -k3 "$log" | awk -v rps="${rps:-n/a}" '{ d[NR] = $3 } END {
    if (NR == 0) { print rps, "n/a", "n/a"; exit }
    i50 = int(NR * 0.50); if (i50 < 1) i50 = 1
    i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
    printf "%s %.2f %.2f\n", rps, d[i50] / 1000, d[i99] / 1000 }'
  rm -f "$log"
}

case_h2() {
  start_server certificate
  start_nginx
  local host="h2web.$vhost_domain" web
  launch_client h2web "127.0.0.1:$server_port" "    type: http
    local: 127.0.0.1:$nginx_port
    subdomain: h2web
    https: terminate" "^h2web +http +http://h2web\..*:$http_port[, ]"; web=$client_pid
  h2load_run "$host" "$warm" 50 1 > /dev/null; h2load_run "$host" "$warm" 50 1 --h1 > /dev/null
  local h1 h2 h2m
  read -r -a h1 <<< "$(h2load_run "$host" "$secs" 50 1 --h1)"
  read -r -a h2 <<< "$(h2load_run "$host" "$secs" 50 1)"
  read -r -a h2m <<< "$(h2load_run "$host" "$secs" 5 10)"
  local c="11 HTTPS via http tunnel (TLS terminated), h2load 2 thr, $secs s: HTTP/2 beside HTTP/1.1"
  row "$c" "req/s, h2 50 conn x 1 stream" "${h2[0]}" "HTTP/1.1 50 conn" "${h1[0]}"
  row "$c" "p99 ms, h2 50 conn x 1 stream" "${h2[2]}" "HTTP/1.1 50 conn" "${h1[2]}"
  row "$c" "req/s, h2 5 conn x 10 streams" "${h2m[0]}" "HTTP/1.1 50 conn" "${h1[0]}"
  row "$c" "p99 ms, h2 5 conn x 10 streams" "${h2m[2]}" "HTTP/1.1 50 conn" "${h1[2]}"
  row "$c" "p50 ms, h2 50 conn x 1 stream" "${h2[1]}" "HTTP/1.1 50 conn" "${h1[1]}"
  stop_pid "$web"
}

# ---------------------------------------------------------------- case 12: one hop between cluster nodes
# Two nodes of one cluster, each on a loopback address of its own, on one PostgreSQL (the embedded one, run by the
# load tool as their external database), and an http tunnel to nginx whose client is on node a. wrk through node a,
# which holds the client, and through node b, which forwards every request to node a: the ratio is one hop's cost.
hop_node() { # name address control_port http_port [tls section]; sets hop_pid
  cat > "$work/hop-$1.yaml" <<YAML
bind: $2
controlPort: $3
dataDir: $work/hop-$1-data
publicHost: $2
domain: $vhost_domain
http: {port: $4}
https: {port: 0}
admin: {enabled: false}
database: {url: "$hop_url", user: "$hop_user", password: "$hop_password"}
auth:
  tokens: ["$token"]
cluster: {nodeName: $1, advertise: "$2:$(free_port)", secret: "bench-cluster-secret-$token"}
${5:-}
YAML
  # shellcheck disable=SC2086
  java ${PORTWAY_JAVA_OPTS:-} -jar "$server_jar" -c "$work/hop-$1.yaml" --log-format text \
    > "$work/hop-$1.out" 2> "$work/hop-$1.log" &
  hop_pid=$!; pids+=("$hop_pid")
  wait_line "$work/hop-$1.out" '^TLS certificate fingerprint: ' 60 || die "node $1 did not start: $(cat "$work/hop-$1.log")"
}

hop_url=""; hop_user=""; hop_password=""
case_hop() {
  start_nginx
  local out pg a=127.0.0.31 b=127.0.0.32 ctl web node_a node_b host="hop.$vhost_domain" i
  "${load_cmd[@]}" postgres --dir "$work/hop-postgres" > "$work/hop-postgres.out" 2> "$work/hop-postgres.log" &
  pg=$!; pids+=("$pg")
  wait_line "$work/hop-postgres.out" '^READY postgres ' 120 || die "PostgreSQL did not start: $(cat "$work/hop-postgres.log")"
  out=$(grep '^READY postgres ' "$work/hop-postgres.out")
  hop_url=$(field "$out" url); hop_user=$(field "$out" user); hop_password=$(field "$out" password)
  # both nodes on the same port numbers, each on its own address, as nodes on separate machines
  ctl=$(free_port); web=$(free_port)
  hop_node a "$a" "$ctl" "$web"; node_a=$hop_pid
  fingerprint=$(sed -n 's/^TLS certificate fingerprint: //p' "$work/hop-a.out")
  hop_node b "$b" "$ctl" "$web" "tls: {cert: $work/hop-a-data/tls/server.crt, key: $work/hop-a-data/tls/server.key}"
  node_b=$hop_pid
  launch_client hop "$a:$ctl" "    type: http
    local: 127.0.0.1:$nginx_port
    subdomain: hop" "^hop +http +http://hop\..*:$web "
  local client=$client_pid o_req=() o_p99=() h_req=() h_p99=() r code
  local c="12 HTTP through another cluster node (one hop) vs the owning node, wrk 2 thr 50 conn, median of 3 x $secs s"
  # node b forwards the tunnel moments after its client's claim
  for i in $(seq 1 150); do
    code=$(timeout 10 curl -s -o /dev/null -w '%{http_code}' -H "Host: $host" "http://$b:$web/") || true
    [ "$code" = 200 ] && break
    sleep 0.1
  done
  if [ "$code" = 200 ]; then
    wrk_run "$web" "$warm" "$host" "$a" > /dev/null; wrk_run "$web" "$warm" "$host" "$b" > /dev/null
    # alternating runs, so that the machine's noise falls on both paths alike
    for i in 1 2 3; do
      read -r -a r <<< "$(wrk_run "$web" "$secs" "$host" "$a")"; o_req+=("${r[0]}"); o_p99+=("${r[2]}")
      read -r -a r <<< "$(wrk_run "$web" "$secs" "$host" "$b")"; h_req+=("${r[0]}"); h_p99+=("${r[2]}")
    done
    row "$c" "req/s" "$(median "${h_req[@]}")" "owning node" "$(median "${o_req[@]}")"
    row "$c" "p99 ms" "$(median "${h_p99[@]}")" "owning node" "$(median "${o_p99[@]}")"
  else
    # a node that does not forward answers 404: wrk would measure how fast it refuses
    log "node b answers HTTP $code for $host instead of forwarding it to node a: no hop figure"
    row "$c" "req/s" "n/a" "owning node" "n/a"
  fi
  stop_pid "$client"; stop_pid "$node_b"; stop_pid "$node_a"; stop_pid "$pg"
}

mean() { printf '%s\n' "$@" | awk '$1 != "n/a" { s += $1; n++ } END { if (n == 0) print "n/a"; else printf "%.1f", s / n }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

for c in "${cases[@]}"; do
  log "case $c"
  t0=$SECONDS
  if [ "$c" = clients ] || [ "$c" = hop ]; then
    # they run servers of their own, which need the ports (admin API) the previous case's server holds
    [ -n "$server_pid" ] && stop_pid "$server_pid"
    server_pid=""
  else
    start_server
  fi
  "case_$c"
  log "case $c done in $(( SECONDS - t0 )) s"
done

result="$root/benchmarks/results/latest.md"
mkdir -p "$(dirname "$result")"
{
  echo "# Portway benchmarks, $started"
  echo
  echo "Command: \`benchmarks/run.sh ${cases[*]}\` (BENCH_SECONDS=$secs, BENCH_WARMUP=$warm). Commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' + local changes')."
  echo "Machine: $(nproc) cores, $(uname -r), $(java -version 2>&1 | head -1), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)."
  echo "All on loopback; Portway runs with TLS 1.3 between client and server, default settings, JVM defaults${PORTWAY_JAVA_OPTS:+ plus $PORTWAY_JAVA_OPTS}, a fresh server per case."
  echo "Ratio = Portway / baseline, both measured in this run. Higher is better for Mbit/s, req/s, connections/s; lower for latencies."
  echo
  echo "| case | metric | Portway | baseline | baseline figure | ratio | bar |"
  echo "|---|---|---|---|---|---|---|"
  cat "$rows"
} > "$result"
echo
cat "$result"
echo
log "written to $result"
