#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The vmux CLI as a daily tool: -n, netns, link-netns, -batch, monitor,
# port show, the drop counters by reason, and JSON equal to ip's.
#
#   ns $A                                      ns $B
#  +-------------------------------------+   +----------------------+
#  | vmux children of $NA (all kinds)    |   | $NB, 8021q vlans,    |
#  | $NA (e1000)                         |   | the peer             |
#  +---|---------------------------------+   +---|------------------+
#      '============== QEMU hub ==================='

# Its own namespaces and devices and its pair of NICs (VMUX_NIC_PAIR):
# run_all.sh: beside others

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	cli_netns cli_link_netns cli_batch cli_monitor cli_port_show cli_port_show_netns
	cli_drop_no_child cli_drop_child_down cli_drop_source_filter
	cli_drop_mode cli_drop_bc_queue_full cli_drop_tx
	cli_json_equals_ip cli_generic_equals_ip cli_usage_errors cli_show_habits
	cli_man_examples cli_iproute2_plugins cli_xdp_vrf cli_batch_names cli_batch_4094
"

# assert_delta WHAT EXPECTED BEFORE AFTER
assert_delta()
{
	(($4 - $3 == $2))
	check_err $? "$1 moved by $(($4 - $3)), expected exactly $2"
}

cli_netns()
{
	local C

	RET=0
	hosts_setup -i quiet_ns
	setup_ns C
	"$VMUX" -n "$A" link add link "$NA" name v10 type vlan id 10
	check_err $? "add with -n"
	[[ $("$VMUX" -n "$A" -j link show dev v10 | jq -r '.[0].ifname') == v10 ]]
	check_err $? "show with -n"
	"$VMUX" -n "$A" link set v10 netns "$C"
	check_err $? "set netns NAME"
	"$VMUX" -n "$C" -j link show dev v10 | jq -e '.[0].link_netnsid != null' >/dev/null
	check_err $? "moved device does not show its lower's netns id"
	"$VMUX" -n "$A" link add link "$NA" name v11 netns "$C" type vlan id 11
	check_err $? "add with netns NAME"
	link_exists "$C" v11
	check_err $? "v11 not created in $C"
	link_exists "$A" v11
	check_fail $? "v11 created in $A as well"
	out=$("$VMUX" -n nosuchns link show 2>&1)
	check_fail $? "-n of a missing netns"
	[[ $out == *nosuchns* ]]
	check_err $? "message does not name the netns: $out"
	log_test "-n NETNS, netns NAME on add and set"
}

cli_link_netns()
{
	local C

	RET=0
	hosts_setup -i quiet_ns
	setup_ns C
	"$VMUX" -n "$C" link add link "$NA" link-netns "$A" name v10 type vlan id 10
	check_err $? "add with link-netns"
	"$VMUX" -n "$C" -j link show dev v10 | jq -e '.[0].link_netnsid != null' >/dev/null
	check_err $? "lower in another netns not reported"
	[[ $(ip -n "$A" -j link show dev "$NA" | jq .[0].ifindex) == \
	   $("$VMUX" -n "$C" -j link show dev v10 | jq .[0].link_index) ]]
	check_err $? "link_index is not the lower's ifindex"
	# A file in /var/run/netns that is no netns (one "ip netns add" has
	# not mounted yet, or "ip netns del" unmounted) is skipped, as by ip.
	touch /var/run/netns/vmux-not-a-netns
	defer rm -f /var/run/netns/vmux-not-a-netns
	"$VMUX" -n "$C" link show dev v10 | grep -q "link-netns $A"
	check_err $? "a file in /var/run/netns that is no netns broke link show: $("$VMUX" -n "$C" link show dev v10 2>&1)"
	log_test "link-netns: the lower in another namespace"
}

cli_batch()
{
	local f out rc

	RET=0
	hosts_setup -i quiet_ns
	f=$(mktemp /tmp/vmux-batch.XXXXXX)
	defer rm -f "$f"
	cat >"$f" <<-EOF
		# three commands, the second one wrong
		link add link $NA name v10 type vlan id 10
		link add link $NA name v11 type vlan id 5000
		link add link $NA name v12 type vlan id 12
	EOF
	out=$(vm "$A" -batch "$f" 2>&1)
	rc=$?
	((rc != 0))
	check_err $? "a failing batch exited 0"
	[[ $out == *"Command failed $f:3"* ]]
	check_err $? "the failing line is not named: $out"
	link_exists "$A" v10
	check_err $? "line before the error not run"
	link_exists "$A" v12
	check_fail $? "line after the error run without -force"
	ip -n "$A" link del v10

	out=$(vm "$A" -force -batch "$f" 2>&1)
	rc=$?
	((rc == 1))
	check_err $? "-force batch with an error exited $rc, expected 1"
	link_exists "$A" v12
	check_err $? "-force did not go on after the error"
	out=$(printf 'link del v10\nlink del v12\n' | vm "$A" -batch - 2>&1)
	check_err $? "batch from stdin: $out"
	link_exists "$A" v10
	check_fail $? "batch from stdin did not run"
	log_test "-batch FILE|- stops at the failing line, -force goes on"
}

# monitor_probe FILE: add and delete a vmux device in $A; succeed once the
# monitor writing FILE has reported it.
monitor_probe()
{
	vm "$A" link add link "$NA" name probe type vlan id 99 &&
		vm "$A" link del probe
	grep -q '"probe"' "$1"
}

