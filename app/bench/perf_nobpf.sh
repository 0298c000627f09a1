#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
#
# perf-nobpf: mim-bench where bpf() is refused (CAP_BPF and CAP_SYS_ADMIN
# out of the bounding set) must still run, and its kernel rows must say
# "not-run" and why.
#
#   perf_nobpf.sh MIM-BENCH CSV [EAL args]

set -eu
bench=$1 csv=$2
shift 2
drop='--bounding-set -bpf,-sys_admin --inh-caps -bpf,-sys_admin'
# shellcheck disable=SC2086
if ! setpriv $drop true 2>/dev/null; then
	echo "perf-nobpf: setpriv cannot drop capabilities here: skipped"
	exit 77
fi
rm -f "$csv"
# shellcheck disable=SC2086
MIM_PERF_ONLY=kernel MIM_PERF_CSV=$csv setpriv $drop "$bench" "$@" -- perf
for v in kernel_aom_hash kernel_hom_hash; do
	grep -q "^kernel,hash,[0-9]*,[0-9]*,,$v,,,,,,not-run,bpf() refused" \
		"$csv" || {
		echo "perf-nobpf: no not-run row for $v saying bpf() was refused in $csv"
		exit 1
	}
done
if grep -q '^kernel,.*,\(ns\|cycles\)/lookup,' "$csv"; then
	echo "perf-nobpf: kernel figures measured without bpf()?"
	exit 1
fi
