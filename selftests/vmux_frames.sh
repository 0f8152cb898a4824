#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Malformed frames into vmux's receive path and out of its transmit paths,
# side by side with the in-kernel 8021q, macvlan and ipvlan (reliability.md
# §4.4, issue 10): each frame class must be dropped and counted, or
# delivered, exactly as the in-kernel drivers do it, and never splat
# (run_all.sh checks the kernel log after the script).
#
#   rx: selftests/frames.py writes the frames into a tap lower t0 that
#       carries a vlan (id 10), a bridge macvlan ($M1) or an l2 ipvlan
#       (192.0.2.11); the counters of t0 and of each child are compared
#       with the same setup made of the in-kernel drivers.
#   tx: frames.py sends through AF_PACKET with PACKET_QDISC_BYPASS and
#       PACKET_VNET_HDR on each child of a dummy lower: the send results
#       and the counters of the child and the lower are compared.
#
# Unicast frames are received before the tap's write returns: the counters
# are final then. Broadcast copies go through a queue (each kind's, and
# vmux's port's): each class's broadcasts are followed by a marker, and the
# counters are read once c1 has received it. frames.py rxplan does a whole
# plan in one process.

# Its own namespaces and devices only:
# run_all.sh: beside others

source "$(dirname "$0")/lib.sh"

ALL_TESTS="frames_rx_macvlan frames_rx_ipvlan frames_tx"

FRAMES=$top/selftests/frames.py
T0_MAC=02:00:00:00:0e:00
M1_MAC=02:00:00:00:0e:01
N=10

# rx_setup IMPL KIND: $A holds the tap t0 ($T0_MAC, up) with a vlan v10
# and c1: a bridge macvlan $M1_MAC (KIND macvlan) or an l2 ipvlan
# 192.0.2.11 (KIND ipvlan, with t0's MAC); IMPL is vmux or kernel.
rx_setup()
{
	local impl=$1 kind=$2 add

	setup_ns A || return 1
	quiet_ns "$A"
	ip -n "$A" tuntap add dev t0 mode tap &&
		ip -n "$A" link set t0 address "$T0_MAC" up || return 1
	if [[ $impl == vmux ]]; then
		add=(vm "$A")
	else
		add=(ip -n "$A")
	fi
	"${add[@]}" link add link t0 name v10 type vlan id 10 || return 1
	if [[ $kind == macvlan ]]; then
		"${add[@]}" link add link t0 name c1 address "$M1_MAC" type macvlan mode bridge
	else
		"${add[@]}" link add link t0 name c1 type ipvlan mode l2 &&
			ip -n "$A" addr add 192.0.2.11/24 dev c1
	fi || return 1
	ip -n "$A" addr add 198.51.100.1/24 dev v10 &&
		ip -n "$A" link set v10 up && ip -n "$A" link set c1 up
}

# rx_send CLASS DST: $N frames of CLASS to DST into t0. A tap's frames
# are received before its write returns: the counters are final then.
rx_send()
{
	local out

	out=$(ip netns exec "$A" "$FRAMES" rx t0 "$1" "$N" --dst "$2" --ip 192.0.2.11) || return 1
	[[ $out == "sent $N" ]] || { echo "$1: $out"; return 1; }
}

# own-src: good frames from c1's own MAC, as a reflective relay (VEPA) or
# a looped cable returns them.
RX_CLASSES="good hdr-only vlan-runt tags100 prio-inner prio-only ip-short ip6-short arp-short own-src"

# The classes, each to the unicast addresses it could reach, then as
# broadcasts: "CLASS DST". Not to $M1_MAC with an ipvlan: ipvlan takes a
# unicast frame by its destination IP whatever its destination MAC, vmux
# only with the lower's MAC (the port serves macvlans too;
# Documentation/vmux.rst, vmux_ipvlan).
rx_plan()
{
	local kind=$1 dst cls dsts=("$T0_MAC")

	[[ $kind == macvlan ]] && dsts+=("$M1_MAC")
	for dst in "${dsts[@]}" ff:ff:ff:ff:ff:ff; do
		for cls in $RX_CLASSES; do
			echo "$cls $dst"
		done
	done
}