cli_monitor()
{
	local out pid

	RET=0
	hosts_setup -i quiet_ns
	out=$(mktemp /tmp/vmux-mon.XXXXXX)
	defer rm -f "$out"
	ip netns exec "$A" "$VMUX" -d -j monitor link >"$out" 2>&1 &
	pid=$!
	defer kill "$pid"
	# The monitor is subscribed once it reports an event: a probe device
	# comes and goes until it does (the monitor may still be starting).
	busywait 20000 monitor_probe "$out"
	check_err $? "the monitor reports nothing: $(cat "$out")"
	vm "$A" link add link "$NA" name v10 type vlan id 10
	busywait 5000 grep -q '"v10"' "$out"
	check_err $? "no event for add: $(cat "$out")"
	ip -n "$A" link add d0 type dummy 2>/dev/null
	vm "$A" link set v10 type vlan loose_binding on
	vm "$A" link del v10
	busywait 5000 grep -qE '"v10".*"deleted":true|"deleted":true.*"v10"' "$out"
	check_err $? "no delete event: $(cat "$out")"
	grep -q '"d0"' "$out"
	check_fail $? "a non-vmux device was reported"
	busywait 5000 grep -q "LOOSE_BINDING" "$out"
	check_err $? "no change event with the new flags"
	log_test "monitor reports add, change and delete of vmux devices only"
}

cli_port_show()
{
	local out

	RET=0
	hosts_setup -i quiet_ns
	vm "$A" link add link "$NA" name v10 type vlan id 10 protocol 802.1ad
	vm "$A" link add link "$NA" name m1 address 02:00:00:00:00:31 type macvlan mode bridge
	vm "$A" link add link "$NA" name i1 type ipvlan mode l2
	ip -n "$A" addr add 192.0.2.7/24 dev i1
	ip -n "$A" link set i1 up
	out=$(vm "$A" -j port show)
	check_err $? "port show"
	jq -e --arg l "$NA" '.[] | select(.ifname == $l) | .devices as $d |
		($d | map(.ifname) | sort) == ["i1","m1","v10"] and
		($d[] | select(.ifname == "v10") | .id == 10 and .protocol == "802.1ad") and
		($d[] | select(.ifname == "m1") | .address == "02:00:00:00:00:31" and .mode == "bridge") and
		($d[] | select(.ifname == "i1") | (.addresses | index("192.0.2.7")) != null and .mode == "l2")' \
		<<<"$out" >/dev/null
	check_err $? "port show content wrong: $out"
	jq -e '.[0].drops.no_child != null' <<<"$out" >/dev/null
	check_err $? "port drop counters missing: $out"
	vm "$A" port show | grep -q "v10"
	check_err $? "text port show lacks v10"
	log_test "port show: children by kind with their demux keys, counters"
}

