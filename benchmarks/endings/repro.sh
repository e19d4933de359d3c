#!/usr/bin/env bash
# The two reproductions of "no byte lost" with real processes on loopback: a real tunnel-server and tunnel-client,
# a local service that writes 32 MiB and closes, and a public peer (python3) that
#   download: half-closes at once (as nc -N or socat do), reads slowly for the first 8 MiB, then to EOF;
#             passes when every byte arrives (SHA-256) and the end is a clean FIN;
#   kill:     reads 4 MiB, then the client process is killed (kill -9); passes when the peer sees a reset (RST),
#             never a clean end; the client is started again for the next run.
#
#   benchmarks/endings/repro.sh [RUNS]     (default 50 of each; uses the built jars, ./mvnw package first)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
runs="${1:-50}"
work="$(mktemp -d /tmp/portway-endings.XXXXXX)"
pids=()
client_pid=""
cleanup() { set +e; kill "${pids[@]}" $client_pid 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
control=$(free_port); local_port=$(free_port); public=$(free_port)
token="endings-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"

cat > "$work/service.py" <<PY
import os, socket, threading, hashlib
data = os.urandom(32 * 1024 * 1024)
open("$work/expected.sha256", "w").write(hashlib.sha256(data).hexdigest())
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", $local_port)); s.listen(64)
def serve(c):
    try:
        c.sendall(data)
    except OSError:
        pass
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY

cat > "$work/peer.py" <<'PY'
import hashlib, socket, subprocess, sys, time
port, mode, expected = int(sys.argv[1]), sys.argv[2], open(sys.argv[3]).read().strip()
s = socket.create_connection(("127.0.0.1", port))
s.shutdown(socket.SHUT_WR)
h, n, end, killed = hashlib.sha256(), 0, "FIN", False
try:
    while True:
        b = s.recv(65536)
        if not b:
            break
        h.update(b); n += len(b)
        if n < 8 * 1024 * 1024:
            time.sleep(0.001)
        if mode == "kill" and not killed and n > 4 * 1024 * 1024:
            subprocess.run(["kill", "-9", sys.argv[4]]); killed = True
except ConnectionResetError:
    end = "RST"
ok = (h.hexdigest() == expected and end == "FIN") if mode == "download" else end == "RST"
print(f"{mode} bytes={n} end={end} {'ok' if ok else 'FAILED'}")
sys.exit(0 if ok else 1)
PY

cat > "$work/server.yaml" <<YAML
bind: 127.0.0.1
controlPort: $control
dataDir: $work/server-data
publicHost: 127.0.0.1
database: {enabled: false}
auth: {tokens: ["$token"]}
http: {port: 0}
https: {port: 0}
admin: {port: 0}
YAML
python3 "$work/service.py" & pids+=($!)
"$root/bin/tunnel-server" -c "$work/server.yaml" > "$work/server.out" 2> "$work/server.log" & pids+=($!)
for _ in $(seq 1 300); do grep -q fingerprint "$work/server.out" 2>/dev/null && break; sleep 0.1; done
fingerprint=$(sed -n 's/^TLS certificate fingerprint: //p' "$work/server.out")
cat > "$work/client.yaml" <<YAML
server: 127.0.0.1:$control
token: "$token"
tls: {fingerprint: "$fingerprint"}
tunnels:
  - {name: download, type: tcp, local: "127.0.0.1:$local_port", remotePort: $public}
YAML

start_client() {
  "$root/bin/tunnel-client" -c "$work/client.yaml" > "$work/client.out" 2>> "$work/client.log" &
  client_pid=$!
  # Not this shell's job any more: its kill -9 is the test, not news to report.
  disown "$client_pid"
  for _ in $(seq 1 300); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $public), 0.2).close()" 2>/dev/null \
      && grep -q '^download' "$work/client.out" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "client did not register"; cat "$work/client.log"; exit 1
}

start_client
passed=0
for i in $(seq 1 "$runs"); do
  python3 "$work/peer.py" "$public" download "$work/expected.sha256" && passed=$((passed + 1))
done
downloads=$passed

passed=0
for i in $(seq 1 "$runs"); do
  python3 "$work/peer.py" "$public" kill "$work/expected.sha256" "$client_pid" && passed=$((passed + 1))
  while kill -0 "$client_pid" 2>/dev/null; do sleep 0.05; done
  start_client
done
echo
echo "download with a public half-close, slow reader: $downloads of $runs complete with FIN"
echo "client killed (kill -9) mid-download:           $passed of $runs ended with RST at the public peer"
[ "$downloads" -eq "$runs" ] && [ "$passed" -eq "$runs" ]
