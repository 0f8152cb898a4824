#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmux_ipvlan against the in-kernel ipvlan, across a real (emulated) wire.
#
#   ns $C                    ns $D
#  +--------------------+   +--------------------+
#  | i1 192.0.2.11      |   | i2 192.0.2.12      |
#  |    2001:db8::11    |   |    2001:db8::12    |
#  +--|-----------------+   +--|-----------------+
#     |  vmux_ipvlan (or ipvlan) on $NA, with $NA's MAC
#  +--|------------------------|--+           +-------------------------------+
#  | $NA (e1000)  192.0.2.1       |           | $NB (virtio-net) 192.0.2.2    |
#  |              2001:db8::1     |           |                  2001:db8::2  |
#  | ns $A: the lower's own stack |           | ns $B: the peer; neighbours   |
#  |                              |           | .11 .12 ::11 ::12 -> $NA's MAC|
#  +--|---------------------------+           +--|----------------------------+
#     '--------------- QEMU hub (the wire) ------'
#
# The hub never sends a frame back to its sender: there is no VEPA hairpin.
# The peer reaches the ipvlans through static neighbour entries so that the
# l3 modes (no ARP on the ipvlans) are reachable from outside, the same way
# for both implementations. ipvlan_matrix runs the same scenario with vmux
# and with the in-kernel driver and compares the results; the other tests
# pin down single behaviours (features.md 1.3, 4.6-4.8, 5.4), some on a
# dummy lower (no traffic) or a veth lower whose peer end is in $B.

# Its own namespaces and devices and its pair of NICs (VMUX_NIC_PAIR);
# its rmmod test needs the machine alone:
# run_all.sh: beside others
# run_all.sh: alone: ipvlan_rmmod

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	ipvlan_dup_addr ipvlan_down_not_hashed ipvlan_mode_per_lower
	ipvlan_mode_kept ipvlan_lower_mtu ipvlan_lower_mac ipvlan_lower_deleted
	ipvlan_netns_move ipvlan_mac_dev_id ipvlan_bad_input
	ipvlan_l3_mcast_dropped ipvlan_l3s_netfilter ipvlan_lower_netns_move
	ipvlan_rmmod ipvlan_l3_to_lower_addr ipvlan_matrix
"

MODES="l2 l3 l3s"
FLAGS="bridge private vepa"

have_kernel_ipvlan()
{
	modprobe -q ipvlan
}

# nodad_ns NS...: no DAD delays; the ipvlans keep their link-locals (the
# lower needs one to resolve neighbours for l3 ipvlans' routed packets).
nodad_ns()
{
	ns_sysctl "net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0" "$@"
}

# Four hosts: $A holds the e1000 $NA, $B the virtio-net $NB, addressed;
# $C, $D empty.
ipv_hosts_setup()
{
	hosts_setup -i nodad_ns C D || return 1
	MAC_A=$(mac_of "$A" "$NA")
	addr_add "$A" "$NA" 192.0.2.1 2001:db8::1 &&
	addr_add "$B" "$NB" 192.0.2.2 2001:db8::2 || return 1
	nic_wait_carrier "$A" "$NA" && nic_wait_carrier "$B" "$NB"
}

# addr_add NS DEV V4 V6: /24 with its broadcast, /64 without DAD, up.
addr_add()
{
	local ns=$1 dev=$2 v4=$3 v6=$4

	ip -n "$ns" -batch - <<-EOF
		addr add $v4/24 brd + dev $dev
		addr add $v6/64 dev $dev nodad
		link set $dev up
	EOF
}

# peer_neigh IP...: the peer sends to IP with $NA's MAC, statically.
peer_neigh()
{
	local ip

	for ip in "$@"; do
		ip -n "$B" neigh replace "$ip" lladdr "$MAC_A" dev "$NB" nud permanent ||
			return 1
	done
}

# ipv_add IMPL NS LOWER NAME DEST_NS [mtu N] [address MAC] [ARGS...]: an
# ipvlan NAME on LOWER (in NS), created in DEST_NS, by vmux or by the
# in-kernel driver; ARGS are the ipvlan's (mode, flags).
ipv_add()
{
	local impl=$1 ns=$2 lower=$3 name=$4 dest=$5; shift 5
	local -a gen=()

	[[ $dest != "$ns" ]] && gen=(netns "$dest")
	while [[ ${1:-} == mtu || ${1:-} == address ]]; do
		gen+=("$1" "$2")
		shift 2
	done
	if [[ $impl == vmux ]]; then
		vm "$ns" link add link "$lower" name "$name" "${gen[@]}" type ipvlan "$@"
	else
		ip -n "$ns" link add link "$lower" name "$name" "${gen[@]}" type ipvlan "$@"
	fi
}

ipv_set()
{
	local impl=$1 ns=$2 name=$3; shift 3

	if [[ $impl == vmux ]]; then
		vm "$ns" link set "$name" type ipvlan "$@"
	else
		ip -n "$ns" link set "$name" type ipvlan "$@"
	fi
}

# ipv_info IMPL NS DEV: info_data, as the tool of IMPL prints it.
ipv_info()
{
	local impl=$1 ns=$2 dev=$3

	if [[ $impl == vmux ]]; then
		vm "$ns" -j -d link show dev "$dev"
	else
		ip -n "$ns" -j -d link show dev "$dev"
	fi | jq -c '.[0].linkinfo.info_data'
}

