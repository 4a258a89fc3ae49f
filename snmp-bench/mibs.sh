#!/usr/bin/env bash
# MIB loading and name resolution against Net-SNMP, same machine, same run.
#
#   bash snmp-bench/mibs.sh            (needs Net-SNMP's tools: apt-get install snmp)
#
# Prints the median wall time and the peak RSS of whole processes (GNU time), each run
# RUNS times: loading all of ../shared/mibs from text and from our compiled cache,
# the standard set, the first name with the embedded set, and `snmp get` against `snmpget`
# with the same MIBs (against a local snmp sim).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
cargo build --release -q -p snmp-cli -p snmp-mib --example first_name 2>/dev/null || cargo build --release -q -p snmp-cli
S=target/release/snmp
ALL=$(find ../shared/mibs -mindepth 1 -maxdepth 1 -type d ! -name oracle | sort | paste -sd:)
STD=snmp-mib/mibs/ietf:snmp-mib/mibs/iana:snmp-mib/mibs/ieee:snmp-mib/mibs/net-snmp
DEF=$(grep -o '^    "[A-Za-z0-9-]*",' snmp-mib/src/standard.rs | tr -d ' ",' | paste -sd:)
CACHE=$(mktemp -d)
trap 'rm -rf "$CACHE"; [ -n "${SIM:-}" ] && kill "$SIM" 2>/dev/null || true' EXIT

# median_of CMD...: median wall seconds and peak RSS (KiB) over RUNS runs.
median_of() {
  local walls=() rss=()
  for _ in $(seq "$RUNS"); do
    local t0 t1
    t0=$(date +%s%N)
    /usr/bin/time -o "$CACHE/.time" -f "%M" "$@" >/dev/null 2>/dev/null || true
    t1=$(date +%s%N)
    walls+=("$(( (t1 - t0) / 1000 ))"); rss+=("$(tail -1 "$CACHE/.time")")
  done
  local w r
  w=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
  r=$(printf '%s\n' "${rss[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
  printf '%d.%03d ms, %d MB' $(( w / 1000 )) $(( w % 1000 )) $(( r / 1024 ))
}

row() { printf '| %s | %s |\n' "$1" "$2"; }
echo "| case | median wall, peak RSS |"
echo "| --- | --- |"
row "Net-SNMP: load all of ../shared/mibs (snmptranslate -m ALL)" "$(median_of snmptranslate -M "$ALL" -m ALL -On SNMPv2-MIB::sysDescr.0)"
row "ours: load all of ../shared/mibs from text (no cache)" "$(SNMP_MIB_CACHE= median_of env SNMP_MIB_CACHE= $S translate -M "$ALL" -m ALL -On SNMPv2-MIB::sysDescr.0)"
SNMP_MIB_CACHE=$CACHE $S translate -M "$ALL" -m ALL -On SNMPv2-MIB::sysDescr.0 >/dev/null
row "ours: load all of ../shared/mibs from the compiled cache" "$(median_of env SNMP_MIB_CACHE="$CACHE" $S translate -M "$ALL" -m ALL -On SNMPv2-MIB::sysDescr.0)"
row "Net-SNMP: the standard set (-m ALL over ietf, iana, ieee, net-snmp)" "$(median_of snmptranslate -M "$STD" -m ALL -On SNMPv2-MIB::sysDescr.0)"
row "ours: the standard set from text (no cache)" "$(median_of env SNMP_MIB_CACHE= $S translate -M "$STD" -m ALL -On SNMPv2-MIB::sysDescr.0)"
row "Net-SNMP: its default modules (34), one name" "$(median_of snmptranslate -M "$STD" -m "$DEF" -On SNMPv2-MIB::sysDescr.0)"
row "ours: the embedded default set, one name (no files)" "$(median_of $S translate -On SNMPv2-MIB::sysDescr.0)"

PORT=$(( 20000 + RANDOM % 20000 ))
$S sim --port "$PORT" --busy-poll-us 0 >/dev/null 2>&1 &
SIM=$!
sleep 1
row "snmpget -v2c (default modules as text) sysDescr.0, whole process" "$(median_of snmpget -M "$STD" -m "$DEF" -v2c -c public "udp:127.0.0.1:$PORT" SNMPv2-MIB::sysDescr.0)"
row "snmp get -v2c (embedded default set) sysDescr.0, whole process" "$(median_of $S get -v2c -c public "127.0.0.1:$PORT" SNMPv2-MIB::sysDescr.0)"
echo
target/release/examples/first_name 2>/dev/null || cargo run --release -q -p snmp-mib --example first_name
