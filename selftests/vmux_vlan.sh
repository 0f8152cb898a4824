#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmux_vlan against the in-kernel 8021q across a real (emulated) wire.
#
#   ns $A (vmux side)                       ns $B (8021q peer)
#  +---------------------------+           +---------------------------+
#  | v (vmux_vlan, id 10)      |           | p (vlan, id 10)           |
#  | 192.0.2.1 2001:db8::1     |           | 192.0.2.2 2001:db8::2     |
#  |   |                       |           |   |                       |
#  | $NA (e1000 or virtio-net) |           | $NB (the other NIC)       |
#  +---|-----------------------+           +---|-----------------------+
#      '------------- QEMU hub (the wire) -----'
#
# The e1000 inserts/strips tags in "hardware" and filters VIDs; virtio-net
# filters VIDs but carries tags in-band: tests run with vmux on each side.
# tcpdump -e on the peer's NIC shows what is really on the wire.

# Its own namespaces and devices and its pair of NICs (VMUX_NIC_PAIR);
# its rmmod test needs the machine alone:
# run_all.sh: beside others
# run_all.sh: alone: vlan_rmmod

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	vlan_8021q_e1000 vlan_8021q_virtio vlan_8021ad_e1000 vlan_8021ad_virtio
	vlan_qinq vlan_qinq_on_kernel_vlan vlan_egress_qos vlan_ingress_qos
	vlan_reorder_hdr_off vlan_unknown_id vlan_mtu vlan_binding
	vlan_loose_binding vlan_lower_address vlan_netns_move vlan_lower_deleted
	vlan_kernel_vlan_conflict vlan_changelink vlan_bad_input vlan_rmmod
"

addr_add()
{
	local ns=$1 dev=$2 v4=$3 v6=$4

	ip -n "$ns" addr add "$v4/24" dev "$dev" &&
	ip -n "$ns" addr add "$v6/64" dev "$dev" nodad &&
	ip -n "$ns" link set "$dev" up
}

# vmux_vlan v on $NA in $A and an 8021q vlan p on $NB in $B, addressed.
pair_setup()
{
	local id=$1 proto=${2:-802.1Q}

	vm "$A" link add link "$NA" name v type vlan id "$id" protocol "$proto" ||
		return 1
	ip -n "$B" link add link "$NB" name p type vlan id "$id" protocol "$proto" ||
		return 1
	addr_add "$A" v 192.0.2.1 2001:db8::1 && addr_add "$B" p 192.0.2.2 2001:db8::2
}

__peer_test()
{
	local side=$1 proto=$2 id=$3 ethertype=$4 rx0 rx1

	RET=0
	hosts_setup -a "$side" || { check_err 1 "setup"; log_test "$proto on $side"; return; }
	pair_setup "$id" "$proto"
	check_err $? "cannot create the vlan pair"

	tcpdump_start "$B" "$NB"
	rx0=$(link_stats_get "$A" v rx packets)
	ping_do "$A" 192.0.2.2
	check_err $? "IPv4 ping vmux -> 8021q failed"
	ping_do "$B" 192.0.2.1
	check_err $? "IPv4 ping 8021q -> vmux failed"
	ping_do "$A" 2001:db8::2
	check_err $? "IPv6 ping vmux -> 8021q failed"
	ping_do "$B" 2001:db8::1
	check_err $? "IPv6 ping 8021q -> vmux failed"
	tcpdump_wait "\($ethertype\).*vlan $id,.*192.0.2.1 > 192.0.2.2: ICMP echo request" 3
	check_err $? "no request tagged $ethertype id $id on the wire: $(tcpdump_show | grep -m1 ICMP)"
	tcpdump_wait "\($ethertype\).*vlan $id,.*2001:db8::1 > 2001:db8::2: ICMP6, echo request" 3
	check_err $? "no IPv6 request tagged $ethertype id $id on the wire"
	tcpdump_stop
	rx1=$(link_stats_get "$A" v rx packets)
	((rx1 - rx0 >= 12))
	check_err $? "vmux rx_packets moved by $((rx1 - rx0)), expected >= 12"
	log_test "vmux_vlan $proto <-> 8021q, IPv4+IPv6, vmux on $side"
}

