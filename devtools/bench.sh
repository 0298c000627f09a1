#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
#
# Regenerate the benchmark report (issue 7) in one command:
#
#   devtools/bench.sh
#
# Builds test-mim and l3fwd-mim (release, in build-perf/), sets up
# hugepages when run as root (else, or if that fails, runs with --no-huge
# and says so), waits for a quiet machine, runs `test-mim --autotest perf`
# at full scale, then the forwarding benchmark (l3fwd-mim, issue 7 item 5:
# examples/l3fwd-mim/bench/fwd_bench.py), and writes to doc/perf/:
#   results.csv   every figure (one row each), with its target and verdict
#   results.txt   the same as a text table, targets first
#   *.png         one chart per figure (gnuplot, Debian's gnuplot-nox)
#   README.md     method, machine, results against targets, analysis
#   run.log       the suite's own output
#   machine.env   the suite's run: machine, memory, load
#   forwarding.log, forwarding.env   the same for the forwarding run
#
# Either part can run alone: its rows of results.csv are replaced, the
# other part's rows are kept (merged), and the report is regenerated.
#
# Environment:
#   BENCH_ONLY=suite|forwarding  (both) run only that part
#   BENCH_SCALE=full|smoke   (full)  smoke: a seconds-long run of the pipeline
#   BENCH_OUT=dir            (doc/perf)
#   BENCH_BUILD=dir          (build-perf)
#   BENCH_HUGEPAGES=n        (2560) 2 MiB pages wanted; 0: no hugepages
#   BENCH_NOHUGE_MEM=MiB     (6144) EAL memory without hugepages
#   BENCH_MAX_LOAD=x         (0.6) 1-minute load average counted as quiet
#   BENCH_WAIT=min           (10)  how long to wait for quiet, then run anyway
#   BENCH_REPORT_ONLY=1      only regenerate txt/png/README from results.csv
#   MIM_PERF_*               passed to the suite (see app/test-mim/perf_common.h)
#   BENCH_FWD_ROUNDS=n       (7; smoke 1) forwarding rounds (each runs the
#                            three configurations once, rotating)
#   BENCH_FWD_MS=ms          (5000; smoke 300) length of one forwarding run
#   BENCH_FWD_TENANTS=n      (1000; smoke 20) tenants of the many-tenant run
#   BENCH_FWD_TABLES=n       (32; smoke 2) inner LPM tables they share
#                            (rte_lpm: 64 MiB each): the judged figure
#   BENCH_FWD_DIAG_TABLES=l  (1,4,16; smoke 1) more table counts, run as
#                            diagnostics (comma-separated; "" for none)
#   BENCH_FWD_ROUTES=n       (4096; smoke 64) routes per table
#   BENCH_FWD_PACKETS=n      (16384; smoke 512) frames in the looped pcap

set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scale=${BENCH_SCALE:-full}
out=${BENCH_OUT:-doc/perf}
build=${BENCH_BUILD:-build-perf}
want_pages=${BENCH_HUGEPAGES:-2560}
nohuge_mem=${BENCH_NOHUGE_MEM:-6144}
max_load=${BENCH_MAX_LOAD:-0.6}
wait_min=${BENCH_WAIT:-10}
only=${BENCH_ONLY:-}
case "$only" in
''|suite|forwarding) ;;
*) echo "bench: BENCH_ONLY=suite or forwarding (or unset: both)" >&2; exit 2 ;;
esac
if [ "$scale" = smoke ]; then
	fwd_defaults=(1 300 20 2 64 512 1)
else
	fwd_defaults=(7 5000 1000 32 4096 16384 1,4,16)
fi
fwd_rounds=${BENCH_FWD_ROUNDS:-${fwd_defaults[0]}}
fwd_ms=${BENCH_FWD_MS:-${fwd_defaults[1]}}
fwd_tenants=${BENCH_FWD_TENANTS:-${fwd_defaults[2]}}
fwd_tables=${BENCH_FWD_TABLES:-${fwd_defaults[3]}}
fwd_routes=${BENCH_FWD_ROUTES:-${fwd_defaults[4]}}
fwd_packets=${BENCH_FWD_PACKETS:-${fwd_defaults[5]}}
fwd_diag=${BENCH_FWD_DIAG_TABLES-${fwd_defaults[6]}}
mkdir -p "$out"
csv=$out/results.csv
info=$out/machine.env
fwd_info=$out/forwarding.env

log() { printf 'bench: %s\n' "$*" >&2; }

# ---- hugepages (only undo what we did) ---------------------------------------

hp_sysfs=/proc/sys/vm/nr_hugepages
hp_added=0
hp_set=
huge_dir=
huge_mounted=0