# A container host: the children sit in other namespaces. port show in
# the lower's netns lists them all, with their netns ids, to whoever has
# CAP_NET_ADMIN over those namespaces; an unprivileged user sees the
# children of its own netns and a count of the others.
cli_port_show_netns()
{
	local C D out idc idd

	RET=0
	setup_ns A C D
	require_module dummy
	ip -n "$A" link add d0 type dummy
	vm "$A" link add link d0 name v10 type vlan id 10 &&
	vm "$A" link add link d0 name m1 netns "$C" address 02:00:00:00:00:41 type macvlan &&
	vm "$A" link add link d0 name i1 netns "$D" type ipvlan mode l2 &&
	ip -n "$D" addr add 192.0.2.9/24 dev i1 &&
	ip -n "$D" link set i1 up
	check_err $? "setup"
	out=$(vm "$A" -j port show dev d0)
	check_err $? "port show: $out"
	idc=$(ip -n "$A" -j netns list-id | jq --arg n "$C" '.[] | select(.name == $n) | .nsid')
	idd=$(ip -n "$A" -j netns list-id | jq --arg n "$D" '.[] | select(.name == $n) | .nsid')
	jq -e --argjson c "${idc:-null}" --argjson d "${idd:-null}" '.[0].devices as $devs |
		($devs | map(.ifname)) == ["v10","m1","i1"] and
		($devs[0].netnsid == null) and
		($devs[1] | .netnsid == $c and .address == "02:00:00:00:00:41") and
		($devs[2] | .netnsid == $d and (.addresses | index("192.0.2.9")) != null and .mode == "l2") and
		(.[0].hidden == null)' <<<"$out" >/dev/null
	check_err $? "root: $out (ids $idc $idd)"
	vm "$A" port show dev d0 | grep -q "m1 netnsid $idc address 02:00:00:00:00:41"
	check_err $? "text: $(vm "$A" port show dev d0)"

	# Unprivileged in $A: no CAP_NET_ADMIN over $C and $D.
	out=$(ip netns exec "$A" setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$VMUX" -j port show dev d0)
	check_err $? "unprivileged port show: $out"
	jq -e '(.[0].devices | map(.ifname)) == ["v10"] and .[0].hidden == 2' <<<"$out" >/dev/null
	check_err $? "unprivileged: $out"
	ip netns exec "$A" setpriv --reuid=65534 --regid=65534 --clear-groups "$VMUX" port show |
		grep -q "2 more in namespaces this user may not see"
	check_err $? "unprivileged, text"
	out=$(vm "$A" port show dev lo 2>&1)
	[[ $? == 1 && $out == 'Device "lo" is no vmux port.' ]]
	check_err $? "port show dev lo: $out"
	log_test "port show: children in every netns, as far as the caller may see"
}

# arp_burst DEV N: N broadcast ARP requests for 198.51.100.1 from the peer's DEV.
arp_burst()
{
	arp_requests "$B" "$1" "$2" 198.51.100.1
}

cli_drop_no_child()
{
	local d0 d1

	RET=0
	hosts_setup -i quiet_ns
	require_module 8021q
	vm "$A" link add link "$NA" name v10 type vlan id 10
	ip -n "$A" link set "$NA" promisc on
	defer ip -n "$A" link set "$NA" promisc off
	peer_vlan 30 2
	d0=$(vmux_drops_get "$A" v10 port no_child)
	arp_burst p30 5
	busywait "$WAIT_TIMEOUT" until_counter_is ">= $((d0 + 5))" vmux_drops_get "$A" v10 port no_child >/dev/null
	d1=$(vmux_drops_get "$A" v10 port no_child)
	assert_delta "port no_child" 5 "$d0" "$d1"
	log_test "drop reason no_child counts each frame for an unserved id"
}

cli_drop_child_down()
{
	local d0 d1 p0 p1

	RET=0
	hosts_setup -i quiet_ns
	require_module 8021q
	vm "$A" link add link "$NA" name v10 type vlan id 10 loose_binding on
	peer_vlan 10 2
	d0=$(vmux_drops_get "$A" v10 dev child_down)
	p0=$(vmux_drops_get "$A" v10 port child_down)
	arp_burst p10 4
	busywait "$WAIT_TIMEOUT" until_counter_is ">= $((d0 + 4))" vmux_drops_get "$A" v10 dev child_down >/dev/null
	d1=$(vmux_drops_get "$A" v10 dev child_down)
	p1=$(vmux_drops_get "$A" v10 port child_down)
	assert_delta "dev child_down" 4 "$d0" "$d1"
	assert_delta "port child_down" 4 "$p0" "$p1"
	[[ $(ip -n "$A" -j -s link show dev v10 | jq .[0].stats64.rx.dropped) -ge 4 ]]
	check_err $? "rx_dropped does not include the drops"
	log_test "drop reason child_down: frames for a vmux device that is down"
}

cli_drop_source_filter()
{
	local d0 d1

	RET=0
	hosts_setup -i quiet_ns
	vm "$A" link add link "$NA" name s1 type macvlan mode source macaddr add 02:00:00:00:00:99
	ip -n "$A" addr add 192.0.2.1/24 dev s1
	ip -n "$A" link set s1 up
	ip -n "$B" addr add 192.0.2.4/24 dev "$NB"
	ip -n "$B" neigh replace 192.0.2.1 lladdr "$(mac_of "$A" s1)" dev "$NB"
	d0=$(vmux_drops_get "$A" s1 dev source_filter)
	ip netns exec "$B" ping -q -c 6 -i 0.2 -W 1 192.0.2.1 >/dev/null
	busywait "$WAIT_TIMEOUT" until_counter_is ">= $((d0 + 6))" vmux_drops_get "$A" s1 dev source_filter >/dev/null
	d1=$(vmux_drops_get "$A" s1 dev source_filter)
	assert_delta "source_filter" 6 "$d0" "$d1"
	log_test "drop reason source_filter: unlisted senders of a source device"
}

# udp_send NS DST N: exactly N datagrams (ping resends what the stack
# refused with ENOBUFS, so it cannot count frames).
udp_send()
{
	ip netns exec "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
for _ in range(int(sys.argv[2])):
    try:
        s.sendto(b"vmux", (sys.argv[1], 9))
    except OSError:
        pass
' "$2" "$3"
}

cli_drop_mode()
{
	local C D d0 d1

	RET=0
	hosts_setup -i quiet_ns
	setup_ns C D
	quiet_ns "$C" "$D"
	vm "$A" link add link "$NA" name i1 type ipvlan mode l3 private
	vm "$A" link add link "$NA" name i2 type ipvlan mode l3 private
	ip -n "$A" link set i1 netns "$C"
	ip -n "$A" link set i2 netns "$D"
	ip -n "$C" addr add 192.0.2.1/24 dev i1
	ip -n "$C" link set i1 up
	ip -n "$D" addr add 192.0.2.2/24 dev i2
	ip -n "$D" link set i2 up
	d0=$(vmux_drops_get "$C" i1 dev mode)
	udp_send "$C" 192.0.2.2 5
	d1=$(vmux_drops_get "$C" i1 dev mode)
	assert_delta "mode (private)" 5 "$d0" "$d1"
	log_test "drop reason mode: private isolation, one per frame"
}

cli_drop_bc_queue_full()
{
	local d0 d1 r0 r1 m
	local -A c0 c1 x0 x1

	RET=0
	hosts_setup -i quiet_ns
	# bcqueuelen 0: the macvlan documentation's "drop all broadcast".
	# m1, m2 up would each have had a copy; m3 is down.
	for m in m1 m2 m3; do
		vm "$A" link add link "$NA" name "$m" type macvlan mode bridge bcqueuelen 0
	done
	ip -n "$A" link set m1 up && ip -n "$A" link set m2 up
	ip -n "$B" addr add 192.0.2.4/24 dev "$NB"
	d0=$(vmux_drops_get "$A" m1 port bc_queue_full)
	r0=$(link_stats_get "$A" "$NA" rx dropped)
	for m in m1 m2 m3; do
		c0[$m]=$(vmux_drops_get "$A" "$m" dev bc_queue_full)
		x0[$m]=$(link_stats_get "$A" "$m" rx dropped)
	done
	arp_requests "$B" "$NB" 5 192.0.2.99
	busywait "$WAIT_TIMEOUT" until_counter_is ">= $((d0 + 5))" vmux_drops_get "$A" m1 port bc_queue_full >/dev/null
	d1=$(vmux_drops_get "$A" m1 port bc_queue_full)
	r1=$(link_stats_get "$A" "$NA" rx dropped)
	for m in m1 m2 m3; do
		c1[$m]=$(vmux_drops_get "$A" "$m" dev bc_queue_full)
		x1[$m]=$(link_stats_get "$A" "$m" rx dropped)
	done
	assert_delta "port bc_queue_full" 5 "$d0" "$d1"
	assert_delta "lower rx_dropped (as macvlan counts it)" 5 "$r0" "$r1"
	# Beyond macvlan: each child that was due a copy counts it.
	assert_delta "m1 bc_queue_full" 5 "${c0[m1]}" "${c1[m1]}"
	assert_delta "m1 rx_dropped" 5 "${x0[m1]}" "${x1[m1]}"
	assert_delta "m2 bc_queue_full" 5 "${c0[m2]}" "${c1[m2]}"
	assert_delta "m2 rx_dropped" 5 "${x0[m2]}" "${x1[m2]}"
	assert_delta "m3 (down) bc_queue_full" 0 "${c0[m3]}" "${c1[m3]}"
	assert_delta "m3 (down) rx_dropped" 0 "${x0[m3]}" "${x1[m3]}"
	log_test "drop reason bc_queue_full: each frame over the queue length, on the port and each child due a copy"
}

cli_drop_tx()
{
	local C d0 d1

	RET=0
	hosts_setup -i quiet_ns
	setup_ns C
	quiet_ns "$C"
	# An l3 ipvlan drops L2 broadcast on transmit, as ipvlan does (the IP
	# stack never makes one on a NOARP device: a packet socket does).
	vm "$A" link add link "$NA" name i1 type ipvlan mode l3
	ip -n "$A" link set i1 netns "$C"
	ip -n "$C" addr add 192.0.2.1/24 dev i1
	ip -n "$C" link set i1 up
	d0=$(vmux_drops_get "$C" i1 dev tx)
	ip netns exec "$C" python3 -c '
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("i1", 0))
for _ in range(5):
    try:
        s.send(b"\xff" * 6 + b"\x02" * 6 + b"\x08\x00" + b"\x45" + b"\0" * 45)
    except OSError:
        pass
' 
	d1=$(vmux_drops_get "$C" i1 dev tx)
	assert_delta "tx" 5 "$d0" "$d1"
	[[ $(ip -n "$C" -j -s link show dev i1 | jq .[0].stats64.tx.dropped) == "$d1" ]]
	check_err $? "tx_dropped is not the tx drop count"
	log_test "drop reason tx: frames the lower refused (l3 broadcast)"
}