vlan_8021q_e1000()   { __peer_test e1000 802.1Q 10 "0x8100"; }
vlan_8021q_virtio()  { __peer_test virtio 802.1Q 10 "0x8100"; }
vlan_8021ad_e1000()  { __peer_test e1000 802.1ad 20 "0x88a8"; }
vlan_8021ad_virtio() { __peer_test virtio 802.1ad 20 "0x88a8"; }

__qinq()
{
	local outer_kind=$1

	RET=0
	hosts_setup || { check_err 1 "setup"; log_test "QinQ"; return; }
	if [[ $outer_kind == vmux ]]; then
		vm "$A" link add link "$NA" name o type vlan id 100 protocol 802.1ad
	else
		ip -n "$A" link add link "$NA" name o type vlan id 100 protocol 802.1ad
	fi
	check_err $? "outer vlan"
	ip -n "$A" link set o up
	vm "$A" link add link o name v type vlan id 10
	check_err $? "inner vmux_vlan on the $outer_kind outer vlan"
	ip -n "$B" link add link "$NB" name o type vlan id 100 protocol 802.1ad
	ip -n "$B" link set o up
	ip -n "$B" link add link o name p type vlan id 10
	addr_add "$A" v 192.0.2.1 2001:db8::1
	addr_add "$B" p 192.0.2.2 2001:db8::2

	tcpdump_start "$B" "$NB"
	ping_do "$A" 192.0.2.2
	check_err $? "IPv4 over QinQ vmux -> 8021q"
	ping_do "$B" 2001:db8::1
	check_err $? "IPv6 over QinQ 8021q -> vmux"
	tcpdump_wait "ethertype 802.1Q-QinQ \(0x88a8\).*vlan 100,.*ethertype 802.1Q \(0x8100\).*vlan 10,.*192.0.2.1 > 192.0.2.2" 3
	check_err $? "outer 802.1ad 100 / inner 802.1Q 10 not on the wire"
	tcpdump_stop
	log_test "QinQ: 802.1ad 100 ($outer_kind) + vmux_vlan 802.1Q 10"
}

vlan_qinq()                { __qinq vmux; }
vlan_qinq_on_kernel_vlan() { __qinq 8021q; }

vlan_egress_qos()
{
	RET=0
	hosts_setup && pair_setup 10
	check_err $? "setup"
	# ping -Q 0x10 (IPTOS_LOWDELAY) gives skb->priority 6 (ip_tos2prio).
	vm "$A" link set v type vlan egress-qos-map 6:5 2:3
	check_err $? "set egress-qos-map"
	tcpdump_start "$B" "$NB" vlan
	ping_do "$A" 192.0.2.2 -Q 0x10
	check_err $? "ping with priority 6"
	ping_do "$A" 192.0.2.2
	check_err $? "ping with priority 0"
	tcpdump_wait "vlan 10, p 5,.*192.0.2.1 > 192.0.2.2: ICMP echo request" 3
	check_err $? "priority 6 did not leave with PCP 5"
	tcpdump_wait "vlan 10, p 0,.*192.0.2.1 > 192.0.2.2: ICMP echo request" 3
	check_err $? "priority 0 did not leave with PCP 0"
	tcpdump_stop
	vm "$A" -j -d link show dev v |
		jq -e '.[0].linkinfo.info_data.egress_qos == [{"from":2,"to":3},{"from":6,"to":5}]' >/dev/null
	check_err $? "egress_qos not reported: $(vm "$A" -j -d link show dev v)"
	log_test "egress-qos-map puts the PCP on the wire"
}

