#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fault injection: every allocation of a create or a change fails once, in
# turn (fail-nth, n = 1, 2, ... until the request consumes no fault; see
# selftests/failnth.py). Each round either succeeds whole or fails leaving
# nothing behind: the same devices, the lower and the siblings as they were,
# a lower without a port still free for another rx_handler (an in-kernel
# macvlan takes it). Afterwards each lower is deleted at once: no reference
# left to wait for ("unregister_netdevice: waiting for"), no splat.
#
# Needs CONFIG_FAULT_INJECTION and CONFIG_FAILSLAB (the debug kernel of
# make check-debug); Debian's kernels have neither, and skip.
#
# Environment: VMUX_FAULTS_STRIDE=K fails only every K-th allocation, from
# the VMUX_FAULTS_OFFSET-th (1..K, default 1): make check's debug tier
# takes a K-th, for time, and K runs with every offset cover all.
#
#   ns $P
#  +--------------------------------------------------------------+
#  | d0 (dummy): no port; each kind's first child made on it       |
#  |                                                              |
#  | s1 (vmux_macvlan source)  v1 (vmux_vlan 20)  i1 (vmux_ipvlan) |
#  |              \                  |                /  on d2     |
#  |               d1 (dummy, a port with siblings)     d2 (dummy) |
#  +--------------------------------------------------------------+

# Its own namespaces and devices only:
# run_all.sh: beside others

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	faults_create_port faults_create_sibling faults_change
"

FAILNTH=$top/selftests/failnth.py
FAULTS_STRIDE=${VMUX_FAULTS_STRIDE:-1}
FAULTS_OFFSET=${VMUX_FAULTS_OFFSET:-1}
# What --state commands print, less the ifindex a --reset may change.
NOIDX="| sed 's/^[0-9]*: //'"
require_root
require_vmux
require_module dummy
modprobe -q macvlan
if [[ ! -e /proc/self/fail-nth ]]; then
	echo "SKIP: this kernel has no fail-nth (CONFIG_FAULT_INJECTION; make check-debug)"
	exit "$ksft_skip"
fi

# As failnth.py's KNOBS: fail-nth reaches GFP_KERNEL allocations, quietly.
# Set here: in ip netns exec, /sys is the netns' own and has no debugfs.
for knob in failslab/ignore-gfp-wait fail_page_alloc/ignore-gfp-wait; do
	[[ -w /sys/kernel/debug/$knob ]] && echo N >"/sys/kernel/debug/$knob"
done
for knob in failslab/verbose fail_page_alloc/verbose; do
	[[ -w /sys/kernel/debug/$knob ]] && echo 0 >"/sys/kernel/debug/$knob"
done
if [[ $(cat /sys/kernel/debug/failslab/ignore-gfp-wait 2>/dev/null) != N ]]; then
	echo "SKIP: no /sys/kernel/debug/failslab (CONFIG_FAILSLAB, debugfs)"
	exit "$ksft_skip"
fi

MACS=02:00:00:00:01:01,02:00:00:00:01:02,02:00:00:00:01:03,02:00:00:00:01:04
MACS+=,02:00:00:00:01:05,02:00:00:00:01:06,02:00:00:00:01:07,02:00:00:00:01:08

# faults WHAT FAILNTH-ARGS...: failnth.py in $P; fails the test on its
# exit status or a new splat, logs its summary.
faults()
{
	local what=$1 out rc before; shift

	before=$(splat_count)
	out=$(ip netns exec "$P" "$FAILNTH" --stride "$FAULTS_STRIDE" --offset "$FAULTS_OFFSET" "$@" 2>&1)
	rc=$?
	log_info "$what: ${out##*$'\n'}"
	((rc == 0))
	check_err $? "$what: $(grep -m1 -E '^(FAIL|failnth):' <<<"$out")"
	((rc == 0)) || echo "$out" | head -n 20
	if (($(splat_count) > before)); then
		check_err 1 "$what: kernel splat: $(dmesg | splat_filter | grep -E -- "$SPLAT_RE" | tail -n 1)"
		dmesg | splat_filter | grep -E -A 30 -- "$SPLAT_RE" | tail -n 40
	fi
}

# port_free DEV: prints "free" if DEV has no rx_handler (an in-kernel
# macvlan can take it), else "busy".
PORT_FREE='ip link add fz0 link %s type macvlan >/dev/null 2>&1 && ip link del fz0 && echo free || echo busy'

