#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the libFuzzer targets of app/fuzz with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer in their own build directory, then for each
# target:
#   1. regression: run every input of its committed corpus (and, for
#      fuzz_bpf_import, the BPF objects built from source) once;
#   2. mutation: fuzz for FUZZ_SECONDS (default 20) on a copy of that
#      corpus (the committed corpus is never written).
# Any crash, leak, timeout or out-of-memory fails the script, with the
# reproducer's path; run the target on that file to see it again
# (FUZZ_TRACE=1 prints what a fuzz_api input does).
#
# libbpf 1.1 crashes on some mutated .BTF sections inside
# bpf_object__open_file(), before mapinmap sees the object (mim_bpf_import()
# requires a trusted object). fuzz_bpf_import opens each input with libbpf
# alone in a forked child first and skips those on which libbpf crashes on
# its own (it prints how many at exit). As a second line, for its mutation
# run only: a crash whose stack, from the top down to the first frame
# outside libbpf, libelf, libz, libc and the sanitizer runtime, has a
# libbpf frame and then mim_bpf_import() (the caller of libbpf's open and
# close) is reported as libbpf's, and the run goes on. In regression mode
# every crash fails.
#
# Usage: devtools/fuzz.sh [fuzz_api|fuzz_bpf_import|fuzz_l3fwd_config]...
#        (default: all three)
# Environment: FUZZ_SECONDS (per target), FUZZ_BUILD_DIR (build-fuzz),
# FUZZ_WORK (a scratch directory, default a new one under /tmp), FUZZ_SEED
# (libFuzzer's -seed: CI fixes it, so that a run mutates as the one before
# it did and a failure is the change's, not the draw's; default random).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${FUZZ_SECONDS:-20}
build=${FUZZ_BUILD_DIR:-build-fuzz}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_api fuzz_bpf_import fuzz_l3fwd_config fuzz_mp)

# Debian packages: the build's, and clang's runtime (libFuzzer, sanitizers).
missing=()
for p in meson ninja-build pkg-config libdpdk-dev libbpf-dev libelf-dev \
	clang libclang-rt-14-dev; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	echo "== installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "== build ($build: clang, -fsanitize=fuzzer,address,undefined)"
opts=(--werror -Dfuzz=true -Dtests=false -Dexamples=false -Dpoison=true
	-Db_sanitize=address,undefined -Db_lundef=false
	"-Dc_args=-fno-sanitize=alignment -fno-sanitize-recover=all")
if [ -d "$build" ]; then
	meson setup --reconfigure "$build" "${opts[@]}" >/dev/null
else
	CC=clang meson setup "$build" "${opts[@]}" >/dev/null
fi
ninja -C "$build" >/dev/null

work=${FUZZ_WORK:-$(mktemp -d /tmp/mim-fuzz.XXXXXX)}
mkdir -p "$work"
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fuzz_opts=(-timeout=10 -rss_limit_mb=4096 -print_final_stats=1)
[ -n "${FUZZ_SEED:-}" ] && fuzz_opts+=(-seed="$FUZZ_SEED")
# Longest input: 64 operations of fuzz_api fit in 2 KiB; objects are bigger.
# A configuration file of 4 KiB holds a hundred records.
max_len() {
	case $1 in
	fuzz_api) echo 2048 ;;
	fuzz_l3fwd_config) echo 4096 ;;
	fuzz_mp) echo 1024 ;;
	*) echo 16384 ;;
	esac
}

# 0 if the report in $1 is a crash inside libbpf called by mim_bpf_import.
libbpf_crash() {
	awk '
	/^ *#[0-9]+ / {
		if (/libbpf\.so/) { lib = 1; next }
		if (/libelf\.so|libz\.so|libc\.so|libclang_rt|in __(asan|interceptor|sanitizer|ubsan)_/)
			next
		found = lib && / in mim_bpf_import /
		exit
	}
	END { exit found ? 0 : 1 }' "$1"
}

# The inputs a target starts from: its committed corpus, plus the BPF
# objects built from source. import.bpf.o (three LPM tables of 64 MiB
# each: about a second an execution) is in the regression run only.
seed_corpus() {   # seed_corpus TARGET DIR regression|mutation
	cp app/fuzz/corpus/"$1"/* "$2"/
	if [ "$1" = fuzz_l3fwd_config ]; then
		cp examples/l3fwd-mim/l3fwd-mim.conf "$2"/
	fi
	if [ "$1" = fuzz_bpf_import ]; then
		cp "$build"/app/fuzz/*.bpf.o "$2"/
		[ "$3" = regression ] || rm -f "$2"/import.bpf.o
	fi
}

regression() {   # regression TARGET
	local bin=$build/app/fuzz/$1 dir=$work/$1.seeds
	mkdir -p "$dir"
	seed_corpus "$1" "$dir" regression
	echo "== $1: regression, $(ls "$dir" | wc -l) inputs"
	if ! nice -n 10 "$bin" "${fuzz_opts[@]}" "$dir"/* >"$work/$1.regression.log" 2>&1; then
		tail -40 "$work/$1.regression.log"
		echo "FAIL: $1 on a corpus input, reproducer:" \
			"$(grep -oE '^Running: .*' "$work/$1.regression.log" |
				tail -1 | sed 's/^Running: //')"
		return 1
	fi
}

mutation() {   # mutation TARGET
	local bin=$build/app/fuzz/$1 dir=$work/$1.corpus art=$work/$1.artifacts
	local left=$seconds start rc log n=0
	mkdir -p "$dir" "$art"
	seed_corpus "$1" "$dir" mutation
	echo "== $1: mutation, ${seconds} s"
	while [ "$left" -gt 0 ]; do
		n=$((n + 1))
		log=$work/$1.run$n.log
		start=$SECONDS
		rc=0
		nice -n 10 "$bin" "${fuzz_opts[@]}" -max_len="$(max_len "$1")" \
			-max_total_time="$left" \
			-artifact_prefix="$art/" "$dir" >"$log" 2>&1 || rc=$?
		left=$((left - (SECONDS - start)))
		grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)|inputs skipped' \
			"$log" | awk '!seen[$0]++ { print "   " $0 }' || true
		grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 | sed 's/^/   /' || true
		[ "$rc" -eq 0 ] && break
		repro=$(grep -oE "Test unit written to .*" "$log" | sed 's/Test unit written to //' | tail -1)
		if [ "$1" = fuzz_bpf_import ] && [ -n "$repro" ] && libbpf_crash "$log"; then
			echo "   libbpf's own crash (not mapinmap's), reproducer: $repro"
			grep -m1 'SUMMARY:' "$log" | sed 's/^/   /' || true
			[ "$n" -lt 50 ] && continue
			break
		fi
		grep -E 'ERROR|SUMMARY|^ *#[0-9] ' "$log" | head -20
		echo "FAIL: $1 (log: $log)${repro:+, reproducer: $repro}"
		return 1
	done
}

status=0
for t in "${targets[@]}"; do
	regression "$t" || status=1
	mutation "$t" || status=1
done
if [ $status -eq 0 ]; then
	echo "== fuzzing: no crash ($work)"
fi
exit $status