vlan_ingress_qos()
{
	local n

	RET=0
	# On the virtio side: the e1000 driver masks the PCP off the VLAN tag
	# it strips (E1000_RXD_SPC_VLAN_MASK), for 8021q as for us.
	hosts_setup -a virtio && pair_setup 10
	check_err $? "setup"
	require_module nf_tables
	ip -n "$B" link set p type vlan egress-qos-map 6:5
	vm "$A" link set v type vlan ingress-qos-map 5:3
	check_err $? "set ingress-qos-map"
	# skb->priority is visible to nftables as "meta priority" (major:minor).
	ip netns exec "$A" nft -f - <<-EOF
		table inet t {
			chain in {
				type filter hook input priority 0;
				iifname "v" icmp type echo-request meta priority 0:3 counter
			}
		}
	EOF
	check_err $? "nft"
	ping_do "$B" 192.0.2.1 -Q 0x10
	check_err $? "ping with PCP 5"
	n=$(ip netns exec "$A" nft -j list ruleset |
	    jq '[.nftables[] | .rule? | select(.) | .expr[] | .counter? | select(.) | .packets] | add')
	((n >= 3))
	check_err $? "ingress PCP 5 did not become skb->priority 3 (counted $n)"
	log_test "ingress-qos-map sets skb->priority from the PCP"
}

vlan_reorder_hdr_off()
{
	RET=0
	hosts_setup && pair_setup 10
	check_err $? "setup"
	vm "$A" link set v type vlan reorder_hdr off
	check_err $? "reorder_hdr off"
	tcpdump_start "$A" v icmp or vlan
	ping_do "$B" 192.0.2.1
	check_err $? "ping with reorder_hdr off"
	tcpdump_wait "ethertype 802.1Q.*vlan 10,.*192.0.2.2 > 192.0.2.1: ICMP echo request" 3
	check_err $? "the tag is not visible on the vmux device: $(tcpdump_show | head -3)"
	tcpdump_stop

	vm "$A" link set v type vlan reorder_hdr on
	tcpdump_start "$A" v icmp
	ping_do "$B" 192.0.2.1
	tcpdump_wait "192.0.2.2 > 192.0.2.1: ICMP echo request" 3
	check_err $? "no untagged frames with reorder_hdr on"
	tcpdump_show | grep -q "vlan 10"
	check_fail $? "tag visible on the vmux device with reorder_hdr on"
	tcpdump_stop
	log_test "reorder_hdr off shows the tag on the vmux device"
}

vlan_unknown_id()
{
	local rx0 rx1 d0 d1

	RET=0
	hosts_setup && pair_setup 10
	check_err $? "setup"
	# The NICs filter VIDs: promisc lets id 30 reach the port at all.
	ip -n "$A" link set "$NA" promisc on
	defer ip -n "$A" link set "$NA" promisc off
	ip -n "$B" link add link "$NB" name p30 type vlan id 30
	# No IPv6 chatter on id 30: only the 5 ARP requests below count.
	ip netns exec "$B" sysctl -qw net.ipv6.conf.p30.disable_ipv6=1
	ip -n "$B" addr add 198.51.100.2/24 dev p30
	ip -n "$B" link set p30 up
	d0=$(vmux_drops_get "$A" v port no_child)
	tcpdump_start "$A" v arp
	# 5 ARP requests for id 30: no vmux device may see them.
	arp_requests "$B" p30 5 198.51.100.1
	busywait 5000 until_counter_is ">= $((d0 + 5))" vmux_drops_get "$A" v port no_child >/dev/null
	check_err $? "port no_child counter did not move by 5 (was $d0, now $(vmux_drops_get "$A" v port no_child))"
	d1=$(vmux_drops_get "$A" v port no_child)
	((d1 - d0 == 5))
	check_err $? "port no_child moved by $((d1 - d0)), expected exactly 5"
	tcpdump_stop
	tcpdump_show | grep -q "198.51.100"
	check_fail $? "vmux_vlan id 10 received frames of id 30: $(tcpdump_show | head -2)"
	log_test "frames for an id without a vmux_vlan reach no vmux device"
}