ipv_mode()
{
	ipv_info "$@" | jq -r .mode
}

# nft_counter NS FAMILY TABLE NAME: packets of a named counter.
nft_counter()
{
	ip netns exec "$1" nft -j list counter "$2" "$3" "$4" |
		jq -e '.nftables[] | select(.counter) | .counter.packets'
}

# nft_to_i1 NS HOOK: counter to_i1 (table ip t) of the echo requests for
# i1's 192.0.2.11 that reach HOOK in NS.
nft_to_i1()
{
	ip netns exec "$1" nft -f - <<-EOF
		table ip t {
			counter to_i1 { }
			chain $2 {
				type filter hook $2 priority 0;
				ip daddr 192.0.2.11 icmp type echo-request counter name to_i1
			}
		}
	EOF
}

# ---- the reachability matrix -----------------------------------------------

# The nodes for selftests/reach.py: NAME=NETNS,DEV,IPV4,IPV6.
matrix_nodes()
{
	nodes=(
		"i1=$C,i1,192.0.2.11,2001:db8::11"
		"i2=$D,i2,192.0.2.12,2001:db8::12"
		"lower=$A,$NA,192.0.2.1,2001:db8::1"
		"peer=$B,$NB,192.0.2.2,2001:db8::2"
	)
}

# matrix_one IMPL MODE FLAG: i1 and i2 in MODE FLAG, every ordered pair
# pinged over IPv4 and IPv6 and every node sending 3 broadcasts, all at once
# (reach.py; a pair that cannot reach costs the 2 s deadline once). Prints one
# line per pair: "MODE FLAG v4 i1>i2 ok|--" and "MODE FLAG bc i1>i2 N", the
# broadcast echo requests from i1 that reached i2's IP layer. Broadcast
# copies travel through a work queue; what arrived by the deadline is the
# result.
matrix_one()
{
	local impl=$1 mode=$2 flag=$3 out="" row

	ipv_add "$impl" "$A" "$NA" i1 "$C" mode "$mode" "$flag" &&
	ipv_add "$impl" "$A" "$NA" i2 "$D" mode "$mode" "$flag" &&
	addr_add "$C" i1 192.0.2.11 2001:db8::11 &&
	addr_add "$D" i2 192.0.2.12 2001:db8::12 &&
	ip -n "$A" neigh flush dev "$NA" &&
	ip -n "$B" neigh flush dev "$NB" &&
	out=$(python3 "$top/selftests/reach.py" --deadline 2 --bcast 3 \
		${VMUX_VERBOSE:+--verbose} "${nodes[@]}")
	ip -n "$C" link del i1 2>/dev/null
	ip -n "$D" link del i2 2>/dev/null
	[[ -n $out ]] || return 1
	while read -r row; do echo "$mode $flag $row"; done <<<"$out"
}

matrix_run()
{
	local impl=$1 mode flag

	for mode in $MODES; do
		for flag in $FLAGS; do
			matrix_one "$impl" "$mode" "$flag" ||
				echo "$mode $flag SETUP FAILED"
		done
	done
}

ipvlan_matrix()
{
	local mx mk="" mode flag row
	local -a nodes

	RET=0
	ipv_hosts_setup
	check_err $? "setup"
	matrix_nodes
	peer_neigh 192.0.2.11 192.0.2.12 2001:db8::11 2001:db8::12
	check_err $? "peer neighbours"

	mx=$(matrix_run vmux)
	if have_kernel_ipvlan; then
		mk=$(matrix_run kernel)
		[[ $mx == "$mk" ]]
		check_err $? "vmux_ipvlan and ipvlan differ (< vmux, > ipvlan):"$'\n'"$(diff <(echo "$mx") <(echo "$mk"))"
	else
		log_info "no in-kernel ipvlan module: vmux_ipvlan checked on its own"
	fi
	[[ $mx != *FAILED* ]]
	check_err $? "setup failed: $(grep FAILED <<<"$mx")"

	# What ipvlan is for, whatever the comparison says.
	for mode in $MODES; do
		grep -qx "$mode bridge v4 i1>i2 ok" <<<"$mx" &&
		grep -qx "$mode bridge v6 i2>i1 ok" <<<"$mx"
		check_err $? "$mode bridge: i1 and i2 cannot talk"
		grep -qx "$mode private v4 i1>i2 --" <<<"$mx" &&
		grep -qx "$mode private v6 i2>i1 --" <<<"$mx"
		check_err $? "$mode private: i1 and i2 talk"
		grep -qx "$mode vepa v4 i1>i2 --" <<<"$mx" &&
		grep -qx "$mode vepa v6 i2>i1 --" <<<"$mx"
		check_err $? "$mode vepa: i1 and i2 talk without a hairpin"
		for flag in $FLAGS; do
			grep -qx "$mode $flag v4 peer>i1 ok" <<<"$mx" &&
			grep -qx "$mode $flag v6 peer>i2 ok" <<<"$mx" &&
			grep -qx "$mode $flag v4 i1>peer ok" <<<"$mx"
			check_err $? "$mode $flag: the peer and the ipvlans cannot talk"
		done
	done
	grep -qx "l2 bridge bc peer>i1 3" <<<"$mx" &&
	grep -qx "l2 private bc peer>i2 3" <<<"$mx" &&
	grep -qx "l2 bridge bc i1>i2 3" <<<"$mx" &&
	grep -qx "l2 bridge bc i1>lower 0" <<<"$mx" &&
	grep -qx "l3 bridge bc peer>i1 0" <<<"$mx" &&
	grep -qx "l3 bridge bc i1>peer 0" <<<"$mx"
	check_err $? "broadcast: not 3 copies to each l2 ipvlan, 0 in l3"
	if ((RET != 0)) || [[ -n ${VMUX_VERBOSE:-} ]]; then
		log_info "vmux_ipvlan matrix:"
		while read -r row; do printf '\t%s\n' "$row"; done <<<"$mx"
		if [[ -n $mk && $mk != "$mx" ]]; then
			log_info "ipvlan matrix:"
			while read -r row; do printf '\t%s\n' "$row"; done <<<"$mk"
		fi
	fi
	log_test "mode x flag reachability + broadcast matrix equals ipvlan's"
}