cleanup() {
	if [ "$huge_mounted" = 1 ]; then
		umount "$huge_dir" 2>/dev/null || log "cannot unmount $huge_dir"
		rmdir "$huge_dir" 2>/dev/null || true
	fi
	if [ "$hp_added" -gt 0 ] && [ "$(cat $hp_sysfs)" = "$hp_set" ]; then
		echo $((hp_set - hp_added)) > $hp_sysfs 2>/dev/null ||
			log "cannot give back $hp_added hugepages"
	fi
}
trap cleanup EXIT

meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }

setup_hugepages() {
	local free total
	[ "$want_pages" -gt 0 ] || { log "hugepages not wanted"; return 1; }
	[ "$(id -u)" = 0 ] || { log "not root: no hugepages"; return 1; }
	[ "$(meminfo Hugepagesize)" = 2048 ] ||
		{ log "default hugepage size is not 2 MiB"; return 1; }
	free=$(meminfo HugePages_Free)
	total=$(cat $hp_sysfs)
	if [ "$free" -lt "$want_pages" ]; then
		hp_set=$((total + want_pages - free))
		echo "$hp_set" > $hp_sysfs 2>/dev/null || true
		hp_added=$(( $(cat $hp_sysfs) - total ))
		hp_set=$(cat $hp_sysfs)
		free=$(meminfo HugePages_Free)
		if [ "$free" -lt "$want_pages" ]; then
			log "only $free of $want_pages hugepages available"
			return 1
		fi
	fi
	huge_dir=$(mktemp -d /tmp/mim-bench-huge.XXXXXX)
	if ! mount -t hugetlbfs -o pagesize=2M nodev "$huge_dir" 2>/dev/null; then
		rmdir "$huge_dir"
		log "cannot mount hugetlbfs"
		return 1
	fi
	huge_mounted=1
	return 0
}

# ---- a quiet machine ---------------------------------------------------------

load1() { cut -d' ' -f1 /proc/loadavg; }

wait_quiet() {
	local waited=0
	while awk -v l="$(load1)" -v m="$max_load" 'BEGIN { exit !(l > m) }'; do
		if [ "$waited" -ge $((wait_min * 60)) ]; then
			log "load $(load1) still above $max_load after $wait_min min: running anyway (recorded)"
			return
		fi
		log "load $(load1) above $max_load: waiting (${waited}s so far)"
		sleep 30
		waited=$((waited + 30))
	done
}

# ---- run ---------------------------------------------------------------------

