#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The mapinmap authors
#
# devtools/check-git-log.sh on a scratch repository: a good commit passes,
# and each bad one is refused for the rule it breaks. Run by test.sh, so
# that a checker that lets everything through cannot go unnoticed.
set -euo pipefail
check=$(readlink -f "$(dirname "$0")/check-git-log.sh")
repo=$(mktemp -d /tmp/mim-gitlog.XXXXXX)
trap 'rm -rf "$repo"' EXIT
git -C "$repo" init -q
git -C "$repo" config user.name test
git -C "$repo" config user.email test@localhost
git -C "$repo" commit -q --allow-empty -m "root"
fails=0
cases=0

# expect MESSAGE [REASON]: without REASON the message must pass, with it
# the check must fail and give REASON.
expect() {
	local out rc=0
	cases=$((cases + 1))
	git -C "$repo" commit -q --allow-empty -m "$1"
	out=$(cd "$repo" && bash "$check" -1 2>&1) || rc=$?
	if [ -z "${2:-}" ]; then
		[ $rc = 0 ] && return
		echo "refused, should pass: ${1%%$'\n'*}"; echo "$out"
	else
		[ $rc = 1 ] && grep -qF -- "$2" <<<"$out" && return
		echo "not refused for '$2': ${1%%$'\n'*}"; echo "$out"
	fi
	fails=$((fails + 1))
}

body=$'\n\nWhy the change is made, in a body.'
long=$(printf 'x%.0s' {1..73})
expect "lib/lpm: keep the tbl8 groups$body"
expect "doc: link the report$body"$'\n'"https://example.invalid/$long"
expect "drivers: keep it$body" "prefix 'drivers:' is not one of"
expect "no prefix here$body" "is not 'prefix: subject'"
expect "lib:no space$body" "is not 'prefix: subject'"
expect "lib: $long$body" "the subject is 78 characters"
expect "lib: Keep it$body" "starts upper-case"
expect "lib: keep it.$body" "ends with a period"
expect "lib: added a check$body" "in the imperative"
expect "lib: fixes a leak$body" "in the imperative"
expect "lib: keep it" "no body"
expect "lib: keep it$body"$'\n'"$long" "message line 4 is 73 characters"
expect $'lib: keep it\nwhy, with no blank line' "no blank line after the subject"

if [ $fails -gt 0 ]; then
	echo "test-check-git-log: $fails of $cases cases wrong"
	exit 1
fi
echo "test-check-git-log: $cases cases: ok"
