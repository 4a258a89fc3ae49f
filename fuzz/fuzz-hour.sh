#!/usr/bin/env bash
# Fuzzes every cargo-fuzz target for a share of a CPU budget (default one CPU-hour, 3600 s,
# split evenly, one process per target, one after another) and writes what happened, per
# target, to fuzz/results/fuzz-<date>.md: runs, coverage (libFuzzer's `cov` and `ft`), corpus
# size and findings (files libFuzzer saved to fuzz/artifacts/<target>/).
#
# Usage: bash fuzz/fuzz-hour.sh [CPU-SECONDS] [TARGET ...]
# Needs nightly and cargo-fuzz (`cargo install cargo-fuzz`). Exits 1 when any target found
# something. Extra targets: `i686:index_decode` runs a target built for a 32-bit usize
# (needs `rustup +nightly target add i686-unknown-linux-gnu` and g++-multilib).
set -euo pipefail
cd "$(dirname "$0")/.."
budget=${1:-3600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo +nightly fuzz list)
fi
per=$(( budget / ${#targets[@]} ))
day=$(date -u +%Y-%m-%d)
mkdir -p fuzz/results
out=fuzz/results/fuzz-$day.md
log_dir=$(mktemp -d)
python3 fuzz/seed_corpus.py $(cargo +nightly fuzz list) > /dev/null
{
  echo "# Fuzzing run of $day"
  echo
  echo "\`bash fuzz/fuzz-hour.sh $budget ${targets[*]}\`: $per s of one CPU per target,"
  echo "$(nproc) cores, $(rustc +nightly --version), seeds from fuzz/seed_corpus.py."
  echo
  echo "| target | seconds | runs | runs/s | cov | ft | corpus | findings |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
} > "$out"
found=0
for spec in "${targets[@]}"; do
  target=${spec#*:}
  triple=()
  if [ "$spec" != "$target" ]; then
    # No sanitizer runtime ships for 32-bit targets; overflow checks stay on (cargo fuzz
    # builds with debug assertions), so a wrapped addition is a finding there too.
    triple=(-s none --target "${spec%%:*}-unknown-linux-gnu")
  fi
  count_findings() { (ls "fuzz/artifacts/$target" 2>/dev/null || true) | wc -l; }
  before=$(count_findings)
  log="$log_dir/$target.log"
  start=$(date +%s)
  # libFuzzer exits non-zero on a finding; the run goes on with the next target.
  cargo +nightly fuzz run "${triple[@]}" "$target" -- -max_total_time="$per" \
    -rss_limit_mb=2048 -print_final_stats=1 > "$log" 2>&1 || true
  # libFuzzer's own time (the build of the target is not fuzzing); the wall clock if absent.
  took=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | grep -o '[0-9]*' | tail -1 || true)
  took=${took:-$(( $(date +%s) - start ))}
  after=$(count_findings)
  # (A target that did not build or run leaves no stats: its row says so, the run goes on.)
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1 || true)
  runs=${runs:-0}
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
  if [ "$runs" = 0 ]; then
    echo "$spec: no runs; the end of its log:" >&2
    tail -5 "$log" >&2
    found=1
  fi
  cov=$(echo "$last" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*' || true)
  ft=$(echo "$last" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*' || true)
  corp=$(echo "$last" | grep -o 'corp: [0-9]*' | grep -o '[0-9]*' || true)
  new=$(( after - before ))
  [ "$new" -gt 0 ] && found=1
  rate=$(( runs / (took > 0 ? took : 1) ))
  echo "| $spec | $took | $runs | $rate | ${cov:-?} | ${ft:-?} | ${corp:-?} | $new |" >> "$out"
  echo "$spec: $runs runs in $took s, cov ${cov:-?}, $new findings"
done
echo >> "$out"
if [ "$found" = 0 ]; then
  echo "No target found anything." >> "$out"
else
  echo "Findings are in fuzz/artifacts/<target>/." >> "$out"
fi
cat "$out"
rm -rf "$log_dir"
exit "$found"
