#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The headline: one NIC carries a vmux_vlan, vmux_macvlans and vmux_ipvlans
# at once, next to its own IP, and every frame reaches exactly one of them.
#
#  ns $V           ns $M1        ns $M2        ns $I1        ns $I2
#  v10             m1            m2            i1            i2
#  vmux_vlan 10    vmux_macvlan  vmux_macvlan  vmux_ipvlan   vmux_ipvlan
#  198.51.100.1    bridge        bridge        l2 bridge     l2 bridge
#                  192.0.2.21    192.0.2.22    192.0.2.31    192.0.2.32
#     |            own MAC       own MAC       $NA's MAC     $NA's MAC
#  +--|--------------|-------------|-------------|-------------|-----+
#  |  '--------------+-------------+------+------+-------------'     |
#  | ns $A              $NA (e1000) 192.0.2.1: the lower's own stack |
#  +--------------------------------------|--------------------------+
#                          QEMU hub (the wire)
#  +--------------------------------------|--------------------------+
#  | ns $B (the peer)   $NB (virtio-net) 192.0.2.2                   |
#  |                    p10 (8021q id 10) 198.51.100.2 (203.0.113.2) |
#  +-----------------------------------------------------------------+
#
# Every neighbour entry is static and IPv6 is off, so that the only frames
# on the wire are the ones a test sends: the counters move by exact amounts.
# The in-kernel macvlan and ipvlan each need the lower's rx_handler for
# themselves; vmux shares one port per lower between its three kinds.

# Its own namespaces and devices and its pair of NICs (VMUX_NIC_PAIR):
# run_all.sh: beside others

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	three_on_one_port three_demux_one_at_a_time three_demux_all_at_once
	three_kernel_exclusive three_vlan_macvlan_traffic three_macvlan_on_vlan
"

TARGETS="lower v10 m1 m2 i1 i2"

# neigh NS DEV IP MAC: a permanent neighbour entry.
neigh()
{
	ip -n "$1" neigh replace "$3" lladdr "$4" dev "$2" nud permanent
}

# addr_up NS DEV ADDR/LEN...: addresses, then up.
addr_up()
{
	local ns=$1 dev=$2 a; shift 2

	for a in "$@"; do
		ip -n "$ns" addr add "$a" dev "$dev" || return 1
	done
	ip -n "$ns" link set "$dev" up
}

# $A holds the e1000 $NA, $B the virtio-net $NB and its vlan p10.
three_hosts_setup()
{
	hosts_setup -i quiet_ns || return 1
	MAC_A=$(mac_of "$A" "$NA")
	MAC_B=$(mac_of "$B" "$NB")
	addr_up "$A" "$NA" 192.0.2.1/24 &&
	addr_up "$B" "$NB" 192.0.2.2/24 || return 1
	peer_vlan 10 2 || return 1
	neigh "$A" "$NA" 192.0.2.2 "$MAC_B" && neigh "$B" "$NB" 192.0.2.1 "$MAC_A" &&
	nic_wait_carrier "$A" "$NA" && nic_wait_carrier "$B" "$NB"
}

# child_add NS DEV IP/LEN PEER_DEV vmux-link-add-args...: a vmux device on
# $NA, created in ns $A, moved to NS, addressed, with static neighbours both
# ways (the peer reaches it through PEER_DEV).
child_add()
{
	local ns=$1 dev=$2 ip=$3 pdev=$4 mac; shift 4

	vm "$A" link add link "$NA" name "$dev" "$@" || return 1
	quiet_ns "$ns"
	ip -n "$A" link set "$dev" netns "$ns" || return 1
	addr_up "$ns" "$dev" "$ip" || return 1
	mac=$(mac_of "$ns" "$dev")
	neigh "$ns" "$dev" "${PEER_IP[$pdev]}" "$MAC_B" &&
	neigh "$B" "$pdev" "${ip%/*}" "$mac"
}

declare -A PEER_IP=([p10]=198.51.100.2)
declare -A T_NS T_DEV T_IP

