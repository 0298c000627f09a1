#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
#
# Run a command with 2 MiB hugepages of its own, for the multi-process
# tests (a secondary process needs the primary's hugepage files: --no-huge
# and --no-shconf cannot be used).
#
#   hugepages.sh <pages> -- cmd [args...]
#
# Raises /proc/sys/vm/nr_hugepages by <pages> (and lowers it by as much
# afterwards), mounts hugetlbfs on a fresh
# mktemp -d directory, and runs cmd with MIM_HUGE_DIR (that directory) and
# MIM_FILE_PREFIX (an EAL file prefix unique to this run) exported; the
# arguments @HUGE_DIR@ and @FILE_PREFIX@ are replaced by them, so that a
# meson test can name them. Afterwards, on failure and on a signal too, it
# unmounts, removes the directory and puts nr_hugepages back. Runs are
# serialised by an flock, as they share the page count.
#
# Exit: cmd's status, or 77 (a skip for meson) when not root, when the
# pages cannot be had or when the mount fails, with the reason printed.

set -u

skip() {
	echo "hugepages.sh: SKIP: $*"
	exit 77
}

usage() {
	echo "usage: hugepages.sh <pages> -- cmd [args...]" >&2
	exit 2
}

[ $# -ge 3 ] || usage
pages=$1
[ "$2" = "--" ] || usage
shift 2
case $pages in
''|*[!0-9]*) usage ;;
esac
[ "$pages" -ge 1 ] && [ "$pages" -le 4096 ] || usage

[ "$(id -u)" = 0 ] || skip "not root: cannot reserve hugepages"
nr=/proc/sys/vm/nr_hugepages
[ -w $nr ] || skip "$nr is not writable"
command -v flock >/dev/null || skip "flock(1) not found"

lock=${MIM_HUGE_LOCK:-/tmp/mapinmap-hugepages.lock}
exec 9>"$lock" || skip "cannot open the lock file $lock"
flock -w 600 9 || skip "another hugepage test held $lock for 600 s"

old=$(cat $nr)
added=0
dir=
mounted=0
cleanup() {
	if [ $mounted = 1 ]; then
		umount "$dir" || echo "hugepages.sh: cannot unmount $dir" >&2
	fi
	[ -n "$dir" ] && rmdir "$dir" 2>/dev/null
	# Give back what this run added, whatever others did meanwhile.
	if [ $added -gt 0 ]; then
		cur=$(cat $nr)
		back=$((cur - added))
		[ $back -ge 0 ] || back=0
		echo $back > $nr || echo "hugepages.sh: cannot write $back to $nr" >&2
	fi
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

want=$((old + pages))
echo $want > $nr 2>/dev/null || skip "cannot write $want to $nr"
got=$(cat $nr)
added=$((got - old))
[ $added -ge 0 ] || added=0
[ "$got" -ge $want ] || skip "asked for $pages hugepages, the kernel gave $((got - old))"

dir=$(mktemp -d "${TMPDIR:-/tmp}/mim-huge.XXXXXX") || skip "mktemp -d failed"
mount -t hugetlbfs -o pagesize=2M nodev "$dir" 2>/dev/null ||
	skip "cannot mount hugetlbfs on $dir"
mounted=1

MIM_HUGE_DIR=$dir
MIM_FILE_PREFIX=mim_mp_$$
export MIM_HUGE_DIR MIM_FILE_PREFIX

# Replace the placeholders, keeping every other argument as it is.
n=$#
while [ $n -gt 0 ]; do
	a=$1
	shift
	case $a in
	@HUGE_DIR@) a=$dir ;;
	@FILE_PREFIX@) a=$MIM_FILE_PREFIX ;;
	esac
	set -- "$@" "$a"
	n=$((n - 1))
done

"$@"
rc=$?
# The EAL's runtime files of this prefix (the hugepage files go with the
# mount).
rm -rf "/var/run/dpdk/$MIM_FILE_PREFIX" 2>/dev/null
exit $rc
