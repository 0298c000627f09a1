#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
#
# Check commit messages against the rules of CONTRIBUTING.md, in the
# manner of DPDK's devtools/check-git-log.sh:
#
#   devtools/check-git-log.sh          every commit from the baseline to HEAD
#   devtools/check-git-log.sh RANGE    a git range (main..HEAD), or -N for
#                                      the last N commits
#
# Merge commits are not checked. Each bad commit is printed with every
# rule it breaks; the exit status is 1 if there is one, 2 on bad usage.
# Needs only git and the history (a full clone, as CI makes).
set -euo pipefail

# The history before this commit predates the rules; checking starts at
# it. Change it only to move the start forward, never to hide a commit.
baseline=abde5e9   # lib: one name per layer; get always takes a reference

# The prefixes, as CONTRIBUTING.md describes them.
prefixes=(lib lib/lpm lib/hash lib/rcu lib/btf app app/test app/bench app/fuzz
	test-mim l3fwd-mim examples doc devtools ci build)
max_subject=60
max_body=72

# Characters, not bytes, for the length limits.
export LC_ALL=C.UTF-8

usage() {
	sed -n '5,13s/^# \{0,1\}//p' "$0"
}

case "${1:-}" in
-h|--help)
	usage
	exit 0
	;;
-[0-9]*)
	range="HEAD~${1#-}..HEAD"
	;;
'')
	if ! git rev-parse -q --verify "$baseline^{commit}" >/dev/null; then
		echo "check-git-log: baseline $baseline is not in this history" \
			"(a shallow clone?)" >&2
		exit 2
	fi
	range="$baseline^..HEAD"
	;;
*)
	range=$1
	;;
esac
[ $# -le 1 ] || { usage >&2; exit 2; }

# The first word of a subject that is not in the imperative mood.
not_imperative() {   # not_imperative WORD
	local w=$1
	case "$w" in
	*eed|embed|bring) return 1 ;;
	*ed|*ing) return 0 ;;
	adds|fixes|moves|removes|renames|replaces|changes|updates|uses|\
	makes|splits|checks|keeps|runs|builds|creates|deletes|drops|\
	documents|describes|introduces|allows|supports|implements)
		return 0 ;;
	esac
	return 1
}

# Prints the rules one commit breaks, one per line; nothing if none.
check_commit() {   # check_commit SHA
	local msg subject prefix text first line n=0 p known=0
	msg=$(git log -1 --format=%B "$1")
	subject=$(printf '%s\n' "$msg" | sed -n 1p)

	if [[ "$subject" =~ ^([^ :]+):\ ([^ ].*)$ ]]; then
		prefix=${BASH_REMATCH[1]}
		text=${BASH_REMATCH[2]}
		for p in "${prefixes[@]}"; do
			[ "$p" = "$prefix" ] && known=1
		done
		[ $known = 1 ] ||
			echo "prefix '$prefix:' is not one of: ${prefixes[*]}"
		case "$text" in
		[A-Z]*) echo "the subject after the prefix starts upper-case" ;;
		esac
		first=${text%% *}
		first=${first%%[,;:]*}
		! not_imperative "$first" ||
			echo "'$first': write the subject in the imperative" \
				"('add', not 'added', 'adds' or 'adding')"
	else
		echo "the subject is not 'prefix: subject' (one space after" \
			"the colon)"
	fi
	[ ${#subject} -le $max_subject ] ||
		echo "the subject is ${#subject} characters" \
			"(at most $max_subject, prefix included)"
	case "$subject" in
	*.) echo "the subject ends with a period" ;;
	esac
	case "$subject" in
	*[[:space:]]) echo "the subject ends with white space" ;;
	esac

	if [ -n "$(printf '%s\n' "$msg" | sed -n 2p)" ]; then
		echo "no blank line after the subject"
	fi
	if [ -z "$(printf '%s\n' "$msg" | sed -n '3,$p' | tr -d '[:space:]')" ]
	then
		echo "no body: say why the change is made"
	fi
	while IFS= read -r line; do
		n=$((n + 1))
		[ $n -ge 3 ] || continue
		[ ${#line} -gt $max_body ] || continue
		[[ "$line" == *://* ]] && continue
		echo "message line $n is ${#line} characters" \
			"(at most $max_body; URLs excepted)"
	done <<<"$msg"
}

commits=$(git rev-list --no-merges --reverse "$range")
total=0
bad=0
for c in $commits; do
	total=$((total + 1))
	reasons=$(check_commit "$c")
	[ -n "$reasons" ] || continue
	bad=$((bad + 1))
	git log -1 --format='%h %s' "$c"
	printf '%s\n' "$reasons" | sed 's/^/	/'
done
if [ $bad -gt 0 ]; then
	echo "check-git-log: $bad of $total commits in $range break the" \
		"commit rules (CONTRIBUTING.md)"
	exit 1
fi
echo "check-git-log: $total commits in $range: ok"