# Rows of results.csv whose figure is (or is not, with "!") $1.
rows_of() {
	local fig=$1 neg=0
	[ "${fig#!}" = "$fig" ] || { neg=1; fig=${fig#!}; }
	[ -s "$csv" ] || return 0
	awk -F, -v f="$fig" -v n="$neg" 'NR > 1 && (($1 == f) != n)' "$csv"
}

# A part's new rows (a CSV with its header) replace its old ones; the
# other part's rows are kept.
merge_csv() { # new.csv, figure of the part ("!forwarding": the suite's)
	local new=$1 part=$2 keep
	keep=forwarding
	[ "$part" = forwarding ] && keep='!forwarding'
	{
		head -1 "$new"
		if [ "$part" = forwarding ]; then rows_of "$keep"; fi
		tail -n +2 "$new"
		if [ "$part" != forwarding ]; then rows_of "$keep"; fi
	} > "$csv.merge"
	mv "$csv.merge" "$csv"
	rm -f "$new"
}

hp=0
mem_eal=()

prepare() {
	local targets=()
	log "building $build (release)"
	if [ -d "$build" ]; then
		meson configure "$build" -Dbuildtype=release >/dev/null
	else
		meson setup "$build" --buildtype=release >/dev/null
	fi
	[ "$only" = forwarding ] || targets+=(app/bench/mim-bench)
	[ "$only" = suite ] || targets+=(examples/l3fwd-mim/l3fwd-mim)
	ninja -C "$build" "${targets[@]}" >/dev/null

	wait_quiet
	if [ "$scale" = full ] && setup_hugepages; then
		hp=1
		mem_eal=(--huge-dir "$huge_dir")
		log "hugepages: $want_pages x 2 MiB on $huge_dir"
	else
		mem_eal=(--no-huge -m "$nohuge_mem")
		log "no hugepages (--no-huge)"
	fi
}

# What the source was: a part measured from a tree with uncommitted
# changes says so.
commit_of() { # paths...
	echo "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- "$@" || echo ' (with uncommitted changes)')"
}

run_suite() {
	local eal status
	eal=(-l 0-1 --no-pci --log-level=lib.eal:warning
	     --file-prefix="mimbench$$" "${mem_eal[@]}")
	{
		echo "date='$(date -u '+%Y-%m-%d %H:%M UTC')'"
		echo "commit='$(commit_of lib app/bench app/test)'"
		echo "cpu='$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)'"
		echo "cpus='$(nproc)'"
		echo "mhz='$(awk -F': ' '/^cpu MHz/ { printf "%.0f", $2; exit }' /proc/cpuinfo)'"
		echo "caches='$(lscpu 2>/dev/null | awk -F': *' '/^L[123]/ { printf "%s%s %s", s, $1, $2; s="; " }')'"
		echo "hypervisor='$(lscpu 2>/dev/null | awk -F': *' '/^Hypervisor vendor/ { print $2 }')'"
		echo "kernel='$(uname -r)'"
		echo "dpdk='$(pkg-config --modversion libdpdk)'"
		echo "libbpf='$(pkg-config --modversion libbpf)'"
		echo "compiler='$(cc --version | head -1)'"
		echo "hugepages='$hp'"
		echo "eal='${eal[*]}'"
		echo "scale='$scale'"
		echo "load_before='$(cut -d' ' -f1-3 /proc/loadavg)'"
	} > "$info.tmp"

	log "running the perf suite ($scale); output in $out/run.log"
	set +e
	MIM_PERF_SCALE=$scale MIM_PERF_CSV="$csv.tmp" \
		"$build/app/bench/mim-bench" "${eal[@]}" -- perf \
		> "$out/run.log" 2>&1
	status=$?
	set -e
	echo "load_after='$(cut -d' ' -f1-3 /proc/loadavg)'" >> "$info.tmp"
	echo "status='$status'" >> "$info.tmp"
	if [ "$status" != 0 ]; then
		tail -20 "$out/run.log" >&2
		log "the perf suite failed (status $status); previous results kept"
		exit 1
	fi
	merge_csv "$csv.tmp" suite
	mv "$info.tmp" "$info"
}

run_forwarding() {
	local eal status
	# -l, --file-prefix and the ports are fwd_bench.py's. Without
	# hugepages: the tables (64 MiB each), the pcap's mbufs, margin.
	eal=(--no-pci "${mem_eal[@]}")
	if [ "$hp" = 1 ]; then
		eal+=(--huge-unlink)
	else
		eal=(--no-pci --no-huge -m $(( (fwd_tables + 2) * 72 + 512 )))
	fi
	wait_quiet
	{
		echo "fwd_date='$(date -u '+%Y-%m-%d %H:%M UTC')'"
		echo "fwd_commit='$(commit_of lib examples/l3fwd-mim)'"
		echo "fwd_hugepages='$hp'"
		echo "fwd_eal='${eal[*]} -l 0-1 (main 0; forwarding lcore 1)'"
		echo "fwd_scale='$scale'"
		echo "fwd_rounds='$fwd_rounds'"
		echo "fwd_ms='$fwd_ms'"
		echo "fwd_tenants='$fwd_tenants'"
		echo "fwd_tables='$fwd_tables'"
		echo "fwd_routes='$fwd_routes'"
		echo "fwd_packets='$fwd_packets'"
		echo "fwd_diag='$fwd_diag'"
		echo "fwd_load_before='$(cut -d' ' -f1-3 /proc/loadavg)'"
	} > "$fwd_info.tmp"

	log "running the forwarding benchmark ($scale, EAL ${eal[*]}); output in $out/forwarding.log"
	set +e
	/usr/bin/python3 examples/l3fwd-mim/bench/fwd_bench.py \
		"$build/examples/l3fwd-mim/l3fwd-mim" --csv "$csv.fwd" \
		--eal "${eal[*]}" --rounds "$fwd_rounds" --duration-ms "$fwd_ms" \
		--tenants "$fwd_tenants" --tables "$fwd_tables" \
		--diag-tables "$fwd_diag" \
		--routes "$fwd_routes" --packets "$fwd_packets" \
		--note "hugepages $([ "$hp" = 1 ] && echo yes || echo no)" \
		> "$out/forwarding.log" 2>&1
	status=$?
	set -e
	echo "fwd_load_after='$(cut -d' ' -f1-3 /proc/loadavg)'" >> "$fwd_info.tmp"
	echo "fwd_status='$status'" >> "$fwd_info.tmp"
	if [ "$status" != 0 ]; then
		tail -20 "$out/forwarding.log" >&2
		log "the forwarding benchmark failed (status $status); previous results kept"
		exit 1
	fi
	merge_csv "$csv.fwd" forwarding
	mv "$fwd_info.tmp" "$fwd_info"
}

if [ "${BENCH_REPORT_ONLY:-0}" != 1 ]; then
	prepare
	[ "$only" = forwarding ] || run_suite
	[ "$only" = suite ] || run_forwarding
fi
[ -s "$csv" ] || { log "no $csv"; exit 1; }
# shellcheck disable=SC1090
. "$info"
if [ -f "$fwd_info" ]; then
	# shellcheck disable=SC1090
	. "$fwd_info"
fi

# ---- text table --------------------------------------------------------------

yes_no() { [ "$1" = 1 ] && echo yes || echo 'no (--no-huge, 4 KiB pages)'; }

# How far a judged figure is from its target: metric / limit for "<=", "<";
# limit / metric for ">=". The metric is the ratio when the target names
# the baseline ("<=1.10x flat_bulk"), else the value.
awk_common='
function fld(i) { return $i }
function metric() { return (index($11, "x " $9) && $9 != "") ? $10 : $7 }
function limit(t) { sub(/^[<>=]+/, "", t); return t + 0 }
function off(   m, l) {
	m = metric(); l = limit($11)
	if ($11 ~ /^>=/) return (m > 0) ? sprintf("%.3gx short", l / m) : "";
	return (l > 0) ? sprintf("%.3gx over", m / l) : "";
}
function num(v) {
	if (v == "") return "-";
	if (v + 0 >= 1e6 || (v + 0 < 0.01 && v + 0 > 0)) return sprintf("%.3g", v);
	if (v + 0 >= 100) return sprintf("%.0f", v);
	return sprintf("%.3g", v);
}
function ratio(r) { return r == "" ? "" : sprintf("%.2fx", r) }
function cfg(  s) { s = $6; if ($2 != "" && $1 != "lookup") s = $2 "/" s; return s }
'

{
	echo "mapinmap benchmarks (issue 7) -- $date, commit $commit"
	echo "CPU: $cpu ($cpus cpus, ${hypervisor:+$hypervisor guest, }$caches)"
	echo "kernel $kernel, DPDK $dpdk, libbpf $libbpf; hugepages: $([ "$hugepages" = 1 ] && echo yes || echo 'no (--no-huge, 4 KiB pages)')"
	echo "load average before: $load_before; after: $load_after; scale: $scale"
	if [ -n "${fwd_date:-}" ]; then
		echo "forwarding: run apart on $fwd_date, commit $fwd_commit; hugepages: $(yes_no "$fwd_hugepages"); load before: $fwd_load_before; after: $fwd_load_after; scale: $fwd_scale"
	fi
	echo "Regenerate: devtools/bench.sh (method and analysis: README.md)"
	echo
	echo "== Figures with a target ====================================================="
	awk -F, "$awk_common"'
	NR > 1 && $11 != "" && $12 != "not-run" {
		printf "%-8s %-34s %9s %6s %-7s %10s %-11s %8s %-19s %-7s %s\n",
			$1, cfg(), $3, $4, $5, num($7), $8, ratio($10), $11, $12,
			($12 == "MISSED") ? off() : ""
	}
	BEGIN {
		printf "%-8s %-34s %9s %6s %-7s %10s %-11s %8s %-19s %-7s %s\n",
			"figure", "configuration", "entries", "tenants", "keys",
			"value", "unit", "ratio", "target", "verdict", "miss"
	}' "$csv"
	echo
	echo "== Every figure ==============================================================="
	awk -F, "$awk_common"'
	NR > 1 && $1 != "meta" {
		if ($1 != last) { printf "\n-- %s --\n", $1; last = $1 }
		printf "%-22s %-6s %9s %6s %-7s %10s %-12s %8s %-17s %-7s %s\n",
			$6, $2, $3, $4, $5, num($7), $8, ratio($10), $9, $12, $13
	}' "$csv"
} > "$out/results.txt"

# ---- charts ------------------------------------------------------------------

if ! command -v gnuplot >/dev/null; then
	log "gnuplot not found (Debian: apt-get install gnuplot-nox): no charts"
else
	dat=$(mktemp -d)
	# lookup series: <variant>_<tenants>_<dist>.dat, "entries cycles ratio"
	awk -F, -v d="$dat" 'NR > 1 && $1 == "lookup" && $7 != "" {
		f = d "/" $6 "_" $4 "_" $5 ".dat"
		print $3, $7, ($10 == "" ? "NaN" : $10) >> f
	}' "$csv"
	# One colour per configuration; Zipf dashed. Panels: 10 and 1000 tenants.
	declare -A colour=(
		[flat_bulk]='#000000' [flat_single]='#888888'
		[tenant_hash_bulk]='#e69f00' [tenant_lpm_single]='#56b4e9'
		[mim_aot_hash_bulk]='#d55e00' [mim_hot_hash_bulk]='#cc79a7'
		[mim_aot_lpm_bulk]='#0072b2' [whatif_xt_nested_bulk]='#009e73')
	series() { # column, dists, variants...
		local col=$1 dists=$2 t=$3 p="" v k f dt title; shift 3
		for v in "$@"; do
			for k in $dists; do
				f=$dat/${v}_${t}_${k}.dat
				[ -s "$f" ] || continue
				dt=1; [ "$k" = zipf ] && dt=2
				title=$v; [ "$dists" = "$k" ] || title="$v $k"
				p+="'$f' using 1:$col with linespoints lw 2 dt $dt lc rgb '${colour[$v]}' title '$title', "
			done
		done
		echo "${p%, }"
	}
	ratio_v=(mim_aot_hash_bulk mim_hot_hash_bulk tenant_hash_bulk mim_aot_lpm_bulk whatif_xt_nested_bulk)
	gnuplot <<-EOF
	set terminal pngcairo size 1500,620 font ',10' noenhanced
	set output '$out/lookup_ratio.png'
	set multiplot layout 1,2 title 'Bulk lookup (bursts of 32) / flat rte_hash bulk, cycles per key: median of paired rounds. Solid uniform, dashed Zipf(0.99).'
	set logscale x; set logscale y; set yrange [0.2:8]
	set xlabel 'total entries'; set ylabel 'ratio to flat rte_hash bulk (lower is better)'
	set key top left font ',9'
	set grid
	set arrow 1 from 1000, first 1.10 to 1e6, first 1.10 nohead lc rgb 'red' lw 2
	set arrow 2 from 1e6, first 1.0 to 1e7, first 1.0 nohead lc rgb 'red' lw 2
	set label 1 'target' at 1200, first 1.22 tc rgb 'red'
	set title '10 tenants'
	plot $(series 3 "uniform zipf" 10 "${ratio_v[@]}")
	set title '1000 tenants'
	plot $(series 3 "uniform zipf" 1000 "${ratio_v[@]}")
	unset multiplot
	EOF
	cyc_v=(flat_bulk flat_single tenant_hash_bulk mim_aot_hash_bulk mim_hot_hash_bulk mim_aot_lpm_bulk tenant_lpm_single whatif_xt_nested_bulk)
	for k in uniform zipf; do
		gnuplot <<-EOF
		set terminal pngcairo size 1500,620 font ',10' noenhanced
		set output '$out/lookup_cycles_$k.png'
		set multiplot layout 1,2 title 'Lookup cost, $k keys: cycles per key (median over rounds)'
		set logscale x; set logscale y; set yrange [2:2000]
		set xlabel 'total entries'; set ylabel 'cycles per key'
		set key top left font ',9'
		set grid
		set title '10 tenants'
		plot $(series 2 "$k" 10 "${cyc_v[@]}")
		set title '1000 tenants'
		plot $(series 2 "$k" 1000 "${cyc_v[@]}")
		unset multiplot
		EOF
	done
	# bar charts: "label value" per figure
	bars() { # figure, unit filter, awk condition on $6, file
		awk -F, -v fig="$1" -v out="$2" 'NR > 1 && $1 == fig && $7 != "" && '"$3"' {
			l = $6
			if (fig == "memory") {
				sub(/^mim_heap$/, "mapinmap", l); sub(/_heap$/, "", l)
				l = $2 " " l " (" $3 ")"
			}
			printf "\"%s\" %s\n", l, $7 > out
		}' "$csv"
	}
	bars publish "$dat/publish.dat" '$8 == "us"'
	bars reclaim "$dat/reclaim.dat" '$8 == "us"'
	bars memory "$dat/memory.dat" '$6 != "mim_info"'
	# two reader bursts, in microseconds
	two_bursts=$(awk -F, '$1 == "meta" && $6 == "tsc_hz" { hz = $7 }
		$1 == "reclaim" && $6 == "reader_burst" { c = $7 }
		END { if (hz > 0) printf "%.3g", 2 * c / hz * 1e6; else print 0 }' "$csv")
	gnuplot <<-EOF
	set terminal pngcairo size 1000,560 font ',10' noenhanced
	set style data histograms; set style fill solid 0.7 border -1
	set boxwidth 0.8; set grid ytics; set xtics rotate by -30 noenhanced
	set logscale y
	set output '$out/publish.png'
	set title 'Replacing a tenant of $(awk -F, '$1 == "publish" { print $3; exit }' "$csv") entries (microseconds, median; log scale)'
	set ylabel 'us'
	set arrow from graph 0, first 10 to graph 1, first 10 nohead lc rgb 'red' dt 2
	set label 'target: publish <= 10 us' at graph 0.02, first 14 tc rgb 'red'
	plot '$dat/publish.dat' using 2:xtic(1) notitle
	unset arrow; unset label
	set output '$out/reclaim.png'
	set title 'Replacing a tenant with a reader running: microseconds from the return of the publish (median; log scale)'
	set ylabel 'us'
	set yrange [0.05:*]
	set arrow from graph 0, first $two_bursts to graph 1, first $two_bursts nohead lc rgb 'red' dt 2
	set label 'target: free within 2 reader bursts ($two_bursts us)' at graph 0.02, first $two_bursts * 1.4 tc rgb 'red'
	plot '$dat/reclaim.dat' using 2:xtic(1) notitle
	set autoscale y
	unset arrow; unset label
	set output '$out/memory.png'
	set title 'Bytes per tenant, DPDK heap: empty (0) and with 1000 entries (log scale)'
	set ylabel 'bytes per tenant'
	plot '$dat/memory.dat' using 2:xtic(1) notitle
	EOF
	# forwarding: "label Mpps", and the target line at 0.9x the baseline
	awk -F, -v out="$dat/forwarding.dat" 'NR > 1 && $1 == "forwarding" && $7 != "" {
		k = $6; sub(/^mim_nested_/, "", k); sub(/tbl$/, "", k)
		if ($6 == "single_lpm") l = "baseline: one LPM table"
		else if ($4 == 1) l = "1 tenant"
		else l = $4 " tenants, " k " table" (k == 1 ? "" : "s")
		if ($11 != "") l = l " [target]"
		if ($10 != "") l = l sprintf(" (%.2fx)", $10)
		printf "\"%s\" %s\n", l, $7 > out
	}' "$csv"
	if [ -s "$dat/forwarding.dat" ]; then
		fwd_target=$(awk -F, '$1 == "forwarding" && $6 == "single_lpm" { printf "%.4g", 0.9 * $7 }' "$csv")
		gnuplot <<-EOF
		set terminal pngcairo size 1200,620 font ',10' noenhanced
		set style data histograms; set style fill solid 0.7 border -1
		set boxwidth 0.6; set grid ytics; set xtics rotate by -20
		set output '$out/forwarding.png'
		set title 'l3fwd-mim forwarding, one lcore: million packets per second (median of ${fwd_rounds:-?} rounds; ratio to the single-table loop)'
		set ylabel 'Mpps'
		set yrange [0:*]; set offsets 0, 0, graph 0.12, 0
		set arrow from graph 0, first $fwd_target to graph 1, first $fwd_target nohead lc rgb 'red' dt 2
		set label 'dashed: target, >= 0.9x the single-table loop ($fwd_target Mpps)' at graph 0.02, graph 0.96 tc rgb 'red'
		plot '$dat/forwarding.dat' using 2:xtic(1) notitle
		EOF
	fi
	rm -rf "$dat"
