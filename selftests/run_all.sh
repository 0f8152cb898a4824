#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the vmux selftests. Runs INSIDE the test VM (make selftest does
# "selftests/vm/run -- selftests/run_all.sh"):
#
#   selftests/run_all.sh [TEST.sh...]
#
# Loads $VMUX_KO (default kmod/vmux.ko), runs each test script (default: the order in
# selftests/TESTS, then any selftests/vmux_*.sh not listed there) under a
# timeout, and after every step fails the step if the kernel log grew a
# splat or the kernel picked up a taint other than O/E. Last, rmmod vmux
# must succeed. On a kernel with kmemleak (the debug kernel, make
# check-debug) no leak may lead back to vmux or rtnetlink, after the tests
# and after rmmod; on one with lockdep, lockdep must still be on at the end.
# Ends with "selftests: N passed, N failed, N skipped" and exits 1 if
# anything failed.
#
# A script with the line "# run_all.sh: beside others" shares nothing with
# another such script: no module it loads or unloads, no global sysctl or
# tracing state, only namespaces and device names of its own and the NICs
# of the pair it is given (VMUX_NIC_PAIR: the VM has two wires, each an
# e1000 and a virtio-net; lib.sh's nics). Consecutive ones run together, up
# to VMUX_SELFTEST_JOBS (default: the VM's CPUs, at most 2, one per NIC
# pair; 1 runs every script alone) at a time; each one's output comes
# whole when it ends, and the kernel log, taint and leftovers are checked
# once the last of them has ended. selftests/TESTS keeps them together,
# the longest first. A test of such a script that needs the machine to
# itself (rmmod) is named on a line "# run_all.sh: alone: TEST...": the
# script runs beside others without it (VMUX_TESTS_LATER, lib.sh's
# tests_run), and once the group has ended, the script runs again with
# only those tests (TESTS), alone.
#
# Environment: KSFT_TIMEOUT (per script, seconds, default 1200: a guard
# against a hung script, twice the slowest script's time on 6.12),
# VMUX_KO (the module, default kmod/vmux.ko),
# VMUX_NO_MODULE=1 (do not load/unload vmux.ko: for harness development only),
# VMUX_DMESG_LOG (where the kernel log is kept, default build/vm/dmesg.log).

set -u

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$top" || exit 1

timeout_s=${KSFT_TIMEOUT:-1200}
nic_pairs=2	# selftests/vm/run
max_jobs=${VMUX_SELFTEST_JOBS:-$(nproc)}
if [[ ! $max_jobs =~ ^[1-9][0-9]*$ ]]; then
	echo "run_all: VMUX_SELFTEST_JOBS='$max_jobs' is not a number of scripts (1 or more)" >&2
	exit 1
fi
((max_jobs <= nic_pairs)) || max_jobs=$nic_pairs
dmesg_log=${VMUX_DMESG_LOG:-$top/build/vm/dmesg.log}
ko=${VMUX_KO:-kmod/vmux.ko}

# SPLAT_RE, splat_filter
source selftests/splat.sh

# O (out-of-tree module) and E (unsigned module) are expected of vmux.ko.
taint_allowed=$(((1 << 12) | (1 << 13)))
taint_letters=(P F S R M B U D A W C I O E L K X T N)
taint_names=("proprietary module" "module force-loaded" "SMP unsafe"
	"module force-unloaded" "machine check" "bad page" "user request"
	"kernel died (oops)" "ACPI overridden" "warning" "staging driver"
	"firmware workaround" "out-of-tree module" "unsigned module"
	"soft lockup" "live patched" "auxiliary" "randstruct plugin" "test")

n_pass=0
n_fail=0
failed=()	# "script: test" of every [FAIL], repeated at the end
n_skip=0
taint_seen=0

result()
{
	local name=$1 status=$2 why=${3:-}

	printf "TEST: %-60s  [%s]\n" "$name" "$status"
	[[ -n $why ]] && printf '%s\n' "$why" | sed 's/^/\t/'
	case "$status" in
	" OK ") n_pass=$((n_pass + 1)) ;;
	FAIL) n_fail=$((n_fail + 1)); failed+=("$name") ;;
	SKIP) n_skip=$((n_skip + 1)) ;;
	esac
}

