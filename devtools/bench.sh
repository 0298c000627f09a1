#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
#
# Measure the benchmarks and write doc/perf/: devtools/bench.sh
#
# Builds mim-bench and l3fwd-mim (release, own build directory); as root
# at full scale, reserves and mounts 2 MiB hugepages and gives them back
# at exit (else EAL runs with --no-huge); runs `mim-bench -- perf` and
# examples/l3fwd-mim/bench/fwd_bench.py, their output in the build
# directory; merges their CSV rows into doc/perf/results.csv (a part that
# ran replaces its own rows); devtools/perf_report.py then writes
# doc/perf/README.md and the charts. The prose is doc/perf/analysis.md.
#
#   BENCH_ONLY=suite|forwarding  (both) run only that part
#   BENCH_REPORT_ONLY=1          run nothing: the report from results.csv
#   BENCH_SCALE=full|smoke       (full) smoke: a seconds-long run
#   BENCH_OUT=dir, BENCH_BUILD=dir  (doc/perf, build-perf)
#   BENCH_HUGEPAGES=n            (2560) 2 MiB pages wanted; 0: none
#   BENCH_NOHUGE_MEM=MiB         (6144) EAL memory without hugepages
#   BENCH_FWD_ARGS='...'         more fwd_bench.py options (--rounds, ...)
#   MIM_PERF_*                   the suite's sizes (app/bench/perf_common.h)

set -euo pipefail
cd "$(dirname "$0")/.."
scale=${BENCH_SCALE:-full} out=${BENCH_OUT:-doc/perf} build=${BENCH_BUILD:-build-perf}
pages=${BENCH_HUGEPAGES:-2560} only=${BENCH_ONLY:-} csv=$out/results.csv
py=/usr/bin/python3 hp_sys=/proc/sys/vm/nr_hugepages hp_added=0 huge_dir=
log() { printf 'bench: %s\n' "$*" >&2; }
case "$only" in ''|suite|forwarding) ;; *) log "BENCH_ONLY=suite|forwarding"; exit 2 ;; esac

report() {
	$py -c 'import matplotlib' 2>/dev/null || [ "$(id -u)" != 0 ] ||
		apt-get install -y -q python3-matplotlib >/dev/null ||
		log "cannot install python3-matplotlib (Debian): no charts"
	$py devtools/perf_report.py "$csv" --out "$out"
}
[ "${BENCH_REPORT_ONLY:-0}" != 1 ] || { report; exit 0; }

cleanup() {
	[ -z "$huge_dir" ] || { umount "$huge_dir"; rmdir "$huge_dir"; } ||
		log "cannot unmount $huge_dir"
	[ "$hp_added" = 0 ] || echo $(($(cat $hp_sys) - hp_added)) > $hp_sys ||
		log "cannot give back $hp_added hugepages"
}
trap cleanup EXIT
hp_free() { awk '$1 == "HugePages_Free:" { print $2 }' /proc/meminfo; }
hugepages() { # succeeds when EAL can use $huge_dir
	local had
	[ "$scale" = full ] && [ "$pages" -gt 0 ] && [ "$(id -u)" = 0 ] &&
		grep -q '^Hugepagesize: *2048 kB' /proc/meminfo || return 1
	if [ "$(hp_free)" -lt "$pages" ]; then
		had=$(cat $hp_sys)
		echo $((had + pages - $(hp_free))) > $hp_sys || true
		hp_added=$(($(cat $hp_sys) - had))
		[ "$(hp_free)" -ge "$pages" ] || { log "only $(hp_free) hugepages"; return 1; }
	fi
	huge_dir=$(mktemp -d /tmp/mim-bench-huge.XXXXXX)
	mount -t hugetlbfs -o pagesize=2M nodev "$huge_dir" || { rmdir "$huge_dir"; huge_dir=; return 1; }
}

log "building $build (release)"
[ -d "$build" ] || meson setup "$build" >/dev/null
meson configure "$build" -Dbuildtype=release >/dev/null
targets=(app/bench/mim-bench examples/l3fwd-mim/l3fwd-mim)
# The kernel's lookup loop, where meson found clang to build it.
ninja -C "$build" -t targets all | grep '^app/bench/lookup.bpf.o:' >/dev/null &&
	targets+=(app/bench/lookup.bpf.o)
ninja -C "$build" "${targets[@]}" >/dev/null
mem=(--no-huge -m "${BENCH_NOHUGE_MEM:-6144}")
! hugepages || mem=(--huge-dir "$huge_dir")
log "EAL memory: ${mem[*]}"
commit=$(git describe --always --dirty)
mkdir -p "$out"

run() { # part, command...: its CSV replaces its rows of results.csv
	local part=$1; shift
	log "running the $part benchmark ($scale); output in $build/perf-$part.log"
	"$@" > "$build/perf-$part.log" 2>&1 || { tail -20 "$build/perf-$part.log" >&2
		log "the $part benchmark failed: $csv unchanged"; exit 1; }
	$py devtools/perf_report.py "$csv" --merge "$build/$part.csv"
}
[ "$only" = forwarding ] ||
	MIM_PERF_SCALE=$scale MIM_PERF_CSV=$build/suite.csv MIM_PERF_COMMIT=$commit \
	run suite "$build/app/bench/mim-bench" -l 0-1 --no-pci \
		--log-level=lib.eal:warning --file-prefix="mimbench$$" "${mem[@]}" -- perf
fwd=(--diag-tables '1,4,16')
[ "$scale" = full ] || fwd=(--rounds 1 --duration-ms 300 --tenants 20 --tables 2
	--diag-tables 1 --routes 64 --packets 512)
[ -z "$huge_dir" ] || mem+=(--huge-unlink)
# shellcheck disable=SC2086 # BENCH_FWD_ARGS is a list of options
[ "$only" = suite ] ||
	run forwarding $py examples/l3fwd-mim/bench/fwd_bench.py \
		"$build/examples/l3fwd-mim/l3fwd-mim" --csv "$build/forwarding.csv" \
		--eal "--no-pci ${mem[*]}" --commit "$commit" "${fwd[@]}" ${BENCH_FWD_ARGS:-}
report
