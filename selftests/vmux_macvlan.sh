#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmux_macvlan against the in-kernel macvlan, in the same scenarios.
#
#  ns $C          ns $D          ns $A                       ns $B
# +---------+    +---------+    +------------------------+   +----------------+
# | m1      |    | m2      |    | $NA (lower) 192.0.2.3  |   | $NB 192.0.2.4  |
# | .1      |    | .2      |    |  ^ m1, m2 live on it   |   |  (the peer)    |
# +----|----+    +----|----+    +--|---------------------+   +--|-------------+
#      '--------------'------------'  e1000 ===== QEMU hub ===== virtio-net
#
# The same matrix (unicast ping between every pair, broadcast counts) is
# built with "vmux link add ... type macvlan" and "ip link add ... type
# macvlan"; the two must be equal. The hub never reflects a frame to its
# sender, so VEPA hairpin does not happen here (in both).

# Its own namespaces and devices and its pair of NICs (VMUX_NIC_PAIR);
# its rmmod test needs the machine alone:
# run_all.sh: beside others
# run_all.sh: alone: mv_rmmod

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	mv_matrix_private mv_matrix_vepa mv_matrix_bridge
	mv_source mv_source_nodst mv_source_list mv_passthru
	mv_broadcast_once mv_bc_queue mv_vlan_same_lower mv_on_vmux_vlan
	mv_dup_mac mv_lower_takes_mac mv_mtu mv_lower_updown mv_lower_deleted mv_bad_input
	mv_rmmod
"

# The hosts, addressed, and $C, $D for the macvlans. No IPv6 chatter: the
# broadcast and multicast counts must be exact.
mv_hosts_setup()
{
	hosts_setup -i quiet_ns C D || return 1
	ip -n "$A" addr add 192.0.2.3/24 dev "$NA"
	ip -n "$B" addr add 192.0.2.4/24 dev "$NB"
}

# mv_add IMPL NS LOWER NAME [ARGS...]: a macvlan of either implementation.
mv_add()
{
	local impl=$1 ns=$2 lower=$3 name=$4; shift 4

	if [[ $impl == vmux ]]; then
		vm "$ns" link add link "$lower" name "$name" type macvlan "$@"
	else
		ip -n "$ns" link add link "$lower" name "$name" type macvlan "$@"
	fi
}

# m1 in $C and m2 in $D on $NA, addressed and up.
pair_setup()
{
	local impl=$1; shift

	mv_add "$impl" "$A" "$NA" m1 "$@" && mv_add "$impl" "$A" "$NA" m2 "$@" ||
		return 1
	ip -n "$A" link set m1 netns "$C" && ip -n "$A" link set m2 netns "$D" ||
		return 1
	ip -n "$C" addr add 192.0.2.1/24 dev m1 && ip -n "$C" link set m1 up &&
	ip -n "$D" addr add 192.0.2.2/24 dev m2 && ip -n "$D" link set m2 up
}

# mv_move DEV NS ADDR/LEN: DEV from $A into NS, addressed and up.
mv_move()
{
	local dev=$1 ns=$2

	ip -n "$A" link set "$dev" netns "$ns"
	ip -n "$ns" addr add "$3" dev "$dev"
	ip -n "$ns" link set "$dev" up
}

mcast()
{
	link_stats_get "$1" "$2" rx multicast
}

# bc_count SENDER_NS SENDER_DEV RECV_NS RECV_DEV: how many of 3 broadcast
# ARP requests RECV_DEV got (waits up to 3 s for the queue worker).
bc_count()
{
	local sns=$1 sdev=$2 rns=$3 rdev=$4 m0

	m0=$(mcast "$rns" "$rdev")
	arp_requests "$sns" "$sdev" 3 192.0.2.99
	busywait 3000 until_counter_is ">= $((m0 + 3))" mcast "$rns" "$rdev" >/dev/null
	echo $(($(mcast "$rns" "$rdev") - m0))
}