# ---- address tracking -------------------------------------------------------

ipvlan_dup_addr()
{
	local out rc

	RET=0
	ipv_hosts_setup
	check_err $? "setup"
	ipv_add vmux "$A" "$NA" i1 "$C" mode l2 &&
	ipv_add vmux "$A" "$NA" i2 "$D" mode l2
	check_err $? "create"
	addr_add "$C" i1 192.0.2.11 2001:db8::11
	check_err $? "addresses on i1"
	ip -n "$D" link set i2 up

	out=$(ip -n "$D" addr add 192.0.2.11/24 dev i2 2>&1)
	rc=$?
	((rc == 2))
	check_err $? "IPv4 duplicate: exit status $rc, expected 2"
	[[ $out == "Error: Address already assigned to an ipvlan device." ]]
	check_err $? "IPv4 duplicate: wrong message: $out"
	out=$(ip -n "$D" addr add 2001:db8::11/64 dev i2 nodad 2>&1)
	rc=$?
	((rc == 2))
	check_err $? "IPv6 duplicate: exit status $rc, expected 2"
	[[ $out == "Error: Address already assigned to an ipvlan device." ]]
	check_err $? "IPv6 duplicate: wrong message: $out"
	[[ -z $(ip -n "$D" -j addr show dev i2 | jq -r '.[0].addr_info[] | select(.scope == "global") | .local') ]]
	check_err $? "a refused address is on i2: $(ip -n "$D" addr show dev i2)"

	# The lower's own addresses are not the port's: no conflict.
	ip -n "$D" addr add 192.0.2.1/32 dev i2
	check_err $? "the lower's address refused on an ipvlan"
	ip -n "$D" addr del 192.0.2.1/32 dev i2
	# Freed with its owner: the address can move.
	ip -n "$C" addr del 192.0.2.11/24 dev i1 &&
	ip -n "$D" addr add 192.0.2.11/24 dev i2
	check_err $? "an address freed on i1 refused on i2"
	log_test "duplicate address across netns refused, v4 and v6"
}

ipvlan_down_not_hashed()
{
	local rx0 rx1 n0 n1

	RET=0
	ipv_hosts_setup
	check_err $? "setup"
	peer_neigh 192.0.2.11
	ipv_add vmux "$A" "$NA" i1 "$C" mode l2
	check_err $? "create"
	ip -n "$C" addr add 192.0.2.11/24 dev i1
	check_err $? "address on the DOWN ipvlan"
	# What the lower's stack gets for i1's address.
	nft_to_i1 "$A" prerouting
	check_err $? "nft"

	ip netns exec "$B" ping -q -c 3 -i 0.2 -W 1 192.0.2.11 &>/dev/null
	check_fail $? "a DOWN ipvlan answered"
	n0=$(busywait "$WAIT_TIMEOUT" until_counter_is "== 3" nft_counter "$A" ip t to_i1)
	((n0 == 3))
	check_err $? "the lower's stack got $n0 of the 3 requests for the DOWN i1, expected all"
	rx0=$(link_stats_get "$C" i1 rx packets)
	((rx0 == 0))
	check_err $? "the DOWN i1 counted $rx0 received packets"

	ip -n "$C" link set i1 up
	ping_do "$B" 192.0.2.11
	check_err $? "no reply after up"
	n1=$(nft_counter "$A" ip t to_i1)
	((n1 == n0))
	check_err $? "after up, the lower's stack still got $((n1 - n0)) requests for i1"
	rx1=$(link_stats_get "$C" i1 rx packets)
	((rx1 >= 3))
	check_err $? "i1 received $rx1 packets after up, expected >= 3"

	ip -n "$C" link set i1 down
	ip netns exec "$B" ping -q -c 2 -i 0.2 -W 1 192.0.2.11 &>/dev/null
	check_fail $? "an ipvlan set DOWN again still answered"
	busywait "$WAIT_TIMEOUT" until_counter_is "== $((n1 + 2))" nft_counter "$A" ip t to_i1 >/dev/null
	check_err $? "down again: the requests did not go to the lower's stack"
	log_test "an address of a DOWN ipvlan is not in the demux table"
}

# ---- l3s: the lower's netns sees the traffic -------------------------------