# lower_gone DEV: DEV deletes at once, with nothing left waiting on it.
lower_gone()
{
	local before

	before=$(dmesg | grep -c 'waiting for')
	timeout 60 ip -n "$P" link del "$1"
	check_err $? "deleting $1 took over 60 s or failed"
	(($(dmesg | grep -c 'waiting for') == before))
	check_err $? "deleting $1: $(dmesg | grep 'waiting for' | tail -n 1)"
}

# siblings_setup: $P as in the picture, less d0.
siblings_setup()
{
	setup_ns P || return 1
	ip -n "$P" link add d1 type dummy || return 1
	ip -n "$P" link add d2 type dummy || return 1
	ip netns exec "$P" "$NLREQ" --link d1 --name s1 --kind vmux_macvlan u32:1=16 >/dev/null ||
		return 1
	ip netns exec "$P" "$NLREQ" --link d1 --name v1 --kind vmux_vlan u16:1=20 >/dev/null ||
		return 1
	ip netns exec "$P" "$NLREQ" --link d2 --name i1 --kind vmux_ipvlan u16:1=0 >/dev/null
}

# A port made and unmade for every allocation of each kind's first child.
faults_create_port()
{
	local kind args

	RET=0
	setup_ns P
	for kind in vlan macvlan ipvlan; do
		case $kind in
		vlan) args="u16:1=10" ;;
		macvlan) args="u32:1=4" ;;
		ipvlan) args="u16:1=0" ;;
		esac
		ip -n "$P" link add d0 type dummy || return 1
		# shellcheck disable=SC2059,SC2086
		faults "first $kind child" \
			--state "ip -d -o link show dev d0 $NOIDX" --state "$(printf "$PORT_FREE" d0)" \
			--link d0 --name x0 --kind "vmux_$kind" $args
		lower_gone d0
	done
	log_test "fail-nth: each kind's first child (port creation)"
}

# A child more on a port that has siblings of every kind.
faults_create_sibling()
{
	local kind args

	RET=0
	if ! siblings_setup; then
		check_err 1 "setup failed"
		log_test "fail-nth: a child more on a port with siblings"
		return
	fi
	for kind in vlan macvlan macvlan-source ipvlan; do
		case $kind in
		vlan) args="--link d1 --kind vmux_vlan u16:1=30 qos:3=1:2,2:3,3:4" ;;
		macvlan) args="--link d1 --kind vmux_macvlan u32:1=4" ;;
		macvlan-source) args="--link d1 --kind vmux_macvlan u32:1=16 u32:3=3 macs:5=$MACS" ;;
		ipvlan) args="--link d2 --kind vmux_ipvlan u16:1=0" ;;
		esac
		# shellcheck disable=SC2086
		faults "$kind child beside siblings" \
			--state "ip -d -o link show dev d1 $NOIDX" --state "ip -d -o link show dev d2 $NOIDX" \
			--state "$VMUX -d link show $NOIDX" --name x1 $args
	done
	lower_gone d1
	lower_gone d2
	log_test "fail-nth: a child more on a port with siblings"
}

# Changes: a source list replaced, an egress map grown, an ipvlan port's
# mode; each round starts from the same state (--reset).
faults_change()
{
	RET=0
	if ! siblings_setup; then
		check_err 1 "setup failed"
		log_test "fail-nth: changes (source list, egress map, ipvlan mode)"
		return
	fi

	faults "source list set" --state "$VMUX -d link show dev s1 $NOIDX" \
		--reset "$NLREQ --change --name s1 --kind vmux_macvlan u32:3=2" \
		--change --name s1 --kind vmux_macvlan u32:3=3 "macs:5=$MACS"
	faults "egress map" --state "$VMUX -d link show dev v1 $NOIDX" \
		--reset "ip link del v1 && $NLREQ --link d1 --name v1 --kind vmux_vlan u16:1=20" \
		--change --name v1 --kind vmux_vlan "qos:3=1:2,2:3,3:4,4:5"
	faults "ipvlan mode" --state "$VMUX -d link show dev i1 $NOIDX" \
		--reset "$NLREQ --change --name i1 --kind vmux_ipvlan u16:1=0" \
		--change --name i1 --kind vmux_ipvlan u16:1=2
	lower_gone d1
	lower_gone d2
	log_test "fail-nth: changes (source list, egress map, ipvlan mode)"
}

if ((FAULTS_STRIDE > 1)); then
	log_info "one allocation in $FAULTS_STRIDE fails: number $FAULTS_OFFSET, $((FAULTS_OFFSET + FAULTS_STRIDE)), ... (VMUX_FAULTS_STRIDE, VMUX_FAULTS_OFFSET)"
fi
tests_run
exit "$(exit_status)"