# The kernels dump a source-MAC list in their own hash order: compare sets.
info_data()
{
	jq -S -c '.[0].linkinfo.info_data |
		if .macaddr_data then .macaddr_data |= sort else . end'
}

# KIND|ARGS: a sample of every kind's options, for the comparisons below.
kind_option_rows()
{
	cat <<-EOF
		vlan|id 10
		vlan|id 11 protocol 802.1ad reorder_hdr off loose_binding on
		vlan|id 12 ingress-qos-map 1:2 3:4 egress-qos-map 5:6 2:1
		macvlan|mode vepa
		macvlan|mode bridge bcqueuelen 77
		macvlan|mode private
		macvlan|mode passthru nopromisc
		macvlan|mode source nodst macaddr set 02:00:00:00:00:01 02:00:00:00:00:02
		ipvlan|mode l2
		ipvlan|mode l3 private
		ipvlan|mode l3s vepa
	EOF
}

cli_json_equals_ip()
{
	local args ours theirs kind

	RET=0
	setup_ns A
	require_module dummy
	require_module 8021q
	require_module macvlan
	require_module ipvlan
	ip -n "$A" link add d0 type dummy
	ip -n "$A" link add d1 type dummy
	while IFS='|' read -r kind args; do
		[[ -z $kind ]] && continue
		# shellcheck disable=SC2086
		vm "$A" link add link d0 name ours type $kind $args &&
		ip -n "$A" link add link d1 name theirs type $kind $args
		check_err $? "create $kind $args"
		ours=$(vm "$A" -j -d link show dev ours | info_data)
		theirs=$(ip -n "$A" -j -d link show dev theirs | info_data)
		[[ $ours == "$theirs" && $ours != null ]]
		check_err $? "$kind $args:
	vmux: $ours
	ip:   $theirs"
		ip -n "$A" link del ours
		ip -n "$A" link del theirs
	done < <(kind_option_rows)
	log_test "vmux -j -d link show info_data equals ip's for the in-kernel kind"
}

# generic JSON: ip -j -d link show DEV, less what differs between two
# devices by nature (index, name, lower, kind, MAC unless the row sets it).
generic_json()
{
	local ns=$1 dev=$2 keep_mac=$3

	ip -n "$ns" -j -d link show dev "$dev" |
		jq -S -c --argjson mac "$keep_mac" '.[0] | del(.ifindex, .ifname, .link,
			.linkinfo) | if $mac then . else del(.address) end'
}

# generic_same NS MAC: ours and theirs show the same generic_json.
generic_same()
{
	[[ $(generic_json "$1" ours "$2") == "$(generic_json "$1" theirs "$2")" ]]
}

# same_outcome WHAT CMD-OURS CMD-THEIRS [STATUS]: both succeed, or both fail
# with the same exit status and message; STATUS: the exit status both must
# have.
same_outcome()
{
	local what=$1 want=${4:-} ours theirs rc_ours rc_theirs

	ours=$(eval "$2" 2>&1)
	rc_ours=$?
	theirs=$(eval "$3" 2>&1)
	rc_theirs=$?
	[[ $rc_ours == "$rc_theirs" && $ours == "$theirs" && ( -z $want || $rc_ours == "$want" ) ]]
	check_err $? "$what: vmux exited $rc_ours ($ours), ip $rc_theirs ($theirs)${want:+, expected $want}"
}