__l3s_netfilter()
{
	local impl=$1 new est ct rx0 rx1 rx2 n

	RET=0
	ipv_hosts_setup
	check_err $? "setup"
	require_module nf_tables nft_ct nf_conntrack
	peer_neigh 192.0.2.11 2001:db8::11
	ipv_add "$impl" "$A" "$NA" i1 "$C" mode l3s
	check_err $? "create in l3s"
	addr_add "$C" i1 192.0.2.11 2001:db8::11
	ip netns exec "$A" nft -f - <<-EOF
		table inet t {
			counter new4 { }
			counter est4 { }
			counter in6 { }
			counter drop4 { }
			chain in {
				type filter hook input priority 0;
				ip daddr 192.0.2.11 icmp type echo-request ct state new counter name new4
				ip daddr 192.0.2.11 icmp type echo-request ct state established counter name est4
				ip6 daddr 2001:db8::11 icmpv6 type echo-request counter name in6
				ip daddr 192.0.2.11 udp dport 9 counter name drop4 drop
			}
		}
	EOF
	check_err $? "nft in the lower's netns"
	# Nothing of it in i1's own netns: l3s delivers from the lower's.
	ip netns exec "$C" nft -f - <<-EOF
		table inet t {
			counter in_c { }
			chain in {
				type filter hook input priority 0;
				icmp type echo-request counter name in_c
			}
		}
	EOF

	# Warm up: right after the set-up, the first request can miss the l3s
	# device once conntrack is on in $A (ipvlan as vmux): count after it.
	ping_do "$B" 192.0.2.11
	check_err $? "IPv4 ping to the l3s ipvlan"
	ping6_do "$B" 2001:db8::11
	check_err $? "IPv6 ping to the l3s ipvlan"
	new=$(nft_counter "$A" inet t new4)
	est=$(nft_counter "$A" inet t est4)
	n=$(nft_counter "$A" inet t in6)
	rx0=$(link_stats_get "$C" i1 rx packets)
	ip netns exec "$B" ping -q -c 3 -i 0.2 -W 2 192.0.2.11 >/dev/null
	check_err $? "IPv4 ping to the l3s ipvlan"
	rx1=$(link_stats_get "$C" i1 rx packets)
	ip netns exec "$B" ping -6 -q -c 3 -i 0.2 -W 2 2001:db8::11 >/dev/null
	check_err $? "IPv6 ping to the l3s ipvlan"
	rx2=$(link_stats_get "$C" i1 rx packets)
	# Every request goes through the lower's conntrack, and so do the
	# replies: the requests after the first are ESTABLISHED.
	new=$(($(nft_counter "$A" inet t new4) - new))
	est=$(($(nft_counter "$A" inet t est4) - est))
	((new == 1 && est == 2))
	check_err $? "conntrack in the lower's netns: $new new, $est established, expected 1 and 2"
	n=$(($(nft_counter "$A" inet t in6) - n))
	((n == 3))
	check_err $? "IPv6: the lower's input hook counted $n requests, expected 3"
	ct=$(ip netns exec "$A" cat /proc/net/nf_conntrack)
	[[ $ct == *"src=192.0.2.2 dst=192.0.2.11 "*"src=192.0.2.11 dst=192.0.2.2 "* ]]
	check_err $? "no conntrack entry in the lower's netns: $ct"
	n=$(nft_counter "$C" inet t in_c)
	((n == 0))
	check_err $? "i1's own netns input hook counted $n requests"
	((rx1 - rx0 == 3 && rx2 - rx1 == 3))
	check_err $? "i1 rx moved by $((rx1 - rx0)) (IPv4) and $((rx2 - rx1)) (IPv6), expected 3 and 3"

	# The lower's policy applies to the ipvlan's traffic.
	rx0=$(link_stats_get "$C" i1 rx packets)
	ip netns exec "$B" bash -c 'for i in 1 2 3; do echo x >/dev/udp/192.0.2.11/9; done'
	busywait "$WAIT_TIMEOUT" until_counter_is "== 3" nft_counter "$A" inet t drop4 >/dev/null
	check_err $? "the drop rule in the lower's netns did not see 3 datagrams"
	rx1=$(link_stats_get "$C" i1 rx packets)
	((rx1 == rx0))
	check_err $? "i1 counted $((rx1 - rx0)) datagrams the lower's netns dropped"
	log_test "l3s: conntrack and nftables of the lower's netns see it ($impl)"
}

ipvlan_l3s_netfilter()
{
	__l3s_netfilter vmux
	if have_kernel_ipvlan; then
		defer_scope_pop
		defer_scope_push
		__l3s_netfilter kernel
	fi
}

# udp_send NS DEV COUNT DST...: COUNT datagrams to port 9 of each DST, bound
# to DEV; one transmit attempt each (ping retries what the device drops).
udp_send()
{
	local ns=$1 dev=$2 count=$3; shift 3

	ip netns exec "$ns" python3 - "$dev" "$count" "$@" <<-'EOF'
		import socket, sys
		dev, count = sys.argv[1], int(sys.argv[2])
		for dst in sys.argv[3:]:
		    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
		    s = socket.socket(fam, socket.SOCK_DGRAM)
		    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, dev.encode())
		    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
		    addr = (dst, 9)
		    if fam == socket.AF_INET6:
		        addr = (dst, 9, 0, socket.if_nametoindex(dev))
		    for _ in range(count):
		        try:
		            s.sendto(b"vmux", addr)
		        except OSError:
		            pass
	EOF
}

