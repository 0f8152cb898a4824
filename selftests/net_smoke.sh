#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Smoke test of the VM harness itself, with no vmux code involved: the wire
# between the two NICs of its pair, namespaces, counters, the tcpdump helper, and
# the in-kernel 8021q driver (the reference vmux_vlan is tested against).
#
#  +-------------------------------+        +-------------------------------+
#  | $NS_A                         |        | $NS_B                         |
#  |                               |        |                               |
#  |  $E1000.10 198.51.100.1/24    |        |  $VIRTIO.10 198.51.100.2/24   |
#  |  (8021q, egress-qos-map 0:5)  |        |  (8021q)                      |
#  |  $E1000.20 203.0.113.1/24     |        |  $VIRTIO.30 203.0.113.2/24    |
#  |        |                      |        |        |                      |
#  |  $E1000 (e1000) 192.0.2.1/24  |        |  $VIRTIO (virtio) 192.0.2.2/24|
#  +--------|----------------------+        +--------|----------------------+
#           |          QEMU hub: the wire            |
#           +----------------------------------------+

ALL_TESTS="
	untagged_ping
	vlan_ping
	vlan_mismatch
"

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

setup()
{
	read -r E1000 VIRTIO < <(nics) || exit 1
	setup_ns NS_A NS_B || exit 1
	nic_to_ns "$E1000" "$NS_A" || exit 1
	nic_to_ns "$VIRTIO" "$NS_B" || exit 1
	ip -n "$NS_A" addr add 192.0.2.1/24 dev "$E1000"
	ip -n "$NS_B" addr add 192.0.2.2/24 dev "$VIRTIO"
	MAC_A=$(mac_of "$NS_A" "$E1000")
	MAC_B=$(mac_of "$NS_B" "$VIRTIO")
	nic_wait_carrier "$NS_A" "$E1000" || { echo "FAIL: no carrier on $E1000"; exit 1; }
	nic_wait_carrier "$NS_B" "$VIRTIO" || { echo "FAIL: no carrier on $VIRTIO"; exit 1; }
}

# vlan_add NS DEV ID ADDR/LEN [ARGS...]: an 8021q device DEV.ID with ADDR,
# up, deleted at the end of the test.
vlan_add()
{
	local ns=$1 dev=$2 id=$3 addr=$4; shift 4

	ip -n "$ns" link add link "$dev" name "$dev.$id" type vlan id "$id" "$@" || return
	defer ip -n "$ns" link del "$dev.$id"
	ip -n "$ns" addr add "$addr" dev "$dev.$id"
	ip -n "$ns" link set dev "$dev.$id" up
}

# rx_grew DEV BEFORE: DEV in $NS_B received 3 packets or more since its rx
# counter read BEFORE.
rx_grew()
{
	local dev=$1 before=$2 after

	after=$(link_stats_get "$NS_B" "$dev" rx packets)
	((after - before >= 3))
	check_err $? "$dev rx packets moved by $((after - before)), expected >= 3"
}

untagged_ping()
{
	local before

	RET=0
	before=$(link_stats_get "$NS_B" "$VIRTIO" rx packets)
	tcpdump_start "$NS_B" "$VIRTIO" icmp
	check_err $? "tcpdump did not start"

	ping_do "$NS_A" 192.0.2.2
	check_err $? "no ping reply from 192.0.2.2"

	tcpdump_wait "$MAC_A > $MAC_B, ethertype IPv4 \(0x0800\).*ICMP echo request" 3
	check_err $? "3 untagged echo requests not seen on the wire: $(tcpdump_show)"
	tcpdump_stop
	tcpdump_show | grep -q "802.1Q"
	check_fail $? "a tag on the untagged wire: $(tcpdump_show)"

	rx_grew "$VIRTIO" "$before"

	log_test "untagged ping over the wire (e1000 -> virtio-net)"
}

vlan_ping()
{
	local before

	RET=0
	vlan_add "$NS_A" "$E1000" 10 198.51.100.1/24 egress-qos-map 0:5
	check_err $? "cannot add an 8021q device on $E1000"
	vlan_add "$NS_B" "$VIRTIO" 10 198.51.100.2/24
	check_err $? "cannot add an 8021q device on $VIRTIO"
	before=$(link_stats_get "$NS_B" "$VIRTIO.10" rx packets)

	tcpdump_start "$NS_B" "$VIRTIO"
	check_err $? "tcpdump did not start"
	ping_do "$NS_A" 198.51.100.2
	check_err $? "no ping reply over VLAN 10"

	# Requests: tagged by e1000 hardware, with the PCP from the QoS map.
	tcpdump_wait "$MAC_A > $MAC_B, ethertype 802.1Q \(0x8100\), .*: vlan 10, p 5, ethertype IPv4 \(0x0800\), 198.51.100.1 > 198.51.100.2: ICMP echo request" 3
	check_err $? "3 echo requests with vlan 10, p 5 not seen on the wire: $(tcpdump_show)"
	# Replies: tagged in software by the virtio side, PCP 0.
	tcpdump_wait "$MAC_B > $MAC_A, ethertype 802.1Q \(0x8100\), .*: vlan 10, p 0, ethertype IPv4 \(0x0800\), 198.51.100.2 > 198.51.100.1: ICMP echo reply" 3
	check_err $? "3 echo replies with vlan 10, p 0 not seen on the wire: $(tcpdump_show)"
	tcpdump_stop

	rx_grew "$VIRTIO.10" "$before"

	log_test "8021q VLAN 10 ping, tag and PCP on the wire"
}

vlan_mismatch()
{
	local before after

	RET=0
	vlan_add "$NS_A" "$E1000" 20 203.0.113.1/24
	check_err $? "cannot add VLAN 20 on $E1000"
	vlan_add "$NS_B" "$VIRTIO" 30 203.0.113.2/24
	check_err $? "cannot add VLAN 30 on $VIRTIO"
	before=$(link_stats_get "$NS_B" "$VIRTIO.30" rx packets)

	tcpdump_start "$NS_B" "$VIRTIO" arp
	check_err $? "tcpdump did not start"
	in_ns "$NS_A" ping -q -c 1 -w 2 203.0.113.2 >/dev/null
	check_fail $? "ping from VLAN 20 reached VLAN 30"
	# The frames did cross the wire, tagged 20, and were not taken by 30.
	tcpdump_wait "ethertype 802.1Q \(0x8100\), .*: vlan 20, p 0, ethertype ARP" 1
	check_err $? "no ARP request tagged vlan 20 on the wire: $(tcpdump_show)"
	tcpdump_stop

	after=$(link_stats_get "$NS_B" "$VIRTIO.30" rx packets)
	((after == before))
	check_err $? "$VIRTIO.30 received $((after - before)) packets from VLAN 20"

	log_test "8021q VLAN 20 frames do not reach VLAN 30"
}

require_root
require_command ip jq tcpdump ping
require_module 8021q
setup
tests_run
exit "$(exit_status)"