# The reachability matrix of one implementation in one mode: every ordered
# pair of m1, m2, the lower and the peer pinged, and 3 broadcasts from each
# counted where they reach the IP layer, all at once (selftests/reach.py: a
# pair that cannot reach costs the 2 s deadline once). "v4 m1>m2 ok|--" and
# "bc m1>m2 N" lines.
matrix()
{
	local impl=$1 mode=$2

	pair_setup "$impl" mode "$mode" || { echo "setup-failed"; return 1; }
	python3 "$top/selftests/reach.py" --deadline 2 --bcast 3 ${VMUX_VERBOSE:+--verbose} \
		"m1=$C,m1,192.0.2.1" "m2=$D,m2,192.0.2.2" \
		"lower=$A,$NA,192.0.2.3" "peer=$B,$NB,192.0.2.4" ||
		echo "reach-failed"
	ip -n "$C" link del m1
	ip -n "$D" link del m2
}

# mx_has ROW: __matrix_test's $ours has the line ROW.
mx_has()
{
	grep -qx "$1" <<<"$ours"
}

__matrix_test()
{
	local mode=$1 ours theirs

	RET=0
	mv_hosts_setup || { check_err 1 "setup"; log_test "matrix $mode"; return; }
	require_module macvlan
	ours=$(matrix vmux "$mode")
	theirs=$(matrix kernel "$mode")
	[[ $ours == "$theirs" ]]
	check_err $? "matrices differ
	vmux:    $ours
	macvlan: $theirs"
	mx_has "v4 peer>m1 ok" && mx_has "v4 m1>peer ok" && mx_has "v4 lower>m1 --"
	check_err $? "peer/lower expectations wrong: $ours"
	case $mode in
	bridge) mx_has "v4 m1>m2 ok" && mx_has "bc m1>m2 3" ;;
	*) mx_has "v4 m1>m2 --" && mx_has "bc m1>m2 0" ;;
	esac
	check_err $? "sibling expectations for $mode wrong: $ours"
	mx_has "bc peer>m1 3" && mx_has "bc peer>m2 3"
	check_err $? "external broadcast not delivered exactly once: $ours"
	log_test "reachability matrix, mode $mode, equals in-kernel macvlan"
}

mv_matrix_private() { __matrix_test private; }
mv_matrix_vepa()    { __matrix_test vepa; }
mv_matrix_bridge()  { __matrix_test bridge; }

# A second sender on the peer's side with a MAC nobody listed.
other_sender()
{
	require_module macvlan
	ip -n "$B" link add link "$NB" name o type macvlan mode bridge
	ip -n "$B" addr add 192.0.2.5/24 dev o
	ip -n "$B" link set o up
}

mv_source()
{
	local d0 d1

	RET=0
	mv_hosts_setup
	other_sender
	vm "$A" link add link "$NA" name m1 type macvlan mode source macaddr add "$(mac_of "$B" "$NB")"
	check_err $? "create source mode with a listed sender"
	mv_move m1 "$C" 192.0.2.1/24
	ping_do "$B" 192.0.2.1
	check_err $? "listed sender cannot reach the source-mode device"
	d0=$(vmux_drops_get "$C" m1 dev source_filter)
	# The unlisted sender needs m1's MAC: give it a static neighbour.
	ip -n "$B" neigh replace 192.0.2.1 lladdr "$(mac_of "$C" m1)" dev o
	ip netns exec "$B" ping -q -c 3 -i 0.2 -w 2 -I o 192.0.2.1 >/dev/null
	check_fail $? "unlisted sender reached the source-mode device"
	d1=$(vmux_drops_get "$C" m1 dev source_filter)
	((d1 - d0 >= 3))
	check_err $? "source_filter drops moved by $((d1 - d0)), expected >= 3"
	log_test "source mode: only listed senders, others counted as source_filter"
}