__l3_mcast()
{
	local impl=$1 tx0 tx1 d0 d1 n

	RET=0
	ipv_hosts_setup
	check_err $? "setup"
	peer_neigh 192.0.2.11
	ipv_add "$impl" "$A" "$NA" i1 "$C" mode l3
	check_err $? "create in l3"
	# No IPv6 on i1 while counting: its MLD reports would be dropped too.
	ip netns exec "$C" sysctl -qw net.ipv6.conf.i1.disable_ipv6=1
	ip -n "$C" addr add 192.0.2.11/24 brd + dev i1
	ip -n "$C" link set i1 up
	[[ $impl == vmux ]] && d0=$(vmux_drops_get "$C" i1 dev tx)

	tcpdump_start "$B" "$NB" ip or ip6
	tx0=$(link_stats_get "$C" i1 tx dropped)
	udp_send "$C" i1 3 192.0.2.255 224.0.0.1
	tx1=$(link_stats_get "$C" i1 tx dropped)
	((tx1 - tx0 == 6))
	check_err $? "tx_dropped moved by $((tx1 - tx0)), expected 6 (3 broadcast, 3 multicast)"
	if [[ $impl == vmux ]]; then
		d1=$(vmux_drops_get "$C" i1 dev tx)
		((d1 - d0 == 6))
		check_err $? "vmux_drops dev tx moved by $((d1 - d0)), expected 6"
	fi
	ip netns exec "$C" sysctl -qw net.ipv6.conf.i1.disable_ipv6=0
	ip -n "$C" addr add 2001:db8::11/64 dev i1 nodad
	udp_send "$C" i1 3 ff02::1
	# The control: unicast from i1 reaches the wire, once, after the rest.
	ip netns exec "$C" ping -q -c 3 -i 0.2 -W 2 192.0.2.2 >/dev/null
	check_err $? "unicast from the l3 ipvlan"
	tcpdump_wait "192.0.2.2 > 192.0.2.11: ICMP echo reply" 3
	check_err $? "no replies to i1 on the wire"
	tcpdump_stop
	n=$(tcpdump_show | grep -c "192.0.2.11 > 192.0.2.2: ICMP echo request")
	((n == 3))
	check_err $? "3 requests sent by i1, $n on the wire"
	tcpdump_show | grep -E "> (192\.0\.2\.255|224\.0\.0\.1|ff02::1)\.9: UDP"
	check_fail $? "group traffic of an l3 ipvlan reached the wire"
	log_test "l3: broadcast and multicast from an ipvlan are dropped ($impl)"
}

ipvlan_l3_mcast_dropped()
{
	__l3_mcast vmux
	if have_kernel_ipvlan; then
		defer_scope_pop
		defer_scope_push
		__l3_mcast kernel
	fi
}

# l3 and l3s route what an ipvlan sends in the lower's netns, where the
# lower's own address is local (RTN_LOCAL, through lo): it must get there,
# once. There is no way back (the reply goes out to the wire): no answer.
__l3_to_lower()
{
	local impl=$1 mode=$2 n

	ipv_add "$impl" "$A" "$NA" i1 "$C" mode "$mode" || return 1
	addr_add "$C" i1 192.0.2.11 2001:db8::11 || return 1
	ip netns exec "$A" nft -f - <<-EOF || return 1
		table inet t
		delete table inet t
		table inet t {
			counter from_i1 { }
			chain in {
				type filter hook input priority 0;
				ip saddr 192.0.2.11 icmp type echo-request counter name from_i1
				ip6 saddr 2001:db8::11 icmpv6 type echo-request counter name from_i1
			}
		}
	EOF
	ip netns exec "$C" ping -q -c 3 -i 0.2 -W 1 192.0.2.1 &>/dev/null
	ip netns exec "$C" ping -6 -q -c 3 -i 0.2 -W 1 2001:db8::1 &>/dev/null
	n=$(busywait "$WAIT_TIMEOUT" until_counter_is "== 6" nft_counter "$A" inet t from_i1)
	ip -n "$C" link del i1
	((n == 6)) || { echo "$impl $mode: the lower's stack got $n of 6 requests"; return 1; }
}

ipvlan_l3_to_lower_addr()
{
	local impl mode out

	RET=0
	ipv_hosts_setup
	check_err $? "setup"
	for impl in vmux kernel; do
		[[ $impl == kernel ]] && ! have_kernel_ipvlan && break
		for mode in l3 l3s; do
			out=$(__l3_to_lower "$impl" "$mode")
			check_err $? "$impl $mode: $out"
		done
	done
	log_test "l3, l3s: ipvlan to the lower's own address, once, no crash"
}

# ---- mode and flags belong to the lower ------------------------------------