# Every kind on $NA at once; the lower keeps 192.0.2.1.
three_setup()
{
	three_hosts_setup || return 1
	PEER_IP[$NB]=192.0.2.2
	setup_ns V M1 M2 I1 I2 || return 1
	child_add "$V" v10 198.51.100.1/24 p10 type vlan id 10 &&
	child_add "$M1" m1 192.0.2.21/24 "$NB" type macvlan mode bridge &&
	child_add "$M2" m2 192.0.2.22/24 "$NB" type macvlan mode bridge &&
	child_add "$I1" i1 192.0.2.31/24 "$NB" type ipvlan mode l2 bridge &&
	child_add "$I2" i2 192.0.2.32/24 "$NB" type ipvlan mode l2 bridge || return 1
	T_NS=([lower]=$A [v10]=$V [m1]=$M1 [m2]=$M2 [i1]=$I1 [i2]=$I2)
	T_DEV=([lower]=$NA [v10]=v10 [m1]=m1 [m2]=m2 [i1]=i1 [i2]=i2)
	T_IP=([lower]=192.0.2.1 [v10]=198.51.100.1 [m1]=192.0.2.21 [m2]=192.0.2.22
	      [i1]=192.0.2.31 [i2]=192.0.2.32)
	# What reaches the lower's own IP stack (its rx counter counts all).
	ip netns exec "$A" nft -f - <<-EOF
		table ip t {
			counter lower_in { }
			chain pre {
				type filter hook prerouting priority 0;
				iifname "$NA" counter name lower_in
			}
		}
	EOF
}

# rx_of TARGET: packets TARGET received: a child's rx counter, or what the
# lower's IP stack saw.
rx_of()
{
	local t=$1

	if [[ $t == lower ]]; then
		ip netns exec "$A" nft -j list counter ip t lower_in |
			jq -e '.nftables[] | select(.counter) | .counter.packets'
	else
		link_stats_get "${T_NS[$t]}" "${T_DEV[$t]}" rx packets
	fi
}

# rx_all: "TARGET N" for every target.
rx_all()
{
	local t

	for t in $TARGETS; do
		echo "$t $(rx_of "$t")"
	done
}

# rx_delta BEFORE AFTER: "TARGET DELTA" lines.
rx_delta()
{
	paste -d' ' <(echo "$1") <(echo "$2") | awk '{ print $1, $4 - $2 }'
}

# port_drops: the sum of the port's drop counters (seen from m1).
port_drops()
{
	vm "$M1" -s -j link show dev m1 | jq -e '[.[0].vmux_drops.port[]] | add'
}

# ping_exact NS DST N: exactly N requests sent, N replies.
ping_exact()
{
	local ns=$1 dst=$2 n=$3 out

	out=$(ip netns exec "$ns" ping -q -c "$n" -i 0.2 -W 2 "$dst" 2>&1)
	[[ $out == *"$n packets transmitted, $n received,"* ]] || {
		echo "$ns -> $dst: $out" >&2
		return 1
	}
}

three_on_one_port()
{
	local out kinds

	RET=0
	three_hosts_setup
	check_err $? "setup"
	vm "$A" link add link "$NA" name v10 type vlan id 10 &&
	vm "$A" link add link "$NA" name m1 type macvlan mode bridge &&
	vm "$A" link add link "$NA" name m2 type macvlan mode bridge &&
	vm "$A" link add link "$NA" name i1 type ipvlan mode l2 bridge &&
	vm "$A" link add link "$NA" name i2 type ipvlan mode l2 bridge
	check_err $? "the three kinds on one lower"
	out=$(vm "$A" -j port show dev "$NA")
	kinds=$(jq -c '[.[0].devices[].kind | ltrimstr("vmux_")] | sort' <<<"$out")
	[[ $kinds == '["ipvlan","ipvlan","macvlan","macvlan","vlan"]' ]]
	check_err $? "port show: $kinds in $out"
	[[ $(mac_of "$A" i1) == "$MAC_A" && $(mac_of "$A" v10) == "$MAC_A" ]]
	check_err $? "the vlan and the ipvlans do not share the lower's MAC"
	[[ $(mac_of "$A" m1) != "$MAC_A" && $(mac_of "$A" m1) != "$(mac_of "$A" m2)" ]]
	check_err $? "the macvlans have no MAC of their own"
	log_test "vlan, macvlan and ipvlan on one lower, one port"
}

# N pings to one target at a time: that target's counter moves by N, no
# other's moves at all.
three_demux_one_at_a_time()
{
	local t n=4 r0 r1 d0 want got

	RET=0
	three_setup
	check_err $? "setup"
	d0=$(port_drops)
	for t in $TARGETS; do
		r0=$(rx_all)
		ping_exact "$B" "${T_IP[$t]}" "$n"
		check_err $? "$n pings from the peer to $t"
		r1=$(rx_all)
		got=$(rx_delta "$r0" "$r1" | tr '\n' ' ')
		want=$(for x in $TARGETS; do
			[[ $x == "$t" ]] && echo "$x $n" || echo "$x 0"
		done | tr '\n' ' ')
		[[ $got == "$want" ]]
		check_err $? "to $t: rx moved by $got, expected $want"
	done
	((d0 == $(port_drops)))
	check_err $? "the port dropped frames: $d0 -> $(port_drops)"
	log_test "each frame reaches exactly its target (one at a time)"
}