mv_source_nodst()
{
	RET=0
	mv_hosts_setup
	vm "$A" link add link "$NA" name m2 type macvlan mode bridge
	mv_move m2 "$D" 192.0.2.2/24
	vm "$A" link add link "$NA" name m1 type macvlan mode source macaddr add "$(mac_of "$B" "$NB")"
	ip -n "$A" link set m1 up
	ping_do "$B" 192.0.2.2
	check_err $? "without nodst the destination macvlan must still get the frames"
	vm "$A" link set m1 type macvlan mode source nodst
	check_err $? "set nodst"
	vm "$A" -j -d link show dev m1 | jq -e '.[0].linkinfo.info_data.nodst == true' >/dev/null
	check_err $? "nodst not reported"
	ip -n "$B" neigh flush dev "$NB"
	in_ns "$B" ping -q -c 3 -i 0.2 -w 2 192.0.2.2 >/dev/null
	check_fail $? "with nodst a listed sender still reached a destination macvlan"
	log_test "source mode nodst consumes the listed senders' frames"
}

mv_source_list()
{
	local out macs

	RET=0
	mv_hosts_setup
	vm "$A" link add link "$NA" name m1 type macvlan mode source macaddr set 02:00:00:00:00:01 02:00:00:00:00:02 02:00:00:00:00:01
	check_err $? "macaddr set"
	out=$(vm "$A" -j -d link show dev m1)
	jq -e '.[0].linkinfo.info_data | .macaddr_count == 2 and
	       .macaddr_data == ["02:00:00:00:00:01","02:00:00:00:00:02"]' <<<"$out" >/dev/null
	check_err $? "set: $out"
	vm "$A" link set m1 type macvlan macaddr add 02:00:00:00:00:03
	vm "$A" link set m1 type macvlan macaddr add 02:00:00:00:00:03
	vm "$A" link set m1 type macvlan macaddr del 02:00:00:00:00:01
	out=$(vm "$A" -j -d link show dev m1)
	jq -e '.[0].linkinfo.info_data | .macaddr_count == 2 and
	       (.macaddr_data | sort) == ["02:00:00:00:00:02","02:00:00:00:00:03"]' <<<"$out" >/dev/null
	check_err $? "add/del: $out"
	vm "$A" link set m1 type macvlan macaddr flush
	vm "$A" -j -d link show dev m1 | jq -e '.[0].linkinfo.info_data.macaddr_count == 0' >/dev/null
	check_err $? "flush"

	# The documented cap, VMUX_MACVLAN_MAX_SOURCES = 1024.
	macs=$(for i in $(seq 0 1024); do printf '02:00:00:00:%02x:%02x ' $((i / 256)) $((i % 256)); done)
	# shellcheck disable=SC2086
	out=$(vm "$A" link set m1 type macvlan macaddr set $macs 2>&1)
	check_fail $? "1025 source MACs accepted"
	[[ $out == *"Source MAC list is full"* ]]
	check_err $? "wrong message: $out"
	vm "$A" -j -d link show dev m1 | jq -e '.[0].linkinfo.info_data.macaddr_count == 0' >/dev/null
	check_err $? "a refused set changed the list"
	# shellcheck disable=SC2086
	vm "$A" link set m1 type macvlan macaddr set ${macs% 02:00:00:00:04:00 }
	check_err $? "1024 source MACs refused"
	[[ $(vm "$A" -j -d link show dev m1 | jq '.[0].linkinfo.info_data.macaddr_data | length') == 1024 ]]
	check_err $? "the full list does not come back in one dump"
	vm "$A" link set m1 type macvlan mode source
	vm "$A" link set m1 type macvlan mode bridge
	vm "$A" link set m1 type macvlan mode source
	vm "$A" -j -d link show dev m1 | jq -e '.[0].linkinfo.info_data.macaddr_count == 0' >/dev/null
	check_err $? "leaving source mode kept the list"
	log_test "source MAC list: set/add/del/flush, cap 1024, one-message dump"
}

promisc()
{
	ip -n "$1" -j -d link show dev "$2" | jq '.[0].promiscuity'
}