vlan_mtu()
{
	local out

	RET=0
	hosts_setup
	check_err $? "setup"
	out=$(vm "$A" link add link "$NA" name v mtu 1501 type vlan id 10 2>&1)
	check_fail $? "created with mtu above the lower's"
	[[ $out == *"MTU exceeds the lower device's MTU"* ]]
	check_err $? "wrong message: $out"
	link_exists "$A" v
	check_fail $? "a device was left behind"

	vm "$A" link add link "$NA" name v mtu 1400 type vlan id 10
	check_err $? "mtu 1400"
	[[ $(link_mtu "$A" v) == 1400 ]]
	check_err $? "mtu not 1400"
	ip -n "$A" link set v mtu 1600 2>/dev/null
	check_fail $? "mtu above the lower's accepted"
	ip -n "$A" link set v mtu 1500
	check_err $? "mtu equal to the lower's refused"

	ip -n "$A" link set "$NA" mtu 1300
	[[ $(link_mtu "$A" v) == 1300 ]]
	check_err $? "mtu did not shrink with the lower"
	ip -n "$A" link set "$NA" mtu 1500
	[[ $(link_mtu "$A" v) == 1300 ]]
	check_err $? "mtu grew with the lower (8021q only shrinks)"
	log_test "MTU: bounded by the lower, shrinks with it"
}

vlan_binding()
{
	local out

	RET=0
	hosts_setup && pair_setup 10
	check_err $? "setup"
	ip -n "$A" link set "$NA" down
	is_up "$A" v
	check_fail $? "vlan still admin up with its lower down"
	out=$(ip -n "$A" link set v up 2>&1)
	check_fail $? "vlan opened while the lower is down"
	[[ $out == *"Network is down"* ]]
	check_err $? "open refused with the wrong error: $out"
	ip -n "$A" link set "$NA" up
	busywait 5000 is_up "$A" v
	check_err $? "vlan not brought up with its lower"
	nic_wait_carrier "$A" "$NA"
	busywait 5000 ping_do "$A" 192.0.2.2
	check_err $? "no traffic after the lower came back"
	log_test "admin state bound to the lower"
}

vlan_loose_binding()
{
	RET=0
	hosts_setup && pair_setup 10
	check_err $? "setup"
	vm "$A" link set v type vlan loose_binding on
	check_err $? "loose_binding on"
	vm "$A" -j -d link show dev v |
		jq -e '.[0].linkinfo.info_data.flags | index("LOOSE_BINDING")' >/dev/null
	check_err $? "LOOSE_BINDING not reported"
	ip -n "$A" link set "$NA" down
	is_up "$A" v
	check_err $? "loose vlan closed with its lower"
	busywait 5000 operstate_is "$A" v LOWERLAYERDOWN
	check_err $? "operstate is $(operstate "$A" v), expected LOWERLAYERDOWN"
	ip -n "$A" link set "$NA" up
	nic_wait_carrier "$A" "$NA"
	busywait 5000 ping_do "$A" 192.0.2.2
	check_err $? "no traffic after the lower came back"
	log_test "loose_binding keeps the vlan up, operstate follows"
}

vlan_lower_address()
{
	local mac

	RET=0
	hosts_setup
	vm "$A" link add link "$NA" name v type vlan id 10
	vm "$A" link add link "$NA" name w address 02:00:00:00:00:11 type vlan id 11
	ip -n "$A" link set v up
	ip -n "$A" link set w up
	mac=$(ip -n "$A" -j link show dev "$NA" | jq -r .[0].address)
	[[ $(ip -n "$A" -j link show dev v | jq -r .[0].address) == "$mac" ]]
	check_err $? "vlan did not take the lower's MAC"
	ip -n "$A" link set "$NA" address 02:00:00:00:00:aa
	[[ $(ip -n "$A" -j link show dev v | jq -r .[0].address) == 02:00:00:00:00:aa ]]
	check_err $? "vlan did not follow the lower's MAC"
	[[ $(ip -n "$A" -j link show dev w | jq -r .[0].address) == 02:00:00:00:00:11 ]]
	check_err $? "a set MAC followed the lower"
	ip -n "$A" link set "$NA" address "$mac"
	log_test "MAC taken from the lower and following it unless set"
}

vlan_netns_move()
{
	local C

	RET=0
	hosts_setup && pair_setup 10
	check_err $? "setup"
	setup_ns C
	ip -n "$A" link set v netns "$C"
	check_err $? "move to another netns"
	addr_add "$C" v 192.0.2.1 2001:db8::1
	ping_do "$C" 192.0.2.2
	check_err $? "no traffic after the move"
	vm "$C" -j link show dev v | jq -e '.[0].link_netnsid != null' >/dev/null
	check_err $? "link_netnsid not reported: $(vm "$C" -j link show dev v)"
	log_test "vmux_vlan moved to another netns keeps working"
}