ipvlan_mode_per_lower()
{
	local info

	RET=0
	setup_ns A D
	ip -n "$A" link add d0 type dummy && ip -n "$A" link set d0 up
	ipv_add vmux "$A" d0 i1 "$A" mode l2 &&
	ipv_add vmux "$A" d0 i2 "$D" mode l2
	check_err $? "create"
	ip -n "$A" link set i1 up && ip -n "$D" link set i2 up

	ipv_set vmux "$A" i1 mode l3
	check_err $? "mode l3 on i1"
	info=$(ipv_info vmux "$D" i2)
	[[ $info == '{"mode":"l3","bridge":true}' ]]
	check_err $? "i2 (other netns) did not follow i1 to l3: $info"
	link_has_flag "$D" i2 NOARP
	check_err $? "l3 did not set NOARP on i2"

	ipv_set vmux "$D" i2 mode l2 private
	check_err $? "mode l2 private on i2"
	info=$(ipv_info vmux "$A" i1)
	[[ $info == '{"mode":"l2","private":true}' ]]
	check_err $? "i1 did not follow i2 to l2 private: $info"
	link_has_flag "$A" i1 NOARP
	check_fail $? "l2 left NOARP on i1"

	# ip's rule: any ipvlan argument sends the flags, 0 = bridge.
	ipv_set vmux "$A" i1 mode l3s
	[[ $(ipv_info vmux "$D" i2) == '{"mode":"l3s","bridge":true}' ]]
	check_err $? "mode alone did not reset the flags to bridge: $(ipv_info vmux "$D" i2)"
	log_test "mode and flags are per lower: set on one, seen on all"
}

ipvlan_mode_kept()
{
	RET=0
	setup_ns A
	ip -n "$A" link add d0 type dummy && ip -n "$A" link add d1 type dummy
	ipv_add vmux "$A" d0 i0 "$A"
	check_err $? "create without mode"
	[[ $(ipv_mode vmux "$A" i0) == l3 ]]
	check_err $? "the first ipvlan without mode is not l3 (ip's default)"
	ip -n "$A" link del i0

	ipv_add vmux "$A" d0 i1 "$A" mode l2 vepa
	ipv_add vmux "$A" d0 i3 "$A"
	check_err $? "second ipvlan without mode"
	[[ $(ipv_info vmux "$A" i1) == '{"mode":"l2","vepa":true}' &&
	   $(ipv_info vmux "$A" i3) == '{"mode":"l2","vepa":true}' ]]
	check_err $? "an ipvlan without mode changed the lower: i1 $(ipv_info vmux "$A" i1)"

	# The in-kernel ipvlan switches the whole lower to l3 instead.
	if have_kernel_ipvlan; then
		ipv_add kernel "$A" d1 k1 "$A" mode l2
		ipv_add kernel "$A" d1 k3 "$A"
		check_err $? "in-kernel ipvlan without mode"
		[[ $(ipv_mode kernel "$A" k1) == l3 ]]
		check_err $? "in-kernel ipvlan kept $(ipv_mode kernel "$A" k1): the documented difference is gone"
	fi
	log_test "no mode keeps the lower's (ipvlan switches to l3)"
}

# ---- the lower's events ------------------------------------------------------

# __lower_mtu IMPL: i1 (default MTU) and i2 (mtu 1400) follow the lower
# down and up; prints what it saw on failure.
__lower_mtu()
{
	local impl=$1 mtu seen

	if ! ip -n "$A" link add d0 type dummy ||
	   ! ipv_add "$impl" "$A" d0 i1 "$A" mode l2 ||
	   ! ipv_add "$impl" "$A" d0 i2 "$D" mtu 1400 mode l2; then
		echo "$impl: create"
		return 1
	fi
	seen="$(link_mtu "$A" i1) $(link_mtu "$D" i2)"
	[[ $seen == "1500 1400" ]] || { echo "$impl: created with $seen"; return 1; }
	for mtu in 1300 9000 1500; do
		ip -n "$A" link set d0 mtu "$mtu"
		seen="$(link_mtu "$A" i1) $(link_mtu "$D" i2)"
		[[ $seen == "$mtu $mtu" ]] ||
			{ echo "$impl: lower $mtu: i1 i2 have $seen"; return 1; }
	done
	ip -n "$A" link del d0
}

ipvlan_lower_mtu()
{
	local out

	RET=0
	setup_ns A D
	out=$(__lower_mtu vmux)
	check_err $? "$out"
	if have_kernel_ipvlan; then
		out=$(__lower_mtu kernel)
		check_err $? "$out"
	fi
	log_test "the lower's MTU is forced on the ipvlans, both ways"
}

ipvlan_lower_mac()
{
	local impl

	RET=0
	setup_ns A D
	for impl in vmux kernel; do
		[[ $impl == kernel ]] && ! have_kernel_ipvlan && break
		ip -n "$A" link add d0 address 02:00:00:00:00:01 type dummy
		ipv_add "$impl" "$A" d0 i1 "$A" mode l2 &&
		ipv_add "$impl" "$A" d0 i2 "$D" mode l3
		check_err $? "$impl: create"
		ip -n "$A" link set d0 address 02:00:00:00:00:aa
		check_err $? "$impl: lower MAC change refused"
		[[ $(mac_of "$A" i1) == 02:00:00:00:00:aa && $(mac_of "$D" i2) == 02:00:00:00:00:aa ]]
		check_err $? "$impl: the MAC did not follow: i1 $(mac_of "$A" i1), i2 $(mac_of "$D" i2)"
		ip -n "$A" link del d0
	done
	log_test "a lower MAC change reaches every ipvlan"
}

ipvlan_lower_deleted()
{
	RET=0
	setup_ns A C
	ip -n "$A" link add d0 type dummy
	ip -n "$A" link set d0 up
	ipv_add vmux "$A" d0 i1 "$A" mode l3s &&
	ipv_add vmux "$A" d0 i2 "$C"
	check_err $? "create"
	ip -n "$A" link set i1 up && ip -n "$C" link set i2 up
	ip -n "$A" link del d0
	check_err $? "delete the lower"
	link_exists "$A" i1
	check_fail $? "i1 survived its lower"
	link_exists "$C" i2
	check_fail $? "i2 (other netns) survived its lower"
	log_test "deleting the lower deletes every ipvlan, in every netns"
}