mv_passthru()
{
	local mac0 out p0

	RET=0
	mv_hosts_setup
	mac0=$(mac_of "$A" "$NA")
	p0=$(promisc "$A" "$NA")
	vm "$A" link add link "$NA" name p type macvlan mode passthru
	check_err $? "create passthru"
	[[ $(mac_of "$A" p) == "$mac0" ]]
	check_err $? "passthru did not inherit the lower's MAC"
	out=$(ip -n "$A" link set p up 2>&1)
	check_err $? "passthru up: $out"
	[[ $(promisc "$A" "$NA") == $((p0 + 1)) ]]
	check_err $? "lower not promisc with passthru up"
	out=$(vm "$A" link add link "$NA" name q type macvlan mode bridge 2>&1)
	check_fail $? "a second device on a passthru lower"
	[[ $out == *"taken by a passthru vmux_macvlan"* ]]
	check_err $? "wrong message: $out"
	out=$(vm "$A" link add link "$NA" name q type vlan id 5 2>&1)
	check_fail $? "a vmux_vlan on a passthru lower"
	vm "$A" link set p type macvlan mode passthru nopromisc
	[[ $(promisc "$A" "$NA") == "$p0" ]]
	check_err $? "nopromisc did not drop the lower's promiscuity"
	# The user sets the lower: passthru follows, and that is the address
	# to restore; then passthru sets the lower through itself.
	ip -n "$A" link set "$NA" address 02:00:00:00:00:78
	[[ $(mac_of "$A" p) == 02:00:00:00:00:78 ]]
	check_err $? "lower MAC change did not reach passthru"
	ip -n "$A" link set p address 02:00:00:00:00:77
	[[ $(mac_of "$A" "$NA") == 02:00:00:00:00:77 ]]
	check_err $? "passthru MAC change did not reach the lower"
	ip -n "$A" addr add 192.0.2.1/24 dev p
	ping_do "$B" 192.0.2.1
	check_err $? "no traffic through passthru"
	out=$(vm "$A" link set p type macvlan mode bridge 2>&1)
	check_fail $? "left passthru"
	[[ $out == *"passthru can be neither entered nor left"* ]]
	check_err $? "wrong message: $out"
	ip -n "$A" link del p
	[[ $(mac_of "$A" "$NA") == 02:00:00:00:00:78 ]]
	check_err $? "lower MAC not restored to the one the user last set on it"
	[[ $(promisc "$A" "$NA") == "$p0" ]]
	check_err $? "lower promiscuity leaked"
	ip -n "$A" link set "$NA" address "$mac0"
	log_test "passthru: exclusive, promisc/nopromisc, MAC sync and restore"
}

# A raw broadcast burst from the peer, as fast as Python sends.
bc_flood()
{
	ip netns exec "$B" python3 - "$NB" "$1" <<-'EOF'
		import socket, sys
		s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
		s.bind((sys.argv[1], 0))
		src = open(f"/sys/class/net/{sys.argv[1]}/address").read().strip()
		frame = b"\xff" * 6 + bytes.fromhex(src.replace(":", "")) + b"\x88\xb5" + b"x" * 46
		for _ in range(int(sys.argv[2])): s.send(frame)
	EOF
}

mv_broadcast_once()
{
	local m d n

	RET=0
	mv_hosts_setup
	for m in m1 m2 m3; do
		vm "$A" link add link "$NA" name "$m" type macvlan mode bridge
		ip -n "$A" link set "$m" up
	done
	ip -n "$A" addr add 192.0.2.1/24 dev m1
	for m in m2 m3; do
		n=$(bc_count "$A" m1 "$A" "$m")
		((n == 3))
		check_err $? "$m got $n of 3 broadcasts from bridge sibling m1"
	done
	d=$(mcast "$A" m1)
	bc_flood 5
	busywait "$WAIT_TIMEOUT" until_counter_is ">= $((d + 5))" mcast "$A" m1 >/dev/null
	n=$(($(mcast "$A" m1) - d))
	((n == 5))
	check_err $? "m1 got $n of 5 external broadcasts"
	log_test "broadcast reaches every bridge-mode sibling exactly once"
}