taint_describe()
{
	local t=$1 i out=""

	for ((i = 0; i < ${#taint_letters[@]}; i++)); do
		((t & (1 << i))) || continue
		out+="${out:+, }${taint_letters[i]} (bit $i, $((1 << i)): ${taint_names[i]})"
	done
	echo "$out"
}

# kernel_check NAME: fail NAME if the kernel log grew a splat or the
# kernel picked up a new taint bit beyond O and E since the last check.
# What splat_filter takes out is not looked at (it stays in the log).
kernel_check()
{
	local name=$1 log hits t new why=""

	# Read and clear in one syscall: nothing is lost between checks.
	log=$(dmesg -c)
	[[ -n $log ]] && printf '%s\n' "$log" >>"$dmesg_log"
	log=$(printf '%s\n' "$log" | splat_filter)
	hits=$(printf '%s\n' "$log" | grep -nE -- "$SPLAT_RE")
	if [[ -n $hits ]]; then
		# From the first hit on: the trace is what one needs.
		why+="kernel log (full log: $dmesg_log):"$'\n'
		why+=$(printf '%s\n' "$log" | sed -n "${hits%%:*},+60p")
	fi

	t=$(</proc/sys/kernel/tainted)
	new=$((t & ~taint_allowed & ~taint_seen))
	taint_seen=$((taint_seen | t))
	if ((new)); then
		why+="${why:+$'\n'}kernel tainted $t: new $(taint_describe "$new")"
	fi

	[[ -n $why ]] && result "$name: kernel splat or taint" FAIL "$why"
}

# --- the debug kernel's checkers (no-ops on a kernel without them) ----------

kmemleak=/sys/kernel/debug/kmemleak

# kmemleak_check NAME: scan twice (an object must be found unreferenced by
# a scan after the one that first saw it), then fail NAME on every leak
# whose allocation went through vmux or rtnetlink, or through code that is
# gone (a module address kmemleak can no longer name: vmux after rmmod).
# Other suspects (the core's own, from boot on) are counted, not failed.
kmemleak_check()
{
	local name=$1 report ours n

	[[ -w $kmemleak ]] || return 0
	if ! { echo scan >"$kmemleak" && echo scan >"$kmemleak"; }; then
		result "$name" FAIL "echo scan >$kmemleak failed (kmemleak disabled itself?)"
		return
	fi
	report=$(<"$kmemleak")
	n=$(grep -c '^unreferenced object' <<<"$report")
	ours=$(awk -v RS='unreferenced object' \
		'NR > 1 && /vmux|rtnetlink|rtnl_|\] 0x[0-9a-f]+\n/ { printf "unreferenced object%s", $0 }' \
		<<<"$report")
	if [[ -n $ours ]]; then
		result "$name" FAIL "$(grep -c '^unreferenced object' <<<"$ours") of $n suspected leaks lead to vmux or rtnetlink:"$'\n'"$ours"
	else
		result "$name" " OK "
		((n == 0)) || echo "# $name: $n suspected leaks elsewhere (cat $kmemleak)"
	fi
	# The scan's own "N new suspected memory leaks" line is judged here.
	kernel_check "$name" 'kmemleak: [0-9]+ new suspected memory leaks'
}

# lockdep turns itself off after its first report (or when it runs out of
# room): it must still be on at the end, or it saw nothing of the rest.
lockdep_check()
{
	local v

	[[ -r /proc/lockdep_stats ]] || return 0
	v=$(awk '$1 == "debug_locks:" { print $2 }' /proc/lockdep_stats)
	if [[ $v == 1 ]]; then
		result "lockdep still on (debug_locks 1)" " OK "
	else
		result "lockdep still on" FAIL "debug_locks is '$v': lockdep reported something or gave up (see $dmesg_log)"
	fi
}

finish()
{
	local f

	# Repeated last: a log's tail is what a CI summary shows.
	for f in "${failed[@]}"; do
		echo "FAILED: $f"
	done
	echo "selftests: $n_pass passed, $n_fail failed, $n_skip skipped"
	((n_fail == 0))
	exit
}

# --- which tests -----------------------------------------------------------

tests=()
if (($#)); then
	tests=("$@")
else
	if [[ -r selftests/TESTS ]]; then
		while read -r t _; do
			[[ -z $t || $t == \#* ]] || tests+=("$t")
		done <selftests/TESTS
	fi
	for t in selftests/vmux_*.sh; do
		[[ -e $t ]] || continue
		t=${t##*/}
		if [[ " ${tests[*]} " != *" $t "* ]]; then
			echo "# $t is not listed in selftests/TESTS: running it last"
			tests+=("$t")
		fi
	done
fi
if ((${#tests[@]} == 0)); then
	echo "run_all: no tests to run" >&2
	exit 1
fi

mkdir -p "$(dirname "$dmesg_log")"
echo "# vmux selftests on $(uname -r), $(nproc) CPU(s), $max_jobs at a time beside others: ${tests[*]}"

# Anything wrong before we start is the environment's fault, but wrong.
kernel_check "boot"

# --- the module ------------------------------------------------------------------

loaded=0
if [[ ${VMUX_NO_MODULE:-0} == 1 ]]; then
	echo "# VMUX_NO_MODULE=1: not loading $ko"
elif [[ ! -f $ko ]]; then
	result "insmod $ko" FAIL "$ko is not built: run 'make kmod' (or 'make') first"
	finish
elif built_for=$(modinfo -F vermagic "$ko" 2>/dev/null) &&
     [[ ${built_for%% *} != "$(uname -r)" ]]; then
	result "insmod $ko" FAIL "$ko is built for ${built_for%% *}, this is $(uname -r)"
	finish
elif out=$(insmod "$ko" 2>&1); then
	loaded=1
	result "insmod $ko" " OK "
	kernel_check "insmod $ko"
else
	result "insmod $ko" FAIL "$out"
	kernel_check "insmod $ko"
	finish
fi

# --- the tests -----------------------------------------------------------------------

# nics_home [PAIR]: the NICs of PAIR (default: every pair) in the initial
# namespace within 10 s (see lib.sh: nics).
nics_home()
{
	local try check

	if (($#)); then
		check="VMUX_NIC_PAIR=$1 nics"
	else
		check="VMUX_NIC_PAIR=0 nics && VMUX_NIC_PAIR=1 nics"
	fi
	for ((try = 0; try < 100; try++)); do
		bash -c "source selftests/lib.sh && $check" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# A script run in the background: its name, output file, start and NIC
# pair, by pid.
declare -A run_name=() run_out=() run_t0=() run_pair=()

# start_one T [PAIR [LATER]]: start script T under its timeout, on NIC pair
# PAIR (default 0), without the tests LATER, its output into a file; sets
# START_PID. timeout leads its own process group: on expiry it kills the
# whole group. Output goes to a file, so a background process the script
# leaked cannot keep us waiting on a pipe.
start_one()
{
	local t=$1 pair=${2:-0} later=${3:-} path out pid

	path=selftests/${t#selftests/}
	if [[ ! -f $path ]]; then
		result "$t" FAIL "no such test: $path"
		return 1
	fi
	out=$(mktemp /tmp/vmux-selftest.XXXXXX)
	VMUX_NIC_PAIR=$pair VMUX_TESTS_LATER=$later \
		timeout --kill-after=10 "$timeout_s" bash "$path" >"$out" 2>&1 &
	pid=$!
	run_name[$pid]=$t
	run_out[$pid]=$out
	run_t0[$pid]=$SECONDS
	run_pair[$pid]=$pair
	START_PID=$pid
}

# end_one PID RC: count what the script of PID printed and judge how it
# ended (RC, its exit status).
end_one()
{
	local pid=$1 rc=$2 t=${run_name[$1]} out=${run_out[$1]} ok fail skip line

	kill -TERM -- "-$pid" 2>/dev/null	# leftovers of the script
	ok=$(grep -cE '^TEST: .*\[ OK \]$' "$out")
	fail=$(grep -cE '^TEST: .*\[FAIL\]$' "$out")
	skip=$(grep -cE '^TEST: .*\[SKIP\]$' "$out")
	while IFS= read -r line; do
		failed+=("$t: $line")
	done < <(sed -nE 's/^TEST: (.*[^ ]) +\[FAIL\]$/\1/p' "$out")
	rm -f "$out"
	n_pass=$((n_pass + ok))
	n_fail=$((n_fail + fail))
	n_skip=$((n_skip + skip))

	case $rc in
	0)
		((ok + fail + skip)) || result "$t" " OK "
		;;
	1)
		((fail)) || result "$t" FAIL "exited 1 without a [FAIL] line"
		;;
	4)
		((ok + fail + skip)) || result "$t" SKIP
		;;
	124|137)
		result "$t" FAIL "timed out after ${timeout_s}s (KSFT_TIMEOUT)"
		;;
	*)
		result "$t" FAIL "exited $rc"
		;;
	esac

	echo "# ---- $t took $((SECONDS - run_t0[$pid])) s"
	unset "run_name[$pid]" "run_out[$pid]" "run_t0[$pid]" "run_pair[$pid]"
}

# after_scripts NAME: the checks between scripts, once none runs: the
# kernel log and taint, and the next script starts from a clean machine.
after_scripts()
{
	local t=$1 leftover ns dev

	kernel_check "$t"
	leftover=$(ip netns list | cut -d' ' -f1)
	if [[ -n $leftover ]]; then
		result "$t: cleanup" FAIL "namespaces left behind: $(echo "$leftover" | tr '\n' ' ')"
		for ns in $leftover; do
			ip netns del "$ns"
		done
	fi
	leftover=""
	for dev in $(links_now | sort -r); do	# uppers (eth0.10) first
		[[ " $links_base " == *" $dev "* ]] && continue
		# What cannot be deleted is a module's fallback device (sit0,
		# tunl0, ...), not the test's: it joins the baseline.
		if ip link del "$dev" 2>/dev/null; then
			leftover+="$dev "
		else
			ip link show dev "$dev" >/dev/null 2>&1 && links_base+=" $dev"
		fi
	done
	[[ -z $leftover ]] || result "$t: cleanup" FAIL "devices left behind: $leftover"
	if ! nics_home; then
		result "$t: cleanup" FAIL "the NICs did not come back: $(cd /sys/class/net && echo *)"
	fi
}

# run_one T [TESTS]: T alone (only its TESTS, if given), its output as it
# comes.
run_one()
{
	local t=$1 only=${2:-} pid rc

	if [[ -n $only ]]; then
		echo "# ---- $t: $only (alone)"
		TESTS=$only start_one "$t" || return
	else
		echo "# ---- $t"
		start_one "$t" || return
	fi
	pid=$START_PID
	tail -s 0.1 --pid="$pid" -n +1 -f "${run_out[$pid]}"
	wait "$pid"
	rc=$?
	end_one "$pid" "$rc"
	after_scripts "$t"
}

# reap_one: wait until a script started by run_beside ends (polled: bash's
# "wait -n" misses a job that ended before it was called); print its
# output and judge it.
reap_one()
{
	local pid rc

	while true; do
		for pid in "${!run_name[@]}"; do
			kill -0 "$pid" 2>/dev/null && continue
			wait "$pid"
			rc=$?
			cat "${run_out[$pid]}"
			end_one "$pid" "$rc"
			return
		done
		sleep 0.2
	done
}

# free_pair: the NIC pair no running script has.
free_pair()
{
	local p pid

	for ((p = 0; p < nic_pairs; p++)); do
		for pid in "${!run_pair[@]}"; do
			[[ ${run_pair[$pid]} == "$p" ]] && continue 2
		done
		echo "$p"
		return
	done
}

# run_beside T...: scripts that share nothing (is_beside), up to $max_jobs at
# a time, each on a NIC pair of its own; each one's output comes whole when
# it ends. The checks between scripts wait for the last of them: the kernel
# log is theirs together. Then the tests each held back (alone_tests),
# alone.
run_beside()
{
	local t names="" pair later
	local -a held=()

	for t in "$@"; do
		while ((${#run_name[@]} >= max_jobs)); do
			reap_one
		done
		pair=$(free_pair)
		# A script killed by its timeout ran no cleanup: its NICs may
		# be in its namespaces still.
		nics_home "$pair" ||
			result "$t: NIC pair $pair" FAIL "its NICs are not home: $(cd /sys/class/net && echo *)"
		later=$(alone_tests "$t")
		echo "# ---- $t (beside others, NIC pair $pair${later:+, without $later}: its output when it ends)"
		start_one "$t" "$pair" "$later" && names+="${names:+ + }$t"
		[[ -z $later ]] || held+=("$t")
	done
	while ((${#run_name[@]})); do
		reap_one
	done
	[[ -z $names ]] || after_scripts "$names"
	for t in "${held[@]}"; do
		run_one "$t" "$(alone_tests "$t")"
	done
}

# is_beside T: T says it shares nothing with another such script.
is_beside()
{
	grep -qx '# run_all.sh: beside others' "selftests/${1#selftests/}" 2>/dev/null
}

# alone_tests T: the tests of T that need the machine to themselves ("#
# run_all.sh: alone: TEST..."), held back when T runs beside others.
alone_tests()
{
	sed -n 's/^# run_all\.sh: alone: *//p' "selftests/${1#selftests/}" 2>/dev/null | tr '\n' ' ' |
		sed 's/ *$//'
}

# The initial namespace's devices: a script must leave it as it found it.
links_now()
{
	local d

	for d in /sys/class/net/*; do
		echo "${d##*/}"
	done
}
links_base=" $(links_now | tr '\n' ' ') "

group=()
for t in "${tests[@]}"; do
	if ((max_jobs > 1)) && is_beside "$t"; then
		group+=("$t")
		continue
	fi
	((${#group[@]} == 0)) || run_beside "${group[@]}"
	group=()
	run_one "$t"
done
((${#group[@]} == 0)) || run_beside "${group[@]}"
kmemleak_check "kmemleak after the tests"

# --- unload --------------------------------------------------------------------------------

if ((loaded)); then
	if out=$(rmmod vmux 2>&1); then
		result "rmmod vmux" " OK "
	else
		result "rmmod vmux" FAIL "$out"$'\n'"$(lsmod | grep -E '^vmux ' || true)"
	fi
	kernel_check "rmmod vmux"
	kmemleak_check "kmemleak after rmmod vmux"
fi
lockdep_check

finish