ipvlan_netns_move()
{
	local E

	RET=0
	ipv_hosts_setup
	check_err $? "setup"
	setup_ns E
	nodad_ns "$E"
	ipv_add vmux "$A" "$NA" i1 "$A" mode l2
	check_err $? "create"
	ip -n "$A" link set i1 netns "$E"
	check_err $? "move to another netns"
	addr_add "$E" i1 192.0.2.11 2001:db8::11
	ping_do "$E" 192.0.2.2
	check_err $? "IPv4 after the move"
	ping6_do "$B" 2001:db8::11
	check_err $? "IPv6 from the peer after the move"
	vm "$E" -j link show dev i1 | jq -e '.[0].link_netnsid != null' >/dev/null
	check_err $? "link_netnsid not reported: $(vm "$E" -j link show dev i1)"
	ip -n "$E" link set i1 netns "$C"
	check_err $? "second move"
	addr_add "$C" i1 192.0.2.11 2001:db8::11
	ping_do "$C" 192.0.2.2
	check_err $? "no traffic after the second move"
	log_test "an ipvlan moved to another netns keeps working"
}

# The lower is a veth: $B holds its peer end. The lower moves from $A to $E
# with an l3s ipvlan on it; the netfilter hooks must follow it.
ipvlan_lower_netns_move()
{
	local E a0 e0

	RET=0
	require_module veth nf_tables
	setup_ns A B C E
	nodad_ns "$A" "$B" "$C" "$E"
	ip -n "$A" link add va type veth peer name vb netns "$B"
	check_err $? "veth"
	MAC_A=$(mac_of "$A" va) NB=vb
	addr_add "$A" va 192.0.2.1 2001:db8::1
	addr_add "$B" vb 192.0.2.2 2001:db8::2
	peer_neigh 192.0.2.11
	ipv_add vmux "$A" va i1 "$C" mode l3s
	check_err $? "create in l3s"
	addr_add "$C" i1 192.0.2.11 2001:db8::11
	nft_to_i1 "$A" input
	nft_to_i1 "$E" input
	ping_do "$B" 192.0.2.11
	check_err $? "no traffic before the move"
	a0=$(nft_counter "$A" ip t to_i1)
	((a0 >= 3))
	check_err $? "the lower's netns counted $a0 requests before the move"

	ip -n "$A" link set va netns "$E"
	check_err $? "move the lower"
	link_exists "$C" i1
	check_err $? "the ipvlan did not survive its lower's move"
	[[ $(ipv_mode vmux "$C" i1) == l3s ]]
	check_err $? "mode after the move: $(ipv_mode vmux "$C" i1)"
	addr_add "$E" va 192.0.2.1 2001:db8::1
	ping_do "$B" 192.0.2.11
	check_err $? "no traffic after the lower moved"
	e0=$(nft_counter "$E" ip t to_i1)
	((e0 >= 3))
	check_err $? "the lower's new netns counted $e0 requests"
	((a0 == $(nft_counter "$A" ip t to_i1)))
	check_err $? "the lower's old netns still counts"
	ip -n "$E" link del va
	link_exists "$C" i1
	check_fail $? "i1 survived its lower in its new netns"
	log_test "lower moved to another netns: ipvlans and l3s hooks follow"
}

ipvlan_mac_dev_id()
{
	local mac out rc id1 id2 id3 ll1 ll2

	RET=0
	setup_ns A C
	ip -n "$A" link add d0 address 02:00:00:00:00:01 type dummy
	ip -n "$A" link set d0 up
	ipv_add vmux "$A" d0 i1 "$A" mode l2 &&
	ipv_add vmux "$A" d0 i2 "$C" &&
	ipv_add vmux "$A" d0 i3 "$A" address 02:00:00:00:00:33
	check_err $? "create"
	for d in "$A i1" "$C i2" "$A i3"; do
		# shellcheck disable=SC2086
		mac=$(mac_of $d)
		[[ $mac == 02:00:00:00:00:01 ]]
		check_err $? "${d#* } has MAC $mac, not the lower's"
	done
	out=$(ip -n "$A" link set i1 address 02:00:00:00:00:11 2>&1)
	rc=$?
	((rc == 2))
	check_err $? "setting the MAC: exit status $rc, expected 2"
	[[ $out == *"Operation not supported"* ]]
	check_err $? "setting the MAC: wrong message: $out"
	[[ $(mac_of "$A" i1) == 02:00:00:00:00:01 ]]
	check_err $? "the MAC changed"

	id1=$(ip netns exec "$A" cat /sys/class/net/i1/dev_id)
	id2=$(ip netns exec "$C" cat /sys/class/net/i2/dev_id)
	id3=$(ip netns exec "$A" cat /sys/class/net/i3/dev_id)
	[[ $id1 != 0x0 && $id1 != "$id2" && $id2 != "$id3" && $id1 != "$id3" ]]
	check_err $? "dev_id not unique: $id1 $id2 $id3"
	# ... which is what gives each its own EUI-64 link-local.
	ip -n "$A" link set i1 up && ip -n "$C" link set i2 up
	ll1=$(ip -n "$A" -j -6 addr show dev i1 scope link | jq -r '.[0].addr_info[0].local')
	ll2=$(ip -n "$C" -j -6 addr show dev i2 scope link | jq -r '.[0].addr_info[0].local')
	[[ $ll1 == fe80:* && $ll2 == fe80:* && $ll1 != "$ll2" ]]
	check_err $? "link-locals not distinct: $ll1 $ll2"
	log_test "MAC is the lower's, cannot be set; dev_id unique"
}