mv_bc_queue()
{
	local d0 d1 m0 q

	RET=0
	mv_hosts_setup
	vm "$A" link add link "$NA" name m1 type macvlan mode bridge bcqueuelen 2
	vm "$A" link add link "$NA" name m2 type macvlan mode bridge bcqueuelen 5000
	ip -n "$A" link set m1 up
	ip -n "$A" link set m2 up
	q=$(vm "$A" -j -d link show dev m1 | jq '.[0].linkinfo.info_data | [.bcqueuelen, .usedbcqueuelen]')
	[[ $(jq -c . <<<"$q") == "[2,5000]" ]]
	check_err $? "usedbcqueuelen is not the port's max: $q"
	vm "$A" link set m2 type macvlan bcqueuelen 1
	q=$(vm "$A" -j -d link show dev m1 | jq -c '.[0].linkinfo.info_data | [.bcqueuelen, .usedbcqueuelen]')
	[[ $q == "[2,2]" ]]
	check_err $? "usedbcqueuelen did not follow the change: $q"

	d0=$(vmux_drops_get "$A" m1 port bc_queue_full)
	bc_flood 3000
	busywait 5000 until_counter_is "> $d0" vmux_drops_get "$A" m1 port bc_queue_full >/dev/null
	check_err $? "a flood over the queue length dropped nothing"
	d1=$(vmux_drops_get "$A" m1 port bc_queue_full)
	log_info "flood of 3000 over a queue of 2: $((d1 - d0)) dropped"
	m0=$(mcast "$A" m1)
	bc_flood 1
	busywait 5000 until_counter_is ">= $((m0 + 1))" mcast "$A" m1 >/dev/null
	check_err $? "the next single broadcast did not arrive after the flood"
	log_test "bounded broadcast queue: max request used, overflow counted"
}

mv_vlan_same_lower()
{
	RET=0
	mv_hosts_setup
	require_module 8021q
	vm "$A" link add link "$NA" name v10 type vlan id 10
	vm "$A" link add link "$NA" name m1 type macvlan mode bridge
	ip -n "$A" addr add 198.51.100.1/24 dev v10
	ip -n "$A" link set v10 up
	mv_move m1 "$C" 192.0.2.1/24
	peer_vlan 10 2
	ping_do "$B" 198.51.100.1
	check_err $? "no traffic to the vmux_vlan sharing the lower"
	ping_do "$B" 192.0.2.1
	check_err $? "no traffic to the vmux_macvlan sharing the lower"
	ping_do "$B" 192.0.2.3
	check_err $? "no traffic to the lower's own stack"
	log_test "vmux_vlan and vmux_macvlan on one lower, with traffic"
}

mv_on_vmux_vlan()
{
	RET=0
	mv_hosts_setup
	require_module 8021q
	vm "$A" link add link "$NA" name v10 type vlan id 10
	ip -n "$A" link set v10 up
	vm "$A" link add link v10 name m1 type macvlan mode bridge
	check_err $? "macvlan on a vmux_vlan"
	mv_move m1 "$C" 198.51.100.1/24
	peer_vlan 10 2
	tcpdump_start "$B" "$NB"
	ping_do "$C" 198.51.100.2
	check_err $? "no traffic from a macvlan on a vmux_vlan"
	tcpdump_wait "vlan 10,.*198.51.100.1 > 198.51.100.2: ICMP echo request" 3
	check_err $? "frames not tagged 10 on the wire"
	tcpdump_stop
	log_test "vmux_macvlan on a vmux_vlan, tagged on the wire"
}

mv_dup_mac()
{
	local out mac

	RET=0
	mv_hosts_setup
	vm "$A" link add link "$NA" name m1 type macvlan mode bridge
	mac=$(mac_of "$A" m1)
	out=$(vm "$A" link add link "$NA" name m2 address "$mac" type macvlan 2>&1)
	check_fail $? "duplicate MAC accepted"
	[[ $out == *"Address already used on this lower"* ]]
	check_err $? "wrong message: $out"
	out=$(vm "$A" link add link "$NA" name m2 address "$(mac_of "$A" "$NA")" type macvlan 2>&1)
	check_fail $? "the lower's MAC accepted"
	vm "$A" link add link "$NA" name m2 type macvlan mode bridge
	ip -n "$A" link set m1 up
	ip -n "$A" link set m2 address "$mac" 2>/dev/null
	check_fail $? "set to a sibling's MAC accepted"
	[[ $(mac_of "$A" m2) != "$mac" ]]
	check_err $? "refused change applied"
	[[ $(mac_of "$A" m1) != "$(mac_of "$A" m2)" ]]
	check_err $? "random MACs collide"
	log_test "MAC unique per lower (EADDRINUSE with a message)"
}