vlan_lower_deleted()
{
	local C

	RET=0
	setup_ns A C
	require_module dummy
	ip -n "$A" link add d0 type dummy
	ip -n "$A" link set d0 up
	vm "$A" link add link d0 name v10 type vlan id 10
	vm "$A" link add link d0 name v11 type vlan id 11
	ip -n "$A" link set v11 netns "$C"
	check_err $? "setup"
	ip -n "$A" link set v10 up
	ip -n "$A" link del d0
	check_err $? "delete the lower"
	link_exists "$A" v10
	check_fail $? "v10 survived its lower"
	link_exists "$C" v11
	check_fail $? "v11 (other netns) survived its lower"
	log_test "deleting the lower deletes every vmux_vlan, in every netns"
}

vlan_kernel_vlan_conflict()
{
	local out

	RET=0
	hosts_setup
	require_module 8021q
	ip -n "$A" link add link "$NA" name k10 type vlan id 10
	out=$(vm "$A" link add link "$NA" name v type vlan id 10 2>&1)
	check_fail $? "vmux_vlan created over an 8021q vlan with the same id"
	[[ $out == *"already used on this lower by an 8021q vlan device"* ]]
	check_err $? "wrong message: $out"
	vm "$A" link add link "$NA" name v type vlan id 10 protocol 802.1ad
	check_err $? "same id, other protocol refused"
	vm "$A" link add link "$NA" name w type vlan id 11
	out=$(ip -n "$A" link add link "$NA" name k11 type vlan id 11 2>&1)
	check_fail $? "8021q vlan created over a vmux_vlan with the same id"
	[[ $out == *"already used on this lower by a vmux_vlan device"* ]]
	check_err $? "wrong message: $out"
	link_exists "$A" k11
	check_fail $? "8021q device left behind"
	log_test "one (protocol, id) per lower across vmux and 8021q"
}

vlan_changelink()
{
	local out

	RET=0
	hosts_setup
	vm "$A" link add link "$NA" name v type vlan id 10 ingress-qos-map 1:2 egress-qos-map 4:5
	check_err $? "create with maps"
	out=$(vm "$A" -j -d link show dev v)
	jq -e '.[0].linkinfo.info_data | .protocol == "802.1Q" and .id == 10 and
	       .flags == ["REORDER_HDR"] and .ingress_qos == [{"from":1,"to":2}] and
	       .egress_qos == [{"from":4,"to":5}]' <<<"$out" >/dev/null
	check_err $? "info_data wrong: $out"
	out=$(vm "$A" link set v type vlan id 11 2>&1)
	check_fail $? "id changed"
	[[ $out == *"VLAN id cannot be changed"* ]]
	check_err $? "wrong message: $out"
	out=$(vm "$A" link set v type vlan id 10 protocol 802.1ad 2>&1)
	check_fail $? "protocol changed"
	[[ $out == *"VLAN protocol cannot be changed"* ]]
	check_err $? "wrong message: $out"
	vm "$A" link set v type vlan egress-qos-map 4:0
	check_err $? "clear an egress mapping"
	vm "$A" -j -d link show dev v | jq -e '.[0].linkinfo.info_data.egress_qos == null' >/dev/null
	check_err $? "egress mapping not cleared"
	log_test "changelink: maps change, id and protocol are refused"
}