# ---- bad input -----------------------------------------------------------------

ipvlan_bad_input()
{
	local d0

	RET=0
	ipv_hosts_setup
	check_err $? "setup"
	ipv_add vmux "$A" "$NA" i1 "$A" mode l2 private
	check_err $? "create i1"
	ip -n "$A" link add br0 type bridge && ip -n "$A" link add d0 type dummy &&
	ip -n "$A" link set d0 master br0
	ip -n "$A" link add d1 type dummy && ip -n "$A" link add link d1 name m1 type macvlan
	check_err $? "busy lowers"
	d0=$(link_count "$A")

	# Through the CLI: what a user types, refused before the kernel.
	vmux_refused "$A" <<-EOF
		add link $NA name x type ipvlan mode l4|1|Error: argument "l4" is wrong: mode must be "l2", "l3" or "l3s"
		add link $NA name x type ipvlan bridge private|1|Error: argument "private" is wrong: only one FLAGS word may be given
		add link $NA name x type ipvlan mode l2 vepa vepa|1|only one FLAGS word may be given
		add link $NA name x type ipvlan frobnicate|1|unknown ipvlan option
		add link $NA name x type ipvlan mode|1|Command line is not complete
		set i1 type ipvlan mode l4|1|mode must be "l2", "l3" or "l3s"
		add link lo name x type ipvlan|2|Lower device is a loopback or not Ethernet
		add link d0 name x type ipvlan|2|Lower device is already in use by another driver
	EOF

	# Raw requests: the kernel's own checks, with their errno.
	nlreq_refused "$A" <<-EOF
		EINVAL: Invalid ipvlan mode|--link $NA --name x --kind vmux_ipvlan u16:1=3
		EINVAL: Invalid ipvlan flags|--link $NA --name x --kind vmux_ipvlan u16:1=0 u16:2=3
		EINVAL: Invalid ipvlan flags|--link $NA --name x --kind vmux_ipvlan u16:2=4
		EINVAL: Lower device is a loopback or not Ethernet|--link lo --name x --kind vmux_ipvlan u16:1=0
		EINVAL: Lower device not specified|--name x --kind vmux_ipvlan u16:1=0
		EBUSY: Lower device is already in use by another driver|--link d0 --name x --kind vmux_ipvlan u16:1=0
		EBUSY: Lower device is already in use by another driver|--link d1 --name x --kind vmux_ipvlan u16:1=0
		EINVAL: cannot carry sub-devices|--link i1 --name x --kind vmux_macvlan
		EINVAL: Invalid ipvlan mode|--change --name i1 --kind vmux_ipvlan u16:1=3
		EINVAL: Invalid ipvlan flags|--change --name i1 --kind vmux_ipvlan u16:1=1 u16:2=3
	EOF

	check_link_count "$A" "$d0"
	[[ $(ipv_info vmux "$A" i1) == '{"mode":"l2","private":true}' ]]
	check_err $? "a refused change altered i1: $(ipv_info vmux "$A" i1)"
	log_test "bad input: usage errors, errno and message, nothing changed"
}

# ---- unload ---------------------------------------------------------------------

ipvlan_rmmod()
{
	RET=0
	ipv_hosts_setup
	check_err $? "setup"
	peer_neigh 192.0.2.11 192.0.2.12
	ipv_add vmux "$A" "$NA" i1 "$C" mode l3s &&
	ipv_add vmux "$A" "$NA" i2 "$D"
	check_err $? "create in l3s"
	addr_add "$C" i1 192.0.2.11 2001:db8::11
	addr_add "$D" i2 192.0.2.12 2001:db8::12
	ip -n "$A" link add d0 type dummy
	ipv_add vmux "$A" d0 i3 "$C" mode l2
	flood_ping "$B" 192.0.2.11
	busywait 5000 until_counter_is ">= 50" link_stats_get "$C" i1 rx packets >/dev/null
	check_err $? "no traffic before rmmod"
	rmmod vmux
	check_err $? "rmmod with ipvlans in l3s under traffic"
	link_exists "$C" i1
	check_fail $? "i1 survived rmmod"
	link_exists "$C" i3
	check_fail $? "i3 survived rmmod"
	insmod "$VMUX_KO"
	check_err $? "reload"
	ipv_add vmux "$A" "$NA" i1 "$C" mode l3s
	check_err $? "create after the reload"
	addr_add "$C" i1 192.0.2.11 2001:db8::11
	busywait 5000 until_counter_is ">= 20" link_stats_get "$C" i1 rx packets >/dev/null
	check_err $? "no traffic after the reload"
	log_test "rmmod with ipvlans (l3s) in several netns under traffic"
}

require_root
require_vmux
require_module dummy nf_tables
tests_run
exit "$(exit_status)"