# Every generic keyword of ip-link(8) through vmux on a vmux_macvlan and
# through ip on an in-kernel macvlan: the same ip -j -d link show, or the
# same refusal.
cli_generic_equals_ip()
{
	local op args ours theirs mac

	RET=0
	setup_ns A
	require_module dummy
	require_module macvlan
	require_module bridge
	ip -n "$A" link add d0 type dummy
	ip -n "$A" link add d1 type dummy
	ip -n "$A" link add br0 type bridge
	while IFS='|' read -r op args; do
		[[ -z $op ]] && continue
		mac=false
		[[ $args == *address* ]] && mac=true
		if [[ $op == add ]]; then
			ip -n "$A" link del ours 2>/dev/null
			ip -n "$A" link del theirs 2>/dev/null
			same_outcome "add $args" \
				"vm $A link add link d0 name ours $args type macvlan mode bridge" \
				"ip -n $A link add link d1 name theirs $args type macvlan mode bridge"
		else
			link_exists "$A" ours && link_exists "$A" theirs
			check_err $? "set $args: no devices to set (the last add failed)"
			same_outcome "set $args" "vm $A link set ours $args" \
				"ip -n $A link set theirs $args"
		fi
		link_exists "$A" ours || continue
		# The operstate follows linkwatch's events, up to a second late.
		loopy_wait "sleep 0.1" "$WAIT_TIMEOUT" generic_same "$A" "$mac"
		ours=$(generic_json "$A" ours "$mac")
		theirs=$(generic_json "$A" theirs "$mac")
		[[ $ours == "$theirs" ]]
		check_err $? "$op $args:
	vmux: $ours
	ip:   $theirs"
	done <<-EOF
		add|
		add|protodown on
		add|addrgenmode none
		add|numtxqueues 4 numrxqueues 3 gso_max_size 32768 gso_max_segs 100 gro_max_size 32768 txqueuelen 77 mtu 1400 group 5 broadcast ff:ff:ff:ff:ff:fe arp off multicast off allmulticast on promisc on dynamic on trailers off alias frontend
		add|address 02:00:00:00:00:42 master br0 mode dormant up
		set|alias backend state dormant mode default group default txqlen 1000 arp on promisc off allmulticast off gso_max_size 16384 gso_max_segs 10 gro_max_size 16384 addrgenmode random
		set|alias ""
		set|nomaster
		set|carrier off
		set|protodown_reason 0 on
		set|down
	EOF
	# index: each its own number.
	ip -n "$A" link del ours
	vm "$A" link add link d0 name ours index 4242 type macvlan
	check_err $? "add index 4242"
	[[ $(ip -n "$A" -j link show dev ours | jq .[0].ifindex) == 4242 ]]
	check_err $? "ours is not ifindex 4242"
	log_test "every generic keyword: vmux on vmux_macvlan as ip on macvlan"
}

# Usage errors: exit status 1, a message naming the word, nothing changed.
cli_usage_errors()
{
	local row want out rc before

	RET=0
	setup_ns A
	require_module dummy
	ip -n "$A" link add d0 type dummy
	vm "$A" link add link d0 name m0 type macvlan
	before=$(ip -n "$A" -j -d link show | jq -S -c 'map(del(.stats64))')
	while IFS='|' read -r row want; do
		[[ -z $row ]] && continue
		out=$(eval "vm $A $row" 2>&1)
		rc=$?
		((rc == 1)) && [[ $out == *"$want"* ]]
		check_err $? "vmux $row: exit status $rc (want 1), \"$out\" (want \"$want\")"
	done <<-EOF
		link add link d0 name "a b" type macvlan|Error: argument "a b" is wrong: "name" not a valid ifname
		link add link d0 name 0123456789abcdef type macvlan|"name" not a valid ifname
		link set dev "m 0" up|Error: argument "m 0" is wrong: "dev" not a valid ifname
		link set m0 numtxqueues 2|Error: argument "numtxqueues" is wrong: not an option of "link set"
		link set m0 index 7|index can be used only when creating devices
		link add link d0 name x numtxqueues 0 type macvlan|numtxqueues must be 1-4096
		link set m0 promisc yes|promisc must be "on" or "off"
		link set m0 group nosuchgroup|Invalid "group" value
		link set m0 frobnicate|Error: either "dev" is duplicate, or "frobnicate" is a garbage.
		link show dev nosuch|Device "nosuch" does not exist.
		link add link nosuch name x type macvlan|Cannot find device "nosuch"
	EOF
	[[ $(ip -n "$A" -j -d link show | jq -S -c 'map(del(.stats64))') == "$before" ]]
	check_err $? "a refused command changed something"
	out=$(vm "$A" link add link d0 name m1 type vmux_nosuch 2>&1)
	[[ $? == 1 && $out == *'unknown link type'* ]]
	check_err $? "unknown kind: $out"
	log_test "usage errors exit 1 and name the word at fault; nothing changes"
}

