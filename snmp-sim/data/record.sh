#!/usr/bin/env bash
# Records the simulator's default device from a real agent: Debian's Net-SNMP snmpd on this
# machine, on 127.0.0.1, with a config written here (its name, location and contact are the
# only values set by hand).
#
#   bash snmp-sim/data/record.sh      (needs snmpd and snmpwalk: apt-get install snmpd snmp)
#
# Writes, next to this script:
# - device.walk: `snmpwalk -On` of the agent's MIB-2 (without the process, package and
#   event-MIB tables: hrSWRun, hrSWRunPerf, hrSWInstalled, DISMAN-EVENT) and UCD-SNMP trees;
# - device.rates: for every Counter32, Counter64 and TimeTicks that grew between two walks
#   INTERVAL seconds apart (with SNMP traffic on the loopback between them), `OID PER-SECOND`,
#   the growth divided by the interval, rounded, at least 1.
set -euo pipefail
cd "$(dirname "$0")"
INTERVAL=${INTERVAL:-20}
PORT=${PORT:-$(( 20000 + RANDOM % 20000 ))}
TMP=$(mktemp -d)
trap '[ -f "$TMP/snmpd.pid" ] && kill "$(cat "$TMP/snmpd.pid")" 2>/dev/null; rm -rf "$TMP"' EXIT
cat > "$TMP/snmpd.conf" <<EOF
agentaddress udp:127.0.0.1:$PORT
rocommunity public 127.0.0.1
sysName edge-gw-01
sysLocation Rack 4, Row B, Example Data Centre
sysContact NOC <noc@example.net>
EOF
snmpd -f -C -c "$TMP/snmpd.conf" -Lf "$TMP/snmpd.log" -p "$TMP/snmpd.pid" &
for _ in $(seq 50); do
  snmpget -v2c -c public -t 0.2 -r 0 "udp:127.0.0.1:$PORT" .1.3.6.1.2.1.1.3.0 >/dev/null 2>&1 && break
  sleep 0.2
done

# walk FILE: the kept subtrees, in OID order.
walk() {
  for root in .1.3.6.1.2.1 .1.3.6.1.4.1.2021; do
    snmpbulkwalk -v2c -c public -On -Cr25 "udp:127.0.0.1:$PORT" "$root"
  done | awk '
    /^\.1\.3\.6\.1\.2\.1\.25\.[456]\./ { skip = 1; next }
    /^\.1\.3\.6\.1\.2\.1\.88\./ { skip = 1; next }
    /^\./ { skip = 0 }
    !skip' > "$1"
}

# A first walk and a pause: snmpd fills some tables and counters (ifTable's packet counters,
# the CPU counters) only some seconds after its first request.
walk "$TMP/first"
sleep 6
walk "$TMP/first"
start=$(date +%s%N)
# Traffic between the walks: bounded, on the loopback only.
end=$(( $(date +%s) + INTERVAL ))
while [ "$(date +%s)" -lt "$end" ]; do
  snmpbulkwalk -v2c -c public -Cr25 "udp:127.0.0.1:$PORT" .1.3.6.1.2.1.2 >/dev/null
  sleep 0.5
done
walk "$TMP/second"
elapsed_ms=$(( ($(date +%s%N) - start) / 1000000 ))

cp "$TMP/first" device.walk
awk -v ms="$elapsed_ms" '
  function num(line,   v) {
    if (line ~ /= (Counter32|Counter64): /) { sub(/.*: /, "", line); return line + 0 }
    if (line ~ /= Timeticks: \(/) { sub(/.*: \(/, "", line); sub(/\).*/, "", line); return line + 0 }
    return -1
  }
  NR == FNR { split($0, p, " = "); first[p[1]] = num($0); next }
  {
    split($0, p, " = "); v = num($0)
    if (v < 0 || !(p[1] in first) || first[p[1]] < 0 || v <= first[p[1]]) next
    rate = int((v - first[p[1]]) * 1000 / ms + 0.5)
    if (rate < 1) rate = 1
    print p[1], rate
  }' "$TMP/first" "$TMP/second" > device.rates
echo "device.walk: $(grep -c ' = ' device.walk) values; device.rates: $(wc -l < device.rates) moving (${elapsed_ms} ms apart)"