# rx_run IMPL KIND: one line per class: "CLASS DST -> counters".
rx_run()
{
	local impl=$1 kind=$2 own=$T0_MAC

	defer_scope_push
	rx_setup "$impl" "$kind" || { echo "setup failed"; defer_scope_pop; return 1; }
	[[ $kind == macvlan ]] && own=$M1_MAC
	rx_plan "$kind" | ip netns exec "$A" "$FRAMES" rxplan t0 "$N" --devs t0,v10,c1 \
		--ip 192.0.2.11 --own "$own" --mark-dev c1 || echo "frames.py rxplan failed"
	defer_scope_pop
}

# first_difference THEIRS OURS: the first line where they differ, both.
first_difference()
{
	paste -d'\n' <(echo "$1") <(echo "$2") |
		awk 'NR % 2 { k = $0; next } k != $0 { print "kernel: " k; print "vmux:   " $0; exit }'
}

__frames_rx()
{
	local kind=$1 ours theirs

	RET=0
	theirs=$(rx_run kernel "$kind")
	ours=$(rx_run vmux "$kind")
	[[ $ours == "$theirs" ]]
	check_err $? "counters differ, from:
	$(first_difference "$theirs" "$ours")"
	[[ $ours != *"failed"* && $ours != *"lost"* ]]
	check_err $? "$(grep -m1 -e failed -e lost <<<"$ours")"
	[[ $kind == ipvlan ]] && frames_foreign_mac
	log_test "rx: runts, 100 tags, priority tags, short L3, own MAC: $kind + 8021q, uni- and broadcast"
}

# frames_foreign_mac: a frame to i1's IP but another host's MAC reaches no
# vmux_ipvlan (ipvlan would take it).
frames_foreign_mac()
{
	local r0 r1

	defer_scope_push
	rx_setup vmux ipvlan
	r0=$(link_stats_get "$A" c1 rx packets)
	rx_send good "$M1_MAC" && rx_send good "$T0_MAC"
	r1=$(link_stats_get "$A" c1 rx packets)
	((r1 - r0 == N))
	check_err $? "c1 received $((r1 - r0)) frames, expected $N: only those to the lower's MAC"
	defer_scope_pop
}

frames_rx_macvlan()
{
	__frames_rx macvlan
}

frames_rx_ipvlan()
{
	__frames_rx ipvlan
}

# tx_run IMPL: on a dummy d0, v10 (vlan 10), m1 (bridge macvlan) and, on
# d1, i1 (l2 ipvlan): each class out of each child; one line per send.
tx_run()
{
	local impl=$1 cls dev
	local -a add

	defer_scope_push
	setup_ns A
	quiet_ns "$A"
	if [[ $impl == vmux ]]; then
		add=(vm "$A")
	else
		add=(ip -n "$A")
	fi
	if ! ip -n "$A" link add d0 type dummy || ! ip -n "$A" link add d1 type dummy ||
		! "${add[@]}" link add link d0 name v10 type vlan id 10 ||
		! "${add[@]}" link add link d0 name m1 address "$M1_MAC" type macvlan mode bridge ||
		! "${add[@]}" link add link d1 name i1 type ipvlan mode l2 ||
		! ip -n "$A" -batch - <<-EOF; then
			link set d0 up
			link set d1 up
			link set v10 up
			link set m1 up
			link set i1 up
		EOF
		echo "setup failed"
		defer_scope_pop
		return 1
	fi
	for cls in good short hdr-only vlan-runt gso gso-lie; do
		for dev in v10 m1 i1; do
			echo "$cls $dev"
		done
	done | ip netns exec "$A" "$FRAMES" txplan "$N" --devs d0,d1,v10,m1,i1 \
		--dst "$T0_MAC" --src "$M1_MAC" 2>&1 || echo "frames.py txplan failed"
	defer_scope_pop
}

frames_tx()
{
	local ours theirs

	RET=0
	theirs=$(tx_run kernel)
	ours=$(tx_run vmux)
	[[ $ours == "$theirs" ]]
	check_err $? "results differ, from:
	$(first_difference "$theirs" "$ours")"
	[[ $ours != *"failed"* && $ours == *"gso m1: sent $N"* ]]
	check_err $? "$(grep -m1 -e failed -e 'gso m1' <<<"$ours")"
	log_test "tx: AF_PACKET qdisc bypass + vnet_hdr, runts and GSO, as the kernel"
}

require_root
require_vmux
require_command python3
require_module 8021q macvlan ipvlan tun
tests_run
exit "$(exit_status)"
