#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench's smoke run, so that the benchmark cannot rot: bench/guest.py
# --smoke runs every scenario of the full benchmark (a dummy lower, pktgen
# into it and out of a child, both implementations) with 1,000 packets and
# one trial, and fails unless every packet arrived where it was sent (the
# child's rx_packets and its netns's UDP NoPorts, or the lower's
# tx_packets, moved by exactly the count). Without -icount the times are
# wall-clock and mean nothing: no target is checked here, the report is
# only made (bench/report.py --no-gate) to prove it reads what guest.py
# writes. The full run: make bench.

# Not beside others: its pktgen threads, its lower in the initial namespace
# and the global settings it saves and restores are shared; beside
# vmux_frames.sh it failed once.

source "$(dirname "$0")/lib.sh"

ALL_TESTS="bench_smoke"

bench_smoke()
{
	local out rc rows

	RET=0
	out=$(mktemp -d)
	defer rm -rf "$out"
	"$top/bench/guest.py" --smoke --out "$out/bench.json" >"$out/log" 2>&1
	rc=$?
	check_err "$rc" "bench/guest.py --smoke failed: $(grep -m1 FAIL "$out/log")"
	if ((rc == 0)); then
		rows=$(jq '.rows | length' "$out/bench.json")
		# unicast 2 raw + 10 x 2 + 3 x 2, three 4, idle 3 x 2 x 2,
		# broadcast 2 x 2 x (2 + 1), control 2 x 2
		((rows == 60))
		check_err $? "$rows rows, expected 60"
		"$top/bench/report.py" --no-gate --md "$out/bench.md" "$out/bench.json" \
			2>>"$out/log"
		check_err $? "bench/report.py failed: $(tail -n1 "$out/log")"
		grep -q '^| rx macvlan bridge | ' "$out/bench.md"
		check_err $? "no macvlan row in the report"
	fi
	((RET == 0)) || sed 's/^/\t/' "$out/log"
	log_test "make bench's scenarios, 1,000 packets each, every one delivered"
}

require_root
require_vmux
require_command jq python3
tests_run
exit "$(exit_status)"