# lower_takes_mac IMPL: m1 in $C reachable from the peer while the lower
# has m1's MAC (macvlan's lookup gives that child the frames, and vmux's
# shortcut for the lower's own MAC must not), and after it gives it back.
lower_takes_mac()
{
	local impl=$1 mac old r1=-- r2=--

	if ! mv_add "$impl" "$A" "$NA" m1 mode bridge; then
		echo "setup-failed"
		return
	fi
	mv_move m1 "$C" 192.0.2.1/24
	mac=$(mac_of "$C" m1)
	old=$(mac_of "$A" "$NA")
	ip -n "$A" link set "$NA" address "$mac" || { echo "address-refused"; return; }
	ip -n "$B" neigh flush dev "$NB"
	ip netns exec "$B" ping -q -c 1 -w 5 192.0.2.1 &>/dev/null && r1=ok
	ip -n "$A" link set "$NA" address "$old"
	ip -n "$B" neigh flush dev "$NB"
	ip netns exec "$B" ping -q -c 1 -w 5 192.0.2.1 &>/dev/null && r2=ok
	ip -n "$C" link del m1
	echo "shared=$r1 restored=$r2"
}

mv_lower_takes_mac()
{
	local ours theirs

	RET=0
	mv_hosts_setup
	check_err $? "setup"
	require_module macvlan
	ours=$(lower_takes_mac vmux)
	theirs=$(lower_takes_mac kernel)
	[[ $ours == "shared=ok restored=ok" ]]
	check_err $? "vmux: $ours"
	[[ $ours == "$theirs" ]]
	check_err $? "vmux: $ours, macvlan: $theirs"
	log_test "the lower takes a child's MAC: the child keeps its frames, as macvlan"
}

mv_mtu()
{
	local out

	RET=0
	mv_hosts_setup
	out=$(vm "$A" link add link "$NA" name m1 mtu 1501 type macvlan 2>&1)
	check_fail $? "mtu above the lower's"
	[[ $out == *"MTU exceeds the lower device's MTU"* ]]
	check_err $? "wrong message: $out"
	vm "$A" link add link "$NA" name m1 type macvlan
	ip -n "$A" link set m1 mtu 67 2>/dev/null
	check_fail $? "mtu below 68"
	ip -n "$A" link set m1 mtu 1600 2>/dev/null
	check_fail $? "mtu above the lower's (set)"
	ip -n "$A" link set "$NA" mtu 1400
	[[ $(link_mtu "$A" m1) == 1400 ]]
	check_err $? "did not shrink with the lower"
	ip -n "$A" link set "$NA" mtu 1500
	[[ $(link_mtu "$A" m1) == 1400 ]]
	check_err $? "grew with the lower"
	log_test "MTU: 68..lower, shrinks with the lower"
}

mv_lower_updown()
{
	local want

	RET=0
	mv_hosts_setup
	vm "$A" link add link "$NA" name m1 type macvlan mode bridge
	mv_move m1 "$C" 192.0.2.1/24
	ip -n "$A" link set "$NA" down
	# LOWERLAYERDOWN on 6.1; DOWN on 6.12 (the lower is in another netns).
	want=$(lower_down_operstate "$C" m1)
	busywait "$WAIT_TIMEOUT" operstate_is "$C" m1 "$want"
	check_err $? "operstate $(operstate "$C" m1) with the lower down, not $want"
	is_up "$C" m1
	check_err $? "macvlan closed with its lower (admin state is its own)"
	ip -n "$A" link set "$NA" up
	nic_wait_carrier "$A" "$NA"
	busywait 5000 ping_do "$C" 192.0.2.4
	check_err $? "no traffic after the lower came back"
	log_test "lower down/up: operstate follows, admin state stays"
}