fi

# ---- README ------------------------------------------------------------------

md_table() {
	awk -F, "$awk_common"'
	BEGIN {
		print "| figure | configuration | entries | tenants | keys | value | unit | ratio | target | verdict | miss |"
		print "|---|---|---:|---:|---|---:|---|---:|---|---|---|"
	}
	NR > 1 && $11 != "" && $12 != "not-run" {
		printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			$1, cfg(), $3, $4, $5, num($7), $8, ratio($10), $11,
			($12 == "MISSED") ? "**MISSED**" : $12,
			($12 == "MISSED") ? off() : ""
	}' "$csv"
}

count() { awk -F, -v v="$1" 'NR > 1 && $12 == v' "$csv" | wc -l; }
meta() { awk -F, -v v="$1" '$1 == "meta" && $6 == v { print $7; exit }' "$csv"; }

{
	cat <<-EOF
	# mapinmap benchmarks (issue 7)

	Generated by \`devtools/bench.sh\` on $date (commit $commit). Every
	number here comes from \`results.csv\` of that run; \`results.txt\` has
	them all as a table, \`run.log\` the suite's output. The analysis at the
	end is written by hand from this run and a profile of it.

	## Machine

	| | |
	|---|---|
	| CPU | $cpu, $cpus cpus${hypervisor:+, $hypervisor guest} |
	| caches | $caches |
	| kernel | $kernel |
	| DPDK / libbpf | $dpdk / $libbpf |
	| compiler | $compiler, meson buildtype=release |
	| hugepages | $([ "$hugepages" = 1 ] && echo "yes (2 MiB pages, hugetlbfs set up by bench.sh)" || echo "**no** (--no-huge, 4 KiB pages: TLB misses weigh on every large table)") |
	| EAL | \`$eal\` |
	| load average (1/5/15 min) | before $load_before; after $load_after |

	## Method

	\`test-mim --autotest perf\` (app/test-mim/perf_*.c), sizes from
	\`MIM_PERF_SCALE=full\`; CI runs the same suite at the smallest sizes
	(\`meson test --suite perf\`, no pass/fail on time).

	- **Lookups.** For each total N in {10^3, 10^5, 10^6, 10^7} and each
	  tenant count T in {10, 1000, 10000} (and T = 1 as a diagnostic), every
	  structure holds the same N entries, N/T per tenant (4-byte keys, 8-byte
	  values; the flat table's key is (tenant, key), 8 bytes), at the same
	  capacity (the rte_hash baselines sized 1.25x N, mapinmap's hash tables
	  with their own 2x slots). Two
	  streams of $(meta lookups) lookups are drawn over the N entries: uniform, and Zipf(0.99) with the
	  ranks scattered over tenants and keys by a fixed permutation. Every key
	  format is precomputed (the flat key too, which favours the baseline).
	  Each configuration runs the whole stream in bursts of 32 between two
	  \`rte_rdtsc_precise()\`; $(meta rounds) rounds, each running every configuration
	  once from a rotating start. A value is the median over rounds; a ratio
	  is the median of the per-round ratios, so slow drifts of this shared
	  machine cancel. The first pass of each configuration checks every
	  value found against the stored one, and every timed pass must hit
	  every key. Lookups return value pointers and do not read the values.
	  Configurations: \`mim_aot_*\` / \`mim_hot_*\` are mapinmap's
	  \`mim_lookup_nested_bulk()\` (bulk) and two \`mim_lookup()\` (single)
	  through an ARRAY_OF_TABLES / HASH_OF_TABLES; \`flat_*\` one rte_hash of
	  (tenant, key); \`tenant_*\` per-tenant rte_hash / rte_lpm tables behind a
	  pointer array, bulk = one \`rte_hash_lookup_bulk_data\`
	  (\`rte_lpm_lookup_bulk\`) per distinct tenant of the burst, as a user
	  would write it; \`whatif_xt_*\` a prototype that is **not** mapinmap
	  (perf_proto.c; see the analysis). LPM routes are /24 prefixes; rte_lpm
	  costs 64 MiB per table, so LPM runs with 10 tenants only, and
	  rte_lpm_add is linear in the routes of a prefix length, so at most 10^5
	  routes per table (10^7 routes would take hours to load). Rows that
	  could not run say why (\`not-run\`).
	- **Tenant limit.** mapinmap HASH tables, then bare rte_hash tables, are
	  created until the first failure.
	- **Replacement.** A tenant's inner HASH table of 10^5 entries is
	  replaced by a new one built beforehand: one \`mim_update_elem()\` on the
	  outer table, timed with \`rte_rdtsc_precise()\`; the old table loses its
	  last reference in that call (a QSBR variable is attached, its reader
	  offline, so the release is deferred, never done inside the call).
	  Against: rewriting the same tenant's 10^5 entries in a flat rte_hash
	  (\`rte_hash_add_key_data\` on existing keys), and the kernel's
	  \`bpf_map_update_elem()\` on a BPF_MAP_TYPE_HASH_OF_MAPS (libbpf), $(meta reps)
	  repetitions each, medians.
	- **Reclamation.** The same replacement while a reader lcore runs
	  bursts of 32 nested lookups in that tenant and reports a quiescent
	  state after each burst; the control thread polls \`mim_reclaim()\`
	  from the return of the publish until it releases the old table (checked with
	  \`mim_rcu_get_stats()\`). Reported in microseconds and in reader
	  bursts, to the moment the table became reclaimable and to the moment
	  its memory was free.
	- **Memory.** 100 tables per type (2 for LPM) of max_entries 1000 with
	  8-byte values, empty then filled: \`mim_get_info()\` mem_bytes and the
	  DPDK heap delta (\`rte_malloc_get_socket_stats\`), per table. HASH
	  values are preallocated with their table (max_entries plus spares), so
	  both readings include them, empty or full.

	## Results against the targets

	$(count met) figures met their target, $(count MISSED) missed, $(count not-run) rows could not run (reason in the CSV).
	"miss" is how far from the target: metric / limit (or limit / metric for
	"at least" targets).

	EOF
	md_table
	cat <<-EOF

	Charts: [lookup ratio](lookup_ratio.png), [lookup cycles, uniform](lookup_cycles_uniform.png),
	[lookup cycles, Zipf](lookup_cycles_zipf.png), [publish](publish.png),
	[reclamation](reclaim.png), [memory](memory.png), [forwarding](forwarding.png).

	![lookup ratio](lookup_ratio.png)

	EOF
	if [ -n "${fwd_date:-}" ]; then
		cat <<-EOF
		## Forwarding (item 5)

		Run apart from the suite, on $fwd_date (commit $fwd_commit),
		by \`BENCH_ONLY=forwarding devtools/bench.sh\` (or with the suite):
		\`examples/l3fwd-mim/bench/fwd_bench.py\` drives l3fwd-mim.
		Hugepages: $(yes_no "$fwd_hugepages"). Load average (1/5/15 min)
		before $fwd_load_before; after $fwd_load_after. EAL:
		\`$fwd_eal\`.

		- **Traffic.** $fwd_packets VLAN-tagged IPv4/UDP frames of 64 bytes
		  (scapy, explicit MACs), looped from memory by \`net_pcap\`
		  (\`infinite_rx=1\`, which copies each frame into a new mbuf) on
		  port 0; every frame is routed and leaves on port 1, a
		  \`net_null\` port (frees it). \`net_null\` cannot be the source
		  (it makes non-IP frames) and a \`net_ring\` needs a producer
		  core this 2-CPU machine does not have. One forwarding lcore
		  (lcore 1), bursts of 32; the main lcore only reclaims and stops
		  the run after $fwd_ms ms (\`--duration-ms\`). A rate is frames
		  forwarded over the forwarding loop's TSC time (\`--stats-json\`);
		  every run must forward every frame it received (checked).
		- **Tables.** $fwd_routes routes per table (a /0; /8 to /32,
		  70% /24, 10% longer than /24), destinations drawn inside them
		  over the whole unicast space. Every table holds the same
		  prefixes with different next hops.
		- **Configurations**, on the same IPv4 packets in the same order:
		  **1 tenant** (VLAN 1, one outer slot, one LPM table);
		  **$fwd_tenants tenants** (VLANs 1 to $fwd_tenants, each frame's drawn
		  uniformly; per-tenant counters), who **share $fwd_tables inner LPM
		  tables** (tenant v uses table v mod $fwd_tables): each rte_lpm
		  embeds a 64 MiB tbl24, so $fwd_tenants private tables would need
		  about $(( fwd_tenants * 68 / 1000 )) GB on this 24 GB machine. So
		  this measures the outer-table indirection, $fwd_tenants slots and
		  per-tenant counters, and $fwd_tables distinct tables' worth of
		  cache and TLB footprint; it does **not** measure $fwd_tenants distinct
		  LPM tables (see the analysis). $([ -n "$fwd_diag" ] && echo "As diagnostics, the same
		  tenants and traffic over fewer shared tables ($fwd_diag; one
		  configuration each): with one table,
		  only the outer level and the per-tenant counters differ from the
		  baseline; more tables add their memory footprint.") **Baseline**: the same binary and
		  loop with \`--baseline-lpm\`: parse, checks, rewrite and tx
		  unchanged, the burst looked up with one \`mim_lookup_bulk()\` in
		  one mapinmap LPM table (the very inner lookup code of the nested
		  path, without the outer level), tenant ignored, on the
		  many-tenant traffic.
		- $fwd_rounds rounds, each running every configuration once from a rotating
		  start; a value is the median over rounds, a ratio the median of
		  the per-round ratios (their interquartile range is in the CSV
		  note). \`forwarding.log\` has every run.

		| configuration | tenants | Mpps | ratio to baseline | target | verdict |
		|---|---:|---:|---:|---|---|
		$(awk -F, 'NR > 1 && $1 == "forwarding" {
			k = $6; sub(/^mim_nested_/, "", k); sub(/tbl$/, "", k)
			c = ($6 == "single_lpm") ? "baseline: one LPM table" : \
				"mapinmap, nested, " k " inner table" (k == 1 ? "" : "s")
			printf "| %s | %s | %s | %s | %s | %s |\n", c, $4, $7,
				($10 == "") ? "" : sprintf("%.3fx", $10), $11,
				($12 == "MISSED") ? "**MISSED**" : $12
		}' "$csv")

		$(awk -F, 'NR > 1 && $1 == "forwarding" && $11 != "" {
			k = $6; sub(/^mim_nested_/, "", k); sub(/tbl$/, "", k)
			t = $11; sub(/^>=/, "", t); sub(/x.*$/, "", t)
			printf "**Target:** %s tenants over %s shared tables at %.3fx the single-table loop: %s\n",
				$4, k, $10, ($12 == "met") ? "met." : \
				sprintf("missed, %.2fx short of %sx. Why, and what would close it: the analysis, section 5.", t / $10, t)
		}' "$csv")

		![forwarding](forwarding.png)

		EOF
	else
		cat <<-EOF
		## Forwarding (item 5)

		Not run yet: \`BENCH_ONLY=forwarding devtools/bench.sh\`.

		EOF
	fi
	if [ -f "$out/analysis.md" ]; then
		cat "$out/analysis.md"
	fi
} > "$out/README.md"

log "wrote $out/results.csv, results.txt, README.md and charts"