# -br, -o, -c, -s -s and the show filters, against ip on the same devices.
cli_show_habits()
{
	local ours theirs out

	RET=0
	setup_ns A
	require_module dummy
	require_module bridge
	ip -n "$A" link add d0 type dummy
	ip -n "$A" link add br0 type bridge
	ip -n "$A" link set d0 up
	# m0 stays down: no traffic moves the counters between the two
	# shows. Without a master: ip -d would show the bridge port too.
	out=$(vm "$A" link add link d0 name m0 group 7 type macvlan 2>&1 &&
	      vm "$A" link set m0 alias web 2>&1 &&
	      vm "$A" link add link d0 name m1 master br0 type macvlan 2>&1 &&
	      vm "$A" link add link d0 name i0 up type ipvlan 2>&1)
	check_err $? "setup: $out"
	for opts in "-br" "-o" "-o -d" "-s -s" "-br -j" "-s -s -j" "-c=always" "-d -j"; do
		# vmux's drop counters are its own addition.
		# shellcheck disable=SC2086
		ours=$(vm "$A" $opts link show dev m0 | grep -v '^    vmux ' |
			if [[ $opts == *-j* ]]; then jq -c 'map(del(.vmux_drops, .linkinfo))'; else cat; fi)
		# shellcheck disable=SC2086
		theirs=$(ip -n "$A" $opts link show dev m0 |
			if [[ $opts == *-j* ]]; then jq -c 'map(del(.linkinfo))'; else cat; fi)
		# Without the plugins, ip prints no kind data.
		[[ $opts == *-d* && $opts != *-j* ]] && ours=${ours/ mode vepa bcqueuelen 1000 usedbcqueuelen 1000/}
		[[ $ours == "$theirs" ]]
		check_err $? "$opts:
vmux: $ours
ip:   $theirs"
	done
	[[ $(vm "$A" -br link show up | cut -d' ' -f1) == i0@d0 ]]
	check_err $? "filter up"
	[[ $(vm "$A" -br link show master br0 | cut -d' ' -f1) == m1@d0 ]]
	check_err $? "filter master"
	[[ $(vm "$A" -br link show group 7 | cut -d' ' -f1) == m0@d0 ]]
	check_err $? "filter group"
	[[ $(vm "$A" -br link show type ipvlan | cut -d' ' -f1) == i0@d0 ]]
	check_err $? "filter type"
	log_test "-brief, -oneline, -color, -s -s and the show filters as ip's"
}