mv_lower_deleted()
{
	RET=0
	setup_ns A C
	require_module dummy
	ip -n "$A" link add d0 type dummy
	vm "$A" link add link d0 name m1 type macvlan
	vm "$A" link add link d0 name m2 type macvlan
	vm "$A" link add link d0 name v5 type vlan id 5
	ip -n "$A" link set m2 netns "$C"
	ip -n "$A" link set m1 up
	ip -n "$A" link del d0
	check_err $? "delete the lower"
	link_exists "$A" m1
	check_fail $? "m1 survived its lower"
	link_exists "$C" m2
	check_fail $? "m2 (other netns) survived its lower"
	log_test "deleting the lower deletes macvlans in every netns"
}

mv_bad_input()
{
	local d0

	RET=0
	mv_hosts_setup
	vm "$A" link add link "$NA" name m1 type macvlan mode bridge
	vm "$A" link add link "$NA" name s1 type macvlan mode source
	d0=$(link_count "$A")
	vmux_refused "$A" <<-EOF
		add link $NA name x type macvlan mode foo|foo
		add link $NA name x type macvlan nopromisc|nopromisc
		add link $NA name x type macvlan bcqueuelen -1|-1
		add link $NA name x type macvlan bclim abc|abc
		add link $NA name x type macvlan mode passthru|mode passthru needs a lower with no other vmux device
		add link $NA name x type macvlan mode bridge macaddr add 02:00:00:00:00:01|macaddr lists need mode source
		add link lo name x type macvlan|loopback
		set m1 type macvlan mode passthru|passthru can be neither entered nor left
		set m1 type macvlan macaddr add 02:00:00:00:00:01|macaddr lists need mode source
		set s1 type macvlan macaddr add 01:00:5e:00:00:01|unicast
	EOF
	nlreq_refused "$A" <<-EOF
		EINVAL: Invalid macvlan mode|--link $NA --name x --kind vmux_macvlan u32:1=3
		EINVAL: Invalid macvlan flags|--link $NA --name x --kind vmux_macvlan u16:2=4
		EINVAL: macaddr_count is read-only|--link $NA --name x --kind vmux_macvlan u32:6=1
		EINVAL: usedbcqueuelen is read-only|--link $NA --name x --kind vmux_macvlan u32:8=1
		EINVAL: Invalid macaddr mode|--link $NA --name x --kind vmux_macvlan u32:1=16 u32:3=7
		EINVAL: macaddr add/del needs an address|--link $NA --name x --kind vmux_macvlan u32:1=16 u32:3=0
		EADDRNOTAVAIL: Source MAC is not a valid unicast address|--link $NA --name x --kind vmux_macvlan u32:1=16 u32:3=0 hex:4=010000000001
		EINVAL: Invalid source MAC entry|--link $NA --name x --kind vmux_macvlan u32:1=16 u32:3=3 hex:5=0a0002000200000000010000
		EINVAL: Lower device not specified|--name x --kind vmux_macvlan
		EINVAL: Lower device is a loopback|--link lo --name x --kind vmux_macvlan
		EINVAL: MTU exceeds|--link $NA --name x --mtu 1501 --kind vmux_macvlan
		EINVAL: passthru can be neither entered nor left|--change --name m1 --kind vmux_macvlan u32:1=8
	EOF
	check_link_count "$A" "$d0"
	vm "$A" -j -d link show dev m1 | jq -e '.[0].linkinfo.info_data.mode == "bridge"' >/dev/null
	check_err $? "a refused change altered m1"
	log_test "bad input: clear errors, errno, nothing changed"
}

mv_rmmod()
{
	RET=0
	mv_hosts_setup
	pair_setup vmux mode bridge
	check_err $? "setup"
	flood_ping "$B" 192.0.2.1
	busywait 5000 until_counter_is ">= 50" link_stats_get "$C" m1 rx packets >/dev/null
	check_err $? "no traffic before rmmod"
	rmmod vmux
	check_err $? "rmmod with macvlans present under traffic"
	link_exists "$C" m1
	check_fail $? "m1 survived rmmod"
	insmod "$VMUX_KO"
	check_err $? "reload"
	log_test "rmmod with macvlans in several namespaces under traffic"
}

require_root
require_vmux
tests_run
exit "$(exit_status)"