# ARGS -> expected exit status, errno (raw requests) or message.
vlan_bad_input()
{
	local d0

	RET=0
	hosts_setup
	vm "$A" link add link "$NA" name v type vlan id 10
	d0=$(link_count "$A")

	# Through the CLI: what a user types.
	vmux_refused "$A" <<-EOF
		add link $NA name x type vlan id 10|VLAN id already used on this lower by a vmux_vlan device
		add link $NA name x mtu 9000 type vlan id 12|MTU exceeds the lower device's MTU
		add link lo name x type vlan id 12|loopback
		add link $NA name x type vlan id 12 gvrp on|not supported by vmux_vlan
		add link $NA name x type vlan id 12 mvrp on|not supported by vmux_vlan
		add link $NA name x type vlan id 12 bridge_binding on|not supported by vmux_vlan
		add link $NA name x type vlan id 12 ingress-qos-map 9:1|Ingress QoS map FROM is a PCP
		add link $NA name x type vlan id 12 egress-qos-map 1:9|Egress QoS map TO is a PCP
		add link $NA name x type vlan id 4095|4095
		add link $NA name x type vlan id 12 protocol 802.1x|802.1x
		add link $NA name x type vlan id 12 reorder_hdr maybe|maybe
		add link $NA name x type vlan id 12 frobnicate on|frobnicate
		add link nosuchdev name x type vlan id 12|nosuchdev
		add link $NA name x type vlan|VLAN properties not specified
	EOF

	# Raw requests: the kernel's own checks, with their errno.
	nlreq_refused "$A" <<-EOF
		ERANGE: Invalid VLAN id|--link $NA --name x --kind vmux_vlan u16:1=4095
		EINVAL: VLAN id not specified|--link $NA --name x --kind vmux_vlan be16:5=0x8100
		EINVAL: VLAN properties not specified|--link $NA --name x --kind vmux_vlan
		EPROTONOSUPPORT: Invalid VLAN protocol|--link $NA --name x --kind vmux_vlan u16:1=12 be16:5=0x0800
		EINVAL: Invalid VLAN flags|--link $NA --name x --kind vmux_vlan u16:1=12 flags:2=0x40/0x40
		EINVAL: Invalid VLAN flags|--link $NA --name x --kind vmux_vlan u16:1=12 flags:2=0/0x80
		EOPNOTSUPP: gvrp, mvrp and bridge_binding|--link $NA --name x --kind vmux_vlan u16:1=12 flags:2=2/2
		EINVAL: Lower device not specified|--name x --kind vmux_vlan u16:1=12
		EEXIST: VLAN id already used|--link $NA --name x --kind vmux_vlan u16:1=10
		ERANGE: MTU exceeds|--link $NA --name x --mtu 1501 --kind vmux_vlan u16:1=12
		EINVAL: Lower device is a loopback|--link lo --name x --kind vmux_vlan u16:1=12
		ERANGE: Ingress QoS map|--link $NA --name x --kind vmux_vlan u16:1=12 qos:4=8:1
		EOPNOTSUPP: VLAN id cannot be changed|--change --name v --kind vmux_vlan u16:1=11
	EOF

	check_link_count "$A" "$d0"
	[[ $(vm "$A" -j -d link show dev v | jq .[0].linkinfo.info_data.id) == 10 ]]
	check_err $? "a refused change altered v"
	log_test "bad input: clear errors, errno, nothing created"
}

vlan_busy_lower()
{
	local out

	RET=0
	setup_ns A
	require_module bridge
	ip -n "$A" link add br0 type bridge
	ip -n "$A" link add d0 type dummy
	ip -n "$A" link set d0 master br0
	out=$(ip netns exec "$A" "$NLREQ" --link d0 --name x --kind vmux_vlan u16:1=5)
	[[ $out == "EBUSY: vmux: Lower device is already in use by another driver"* ]]
	check_err $? "bridge port accepted as lower: $out"
	log_test "a lower whose rx_handler belongs to another driver: EBUSY"
}
ALL_TESTS="$ALL_TESTS vlan_busy_lower"

vlan_rmmod()
{
	local C

	RET=0
	hosts_setup && pair_setup 10
	check_err $? "setup"
	setup_ns C
	vm "$A" link add link "$NA" name v2 type vlan id 12
	ip -n "$A" link set v2 netns "$C"
	flood_ping "$B" 192.0.2.1
	busywait 5000 until_counter_is ">= 50" link_stats_get "$A" v rx packets >/dev/null
	check_err $? "no traffic before rmmod"
	rmmod vmux
	check_err $? "rmmod with devices present and traffic"
	link_exists "$A" v
	check_fail $? "v survived rmmod"
	link_exists "$C" v2
	check_fail $? "v2 (other netns) survived rmmod"
	insmod "$VMUX_KO"
	check_err $? "reload"
	log_test "rmmod with devices in several namespaces under traffic"
}

require_root
require_vmux
require_module 8021q
tests_run
exit "$(exit_status)"