# The man page's EXAMPLES, as written, on an eth0 of their own.
cli_man_examples()
{
	local man line etc n=0

	RET=0
	setup_ns A
	require_module dummy
	# The examples' own namespace name.
	ip netns add blue || return 1
	defer ip netns del blue
	man=$(dirname "$0")/../Documentation/man/vmux.8
	ip -n "$A" link add eth0 type dummy
	# /etc/vmux: the example configuration, in a directory of the test's.
	etc=$(mktemp -d /tmp/vmux-etc.XXXXXX)
	defer rm -rf "$etc"
	cp "$(dirname "$0")/../Documentation/examples/10-eth0.conf" "$etc/"
	while read -r line; do
		line=${line#.B }
		line=${line//\\-/-}
		line=${line//\/etc\/vmux/$etc}
		[[ $line == vmux* ]] || continue
		n=$((n + 1))
		# shellcheck disable=SC2086
		"$VMUX" -n "$A" ${line#vmux } >/dev/null
		check_err $? "man page example failed: $line"
	done < <(sed -n '/^\.SH EXAMPLES/,/^\.SH SEE ALSO/p' "$man")
	((n >= 8))
	check_err $? "only $n examples found in $man"
	log_test "the man page's $n examples run"
}

# Stock ip with vmux's plugins (build/ip, where IP_LIB_DIR points ip):
# every kind option created and changed through ip, shown by ip as vmux
# shows it; another ip finds the plugins inert and keeps working.
cli_iproute2_plugins()
{
	local kind args ours theirs lib ipx out

	RET=0
	lib=$(dirname "$VMUX")/ip
	[[ -e $lib/link_vmux_vlan.so ]] || { log_test_skip "iproute2 plugins" "not built"; return 0; }
	setup_ns A
	require_module dummy
	ip -n "$A" link add d0 type dummy
	while IFS='|' read -r kind args; do
		[[ -z $kind ]] && continue
		# shellcheck disable=SC2086
		IP_LIB_DIR=$lib ip -n "$A" link add link d0 name p0 type vmux_$kind $args
		check_err $? "ip link add ... type vmux_$kind $args"
		ours=$(vm "$A" -j -d link show dev p0 | info_data)
		theirs=$(IP_LIB_DIR=$lib ip -n "$A" -j -d link show dev p0 | info_data)
		[[ $ours == "$theirs" && $ours != null ]]
		check_err $? "JSON, $kind $args:
	vmux: $ours
	ip:   $theirs"
		ours=$(vm "$A" -d link show dev p0)
		theirs=$(IP_LIB_DIR=$lib ip -n "$A" -d link show dev p0)
		[[ $ours == "$theirs" ]]
		check_err $? "text, $kind $args:
vmux: $ours
ip:   $theirs"
		ip -n "$A" link del p0
	done < <(kind_option_rows)
	IP_LIB_DIR=$lib ip -n "$A" link add link d0 name p0 type vmux_vlan id 20 &&
	IP_LIB_DIR=$lib ip -n "$A" link set p0 type vmux_vlan egress-qos-map 4:5 loose_binding on
	check_err $? "ip link set ... type vmux_vlan"
	[[ $(vm "$A" -j -d link show dev p0 | info_data) == \
	   '{"egress_qos":[{"from":4,"to":5}],"flags":["REORDER_HDR","LOOSE_BINDING"],"id":20,"protocol":"802.1Q"}' ]]
	check_err $? "the change: $(vm "$A" -j -d link show dev p0 | info_data)"
	out=$(IP_LIB_DIR=$lib ip -n "$A" link add link d0 name p1 type vmux_vlan id 5000 2>&1)
	[[ $? != 0 && $out == 'Error: argument "5000" is wrong: id must be 0-4094' ]]
	check_err $? "bad id through ip: $out"
	link_exists "$A" p1
	check_fail $? "p1 created"

	# Another ip: a copy without its build-id is not the ip the plugins
	# were built for. They refuse to parse, ip keeps showing.
	ipx=$(mktemp -d)/ip
	defer rm -rf "$(dirname "$ipx")"
	objcopy --remove-section .note.gnu.build-id "$(command -v ip)" "$ipx"
	out=$(IP_LIB_DIR=$lib "$ipx" -n "$A" link add link d0 name p1 type vmux_vlan id 5 2>&1)
	[[ $? != 0 && $out == *'the link_vmux_vlan.so plugin is not used: built for the ip with build-id'* ]]
	check_err $? "another ip: $out"
	IP_LIB_DIR=$lib "$ipx" -n "$A" -d link show dev p0 2>/dev/null | grep -q '^    vmux_vlan '
	check_err $? "another ip cannot show p0"
	log_test "stock ip with the plugins: every kind option, as vmux; another ip unharmed"
}

# xdp*: an ELF object loaded through libbpf as ip loads it, shown as ip
# shows it, replaced only with -force, detached with off, and dropping
# what it should on a vmux_macvlan; vrf: master, for a VRF only.
cli_xdp_vrf()
{
	local dir out theirs C

	RET=0
	hosts_setup -i quiet_ns
	# m1 in a netns of its own: in the lower's, the lower would answer
	# for m1's address itself (ARP flux) and the frames bypass m1.
	setup_ns C
	require_module vrf
	dir=$(mktemp -d)
	defer rm -rf "$dir"
	cat >"$dir/drop.c" <<-EOF
		#include <linux/bpf.h>
		__attribute__((section("xdp"), used)) int xdp_drop_all(struct xdp_md *ctx)
		{
			return XDP_DROP;
		}
		char _license[] __attribute__((section("license"), used)) = "GPL";
	EOF
	clang -O2 -target bpf -I/usr/include/x86_64-linux-gnu -c "$dir/drop.c" -o "$dir/drop.o"
	check_err $? "clang -target bpf"

	vm "$A" link add link "$NA" name m1 netns "$C" type macvlan mode bridge &&
	ip -n "$C" addr add 192.0.2.51/24 dev m1 && ip -n "$C" link set m1 up &&
	ip -n "$B" addr add 192.0.2.52/24 dev "$NB" && ip -n "$B" link set "$NB" up
	check_err $? "setup"
	slowwait 10 ip netns exec "$B" ping -c 1 -W 1 192.0.2.51 >/dev/null
	check_err $? "no ping before XDP"

	vm "$C" link set m1 xdpgeneric object "$dir/drop.o" section xdp
	check_err $? "xdpgeneric object"
	for opts in "" "-d" "-j" "-d -j"; do
		# shellcheck disable=SC2086
		out=$(vm "$C" $opts link show dev m1)
		# shellcheck disable=SC2086
		theirs=$(ip -n "$C" $opts link show dev m1)
		# Without the plugins ip prints no kind data.
		if [[ $opts == *-j* ]]; then
			out=$(jq -c 'map(del(.linkinfo))' <<<"$out")
			theirs=$(jq -c 'map(del(.linkinfo))' <<<"$theirs")
		else
			out=${out/ mode bridge bcqueuelen 1000 usedbcqueuelen 1000/}
		fi
		# The lower's netns by name, as ip gives it.
		[[ $opts == *-j* || $out == *" link-netns $A"* ]]
		check_err $? "no link-netns $A: $out"
		[[ $out == "$theirs" && $out == *xdp_drop_all* ]]
		check_err $? "show $opts:
vmux: $out
ip:   $theirs"
	done
	ip netns exec "$B" ping -c 1 -W 1 192.0.2.51 >/dev/null
	check_fail $? "ping through XDP_DROP"

	same_outcome "replace without -force" "vm $C link set m1 xdpgeneric object $dir/drop.o sec xdp" \
		"ip -n $C link set m1 xdpgeneric object $dir/drop.o sec xdp" 2
	vm "$C" -force link set m1 xdpgeneric object "$dir/drop.o" section xdp
	check_err $? "replace with -force"
	vm "$C" link set m1 xdpgeneric off
	check_err $? "xdpgeneric off"
	vm "$C" -j link show dev m1 | jq -e '.[0].xdp == null' >/dev/null
	check_err $? "still attached"
	slowwait 10 ip netns exec "$B" ping -c 1 -W 1 192.0.2.51 >/dev/null
	check_err $? "no ping after xdp off"
	# No native XDP on a vmux device: xdpdrv is refused as ip sees it refused.
	same_outcome "xdpdrv" "vm $C link set m1 xdpdrv object $dir/drop.o section xdp" \
		"ip -n $C link set m1 xdpdrv object $dir/drop.o section xdp" 2
	out=$(vm "$C" link set m1 xdpgeneric object "$dir/drop.o" 2>&1)
	[[ $? == 1 && $out == "No section \"prog\" in BPF object \"$dir/drop.o\"" ]]
	check_err $? "the default section, prog: $out"
	out=$(vm "$C" link set m1 xdp object "$dir/nosuch.o" 2>&1)
	[[ $? == 1 && $out == *'Cannot open BPF object'*nosuch.o* ]]
	check_err $? "missing object: $out"

	ip -n "$C" link add vrf0 type vrf table 10 &&
	vm "$C" link set m1 vrf vrf0
	check_err $? "vrf vrf0"
	[[ $(ip -n "$C" -j link show dev m1 | jq -r '.[0].master') == vrf0 ]]
	check_err $? "m1 not in vrf0"
	out=$(vm "$C" link set m1 vrf lo 2>&1)
	[[ $? == 1 && $out == 'Error: argument "lo" is wrong: Not a valid VRF name' ]]
	check_err $? "vrf on a non-VRF: $out"
	log_test "xdp object/off/-force and vrf, as ip"
}

# A batch remembers the devices it looked up (as ip -batch does): renames
# and deletes within the batch must be seen by the lines after them.
cli_batch_names()
{
	local f out

	RET=0
	setup_ns A
	require_module dummy
	ip -n "$A" link add d0 type dummy
	f=$(mktemp /tmp/vmux-batch.XXXXXX)
	defer rm -f "$f"
	cat >"$f" <<-EOF
		link add link d0 name v1 type vlan id 1
		link set dev d0 name d9
		link add link d9 name v2 type vlan id 2
		link add link d0 name v3 type vlan id 3
		link add link d9 name m1 type macvlan
		link del d9
		link add link d9 name m2 type macvlan
	EOF
	out=$(vm "$A" -force -batch "$f" 2>&1)
	check_fail $? "a batch with two bad lines exited 0"
	[[ $out == *"Cannot find device \"d0\""*"Command failed $f:4"* ]]
	check_err $? "the renamed lower was still found by its old name: $out"
	[[ $out == *"Cannot find device \"d9\""*"Command failed $f:7"* ]]
	check_err $? "the deleted lower was still found: $out"
	[[ $(grep -c "Command failed" <<<"$out") == 2 ]]
	check_err $? "not exactly two failed lines: $out"
	[[ $(ip -n "$A" -o link show | grep -c "@") == 0 ]]
	check_err $? "children left after their lower was deleted"
	log_test "-batch: renames and deletes are seen by the next lines"
}

# vmux -batch against ip -batch, in the same VM. What the CLI costs is
# counted, not timed (a wall-clock ratio under TCG moves by 10-20% with
# whatever ran before; speed claims come from "make bench"): strace counts
# each tool's system calls, its netlink requests among them.

# batch_calls TOOL FILE: run one batch under strace, print
# "REQUESTS TOTAL MS": sendmsg/sendto calls, all calls, wall time in ms.
batch_calls()
{
	local tool=$1 file=$2 trace t0 t1 sends total

	trace=$(mktemp /tmp/vmux-strace.XXXXXX)
	t0=$(date +%s%N)
	if [[ $tool == vmux ]]; then
		ip netns exec "$A" strace -f -qq -o "$trace" "$VMUX" -batch "$file"
	else
		ip netns exec "$A" strace -f -qq -o "$trace" ip -batch "$file"
	fi
	check_err $? "$tool -batch"
	t1=$(date +%s%N)
	sends=$(grep -cE '^([0-9]+ +)?(sendmsg|sendto|sendmmsg)\(' "$trace")
	total=$(grep -cE '^([0-9]+ +)?[a-z_0-9]+\(' "$trace")
	rm -f "$trace"
	echo "$sends $total $(((t1 - t0) / 1000000))"
}

# The first 1,000 VLANs under strace, both tools (strace makes each line
# ten times dearer); then ids 1001-4094 in one more vmux -batch, without:
# the whole VLAN id range on one lower.
cli_batch_4094()
{
	local f g h n vs vt vms is it ims

	RET=0
	setup_ns A
	require_module dummy
	require_module 8021q
	require_command strace
	f=$(mktemp /tmp/vmux-b.XXXXXX)
	g=$(mktemp /tmp/ip-b.XXXXXX)
	h=$(mktemp /tmp/vmux-b.XXXXXX)
	defer rm -f "$f" "$g" "$h"
	for ((n = 1; n <= 1000; n++)); do
		echo "link add link d0 name v$n type vlan id $n" >>"$f"
		echo "link add link d1 name k$n type vlan id $n" >>"$g"
	done
	for ((n = 1001; n <= 4094; n++)); do
		echo "link add link d0 name v$n type vlan id $n" >>"$h"
	done
	ip -n "$A" link add d0 type dummy
	ip -n "$A" link add d1 type dummy
	read -r vs vt vms < <(batch_calls vmux "$f")
	read -r is it ims < <(batch_calls ip "$g")
	vm "$A" -batch "$h"
	check_err $? "vmux -batch, ids 1001-4094"
	[[ $(ip -n "$A" -o link show type vmux_vlan | wc -l) == 4094 ]]
	check_err $? "not 4094 vmux_vlan devices"
	[[ $(ip -n "$A" -o link show type vlan | wc -l) == 1000 ]]
	check_err $? "not 1000 vlan devices"
	log_info "1000 VLANs: vmux -batch $vs requests, $vt system calls ($vms ms under strace);" \
		 "ip -batch $is requests, $it system calls ($ims ms)"
	# One request per line, as ip: no lookup or dump per line.
	((vs <= is))
	check_err $? "vmux -batch sent $vs netlink requests, ip -batch $is"
	((vt <= it))
	check_err $? "vmux -batch made $vt system calls, ip -batch $it"
	ip -n "$A" link del d0
	ip -n "$A" link del d1
	log_test "vmux -batch: no more system calls than ip -batch; all 4094 VLAN ids on one lower"
}

require_root
require_vmux
tests_run
exit "$(exit_status)"