# Everybody at once, both ways: the peer pings target t P[t] times and t
# pings the peer K[t] times, all in parallel; t receives exactly P + K.
three_demux_all_at_once()
{
	local t r0 r1 want got pid ok=0
	local -A P=([lower]=2 [v10]=3 [m1]=4 [m2]=5 [i1]=6 [i2]=7)
	local -A K=([lower]=7 [v10]=6 [m1]=5 [m2]=4 [i1]=3 [i2]=2)
	local -a pids=()

	RET=0
	three_setup
	check_err $? "setup"
	r0=$(rx_all)
	for t in $TARGETS; do
		ping_exact "$B" "${T_IP[$t]}" "${P[$t]}" &
		pids+=($!)
		if [[ $t == v10 ]]; then
			ping_exact "$V" 198.51.100.2 "${K[$t]}" &
		else
			ping_exact "${T_NS[$t]}" 192.0.2.2 "${K[$t]}" &
		fi
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		wait "$pid" && ok=$((ok + 1))
	done
	((ok == ${#pids[@]}))
	check_err $? "$((${#pids[@]} - ok)) of ${#pids[@]} parallel pings failed"
	r1=$(rx_all)
	got=$(rx_delta "$r0" "$r1" | tr '\n' ' ')
	want=$(for t in $TARGETS; do echo "$t $((P[$t] + K[$t]))"; done | tr '\n' ' ')
	[[ $got == "$want" ]]
	check_err $? "rx moved by $got, expected $want"
	log_test "each frame reaches exactly its target (all at once, both ways)"
}

# kernel_busy WHAT ARGS...: "ip link add ARGS" in $A fails with EBUSY, as
# ip reports it (exit status 2).
kernel_busy()
{
	local what=$1 out rc; shift

	out=$(ip -n "$A" link add "$@" 2>&1)
	rc=$?
	((rc == 2)) && [[ $out == "RTNETLINK answers: Device or resource busy" ]]
	check_err $? "$what: exit status $rc, $out"
}

# The in-kernel macvlan and ipvlan both want the lower's rx_handler.
three_kernel_exclusive()
{
	local out rc

	RET=0
	require_module macvlan ipvlan
	setup_ns A
	ip -n "$A" link add d0 type dummy && ip -n "$A" link add d1 type dummy &&
	ip -n "$A" link add d2 type dummy
	check_err $? "dummies"

	ip -n "$A" link add link d0 name km type macvlan mode bridge
	check_err $? "in-kernel macvlan"
	kernel_busy "ipvlan next to an in-kernel macvlan" link d0 name ki0 type ipvlan mode l2
	ip -n "$A" link add link d1 name ki type ipvlan mode l2
	check_err $? "in-kernel ipvlan"
	kernel_busy "macvlan next to an in-kernel ipvlan" link d1 name km1 type macvlan mode bridge
	out=$(vm "$A" link add link d0 name x type ipvlan 2>&1)
	rc=$?
	((rc == 2)) && [[ $out == *"Lower device is already in use by another driver"* ]]
	check_err $? "vmux_ipvlan on an in-kernel macvlan's lower: exit status $rc, $out"

	# vmux: the three kinds share d2 ...
	vm "$A" link add link d2 name v10 type vlan id 10 &&
	vm "$A" link add link d2 name m1 type macvlan mode bridge &&
	vm "$A" link add link d2 name i1 type ipvlan mode l2
	check_err $? "the vmux kinds do not share a lower"
	# ... and keep the in-kernel ones out.
	out=$(ip -n "$A" link add link d2 name km2 type macvlan 2>&1)
	check_fail $? "in-kernel macvlan on a vmux lower"
	[[ $out == "RTNETLINK answers: Device or resource busy" ]]
	check_err $? "in-kernel macvlan on a vmux lower: $out"
	out=$(ip -n "$A" link add link d2 name ki2 type ipvlan 2>&1)
	check_fail $? "in-kernel ipvlan on a vmux lower"
	[[ $out == "RTNETLINK answers: Device or resource busy" ]]
	check_err $? "in-kernel ipvlan on a vmux lower: $out"
	for out in ki0 km1 km2 ki2 x; do
		link_exists "$A" "$out"
		check_fail $? "refused device $out exists"
	done
	log_test "in-kernel macvlan and ipvlan exclude each other; vmux kinds share"
}

# A vlan and a macvlan on the lower under parallel traffic both ways.
three_vlan_macvlan_traffic()
{
	local r0 r1 n=60 pids=() pid ok=0

	RET=0
	three_hosts_setup
	check_err $? "setup"
	PEER_IP[$NB]=192.0.2.2
	setup_ns V M1
	child_add "$V" v10 198.51.100.1/24 p10 type vlan id 10 &&
	child_add "$M1" m1 192.0.2.21/24 "$NB" type macvlan mode bridge
	check_err $? "vlan and macvlan"
	T_NS=([v10]=$V [m1]=$M1)
	T_DEV=([v10]=v10 [m1]=m1)
	r0="$(link_stats_get "$V" v10 rx packets) $(link_stats_get "$M1" m1 rx packets)"
	for pid in "$B 198.51.100.1" "$B 192.0.2.21" "$V 198.51.100.2" "$M1 192.0.2.2"; do
		# shellcheck disable=SC2086
		ip netns exec ${pid% *} ping -q -c "$n" -i 0.02 -W 2 "${pid#* }" >"$TCPDIR/${pid// /_}" 2>&1 &
		pids+=($!)
	done
	for pid in "${pids[@]}"; do
		wait "$pid" && ok=$((ok + 1))
	done
	((ok == 4)) && ! grep -L "$n packets transmitted, $n received," "$TCPDIR"/* | grep -q .
	check_err $? "lost pings: $(cat "$TCPDIR"/* | grep transmitted | tr '\n' ' ')"
	r1="$(link_stats_get "$V" v10 rx packets) $(link_stats_get "$M1" m1 rx packets)"
	[[ $r1 == "$((${r0% *} + 2 * n)) $((${r0#* } + 2 * n))" ]]
	check_err $? "rx v10 m1: $r0 -> $r1, expected +$((2 * n)) each"
	log_test "vmux_vlan and vmux_macvlan on one lower under parallel traffic"
}

three_macvlan_on_vlan()
{
	local MV mac rx0 rx1 v0 v1

	RET=0
	three_hosts_setup
	check_err $? "setup"
	setup_ns MV
	quiet_ns "$MV"
	ip -n "$B" addr add 203.0.113.2/24 dev p10
	vm "$A" link add link "$NA" name v10 type vlan id 10
	ip -n "$A" link set v10 up
	vm "$A" link add link v10 name mv type macvlan mode bridge
	check_err $? "a vmux_macvlan on a vmux_vlan"
	ip -n "$A" link set mv netns "$MV"
	addr_up "$MV" mv 203.0.113.1/24
	mac=$(mac_of "$MV" mv)
	[[ $mac != "$MAC_A" ]]
	check_err $? "the macvlan has the lower's MAC"
	neigh "$MV" mv 203.0.113.2 "$MAC_B" && neigh "$B" p10 203.0.113.1 "$mac"

	tcpdump_start "$B" "$NB" vlan
	rx0=$(link_stats_get "$MV" mv rx packets)
	v0=$(link_stats_get "$A" v10 rx packets)
	ping_exact "$B" 203.0.113.1 4
	check_err $? "peer -> macvlan on vlan 10"
	ping_exact "$MV" 203.0.113.2 4
	check_err $? "macvlan on vlan 10 -> peer"
	tcpdump_wait "$mac > $MAC_B, ethertype 802.1Q \(0x8100\), .*vlan 10,.*203.0.113.1 > 203.0.113.2: ICMP echo request" 4
	check_err $? "the macvlan's requests are not on the wire with its MAC in vlan 10: $(tcpdump_show | head -3)"
	tcpdump_stop
	rx1=$(link_stats_get "$MV" mv rx packets)
	((rx1 - rx0 == 8))
	check_err $? "mv rx moved by $((rx1 - rx0)), expected 8"
	v1=$(link_stats_get "$A" v10 rx packets)
	((v1 - v0 == 8))
	check_err $? "v10 rx moved by $((v1 - v0)), expected 8 (its macvlan's)"
	log_test "vmux_macvlan on a vmux_vlan, end to end"
}

require_root
require_vmux
require_module dummy nf_tables 8021q
TCPDIR=$(mktemp -d /tmp/vmux-three.XXXXXX)
defer rm -rf "$TCPDIR"
tests_run
exit "$(exit_status)"
