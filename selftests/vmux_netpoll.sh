#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# netconsole over vmux children, as over 8021q and macvlan: the kernel log
# leaves through a vmux_vlan (tagged) or a vmux_macvlan (its own MAC) by
# netpoll, and a child or its lower can be deleted while netconsole uses it.
# A vmux_ipvlan carries it in every mode: the frame goes out as built.
# netconsole binds devices of the initial netns, so the e1000 NIC stays
# here; the peer's virtio NIC is in ns $B, where tcpdump reads the wire.
#
#  initial netns                              ns $B
#  $NA (e1000) - v10 vmux_vlan 10             $NB (virtio)
#              - m1  vmux_macvlan             tcpdump -e -A
#              - i1  vmux_ipvlan l3
#  198.51.100.1 on v10, 192.0.2.1 on m1       (the addresses are netconsole's)
#      '=================== QEMU hub ===================='

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	netpoll_vlan netpoll_macvlan netpoll_ipvlan_l3
	netpoll_child_deleted netpoll_lower_deleted
"

NA=
NB=

wire_setup()
{
	read -r NA NB < <(nics) || return 1
	setup_ns B || return 1
	nic_to_ns "$NB" "$B" || return 1
	ip link set dev "$NA" up
	defer ip link set dev "$NA" down
	nic_wait_carrier "" "$NA" && nic_wait_carrier "$B" "$NB"
}

# netconsole_on DEV LOCAL_IP REMOTE_IP REMOTE_MAC: log to REMOTE_IP:6666
# through DEV; fails if netconsole cannot use DEV.
netconsole_on()
{
	modprobe netconsole "netconsole=6665@$2/$1,6666@$3/$4" 2>/dev/null || return 1
	defer rmmod netconsole
}

# A line the kernel sends to every console (quiet boot: err and above).
log_marker()
{
	echo "<3>vmux-netpoll: $1" >/dev/kmsg
}

# netconsole_sends DEV LOCAL_IP REMOTE_IP FILTER HEADER: with netconsole on
# DEV, a log line crosses the wire in a frame whose tcpdump -e header
# matches HEADER (FILTER selects the capture).
netconsole_sends()
{
	local dev=$1 lip=$2 rip=$3 filter=$4 header=$5 marker=$1-$RANDOM

	netconsole_on "$dev" "$lip" "$rip" "$(mac_of "$B" "$NB")"
	check_err $? "netconsole refused $dev"
	tcpdump_start "$B" "$NB" -A "$filter"
	log_marker "$marker"
	tcpdump_wait "$header.*$lip.6665 > $rip.6666: UDP"
	check_err $? "no netconsole frame matching \"$header\": $(tcpdump_show | head -3)"
	tcpdump_wait "vmux-netpoll: $marker"
	check_err $? "the log line is not in the frame"
}

netpoll_vlan()
{
	RET=0
	wire_setup || { log_test "netconsole through a vmux_vlan"; return; }
	"$VMUX" link add link "$NA" name v10 type vlan id 10
	defer ip link del v10
	ip addr add 198.51.100.1/24 dev v10
	ip link set v10 up
	netconsole_sends v10 198.51.100.1 198.51.100.2 "vlan and udp port 6666" \
		"ethertype 802.1Q \(0x8100\).*vlan 10,"
	log_test "netconsole through a vmux_vlan: tagged on the wire"
}

netpoll_macvlan()
{
	RET=0
	wire_setup || { log_test "netconsole through a vmux_macvlan"; return; }
	# A bridge-mode sibling: netpoll frames still go to the wire.
	"$VMUX" link add link "$NA" name m1 type macvlan mode bridge
	defer ip link del m1
	"$VMUX" link add link "$NA" name m2 type macvlan mode bridge
	defer ip link del m2
	ip addr add 192.0.2.1/24 dev m1
	ip link set m1 up
	ip link set m2 up
	netconsole_sends m1 192.0.2.1 192.0.2.2 "udp port 6666" \
		"^[0-9:.]+ $(mac_of "" m1) > .*ethertype IPv4"
	log_test "netconsole through a vmux_macvlan: its own MAC on the wire"
}

# netpoll cannot route: in l3 mode too the frame goes out as built, from
# the lower's MAC (an ipvlan's own).
netpoll_ipvlan_l3()
{
	RET=0
	wire_setup || { log_test "netconsole through a vmux_ipvlan in l3 mode"; return; }
	"$VMUX" link add link "$NA" name i1 type ipvlan mode l3
	defer ip link del i1
	ip addr add 192.0.2.1/24 dev i1
	ip link set i1 up
	netconsole_sends i1 192.0.2.1 192.0.2.2 "udp port 6666" \
		"^[0-9:.]+ $(mac_of "" "$NA") > .*ethertype IPv4"
	log_test "netconsole through a vmux_ipvlan in l3 mode"
}

# The netconsole target dies with its device: no leaked reference (the
# runner fails on "unregister_netdevice: waiting for").
netpoll_child_deleted()
{
	RET=0
	wire_setup || { log_test "netconsole's vmux_vlan deleted"; return; }
	"$VMUX" link add link "$NA" name v10 type vlan id 10
	ip addr add 198.51.100.1/24 dev v10
	ip link set v10 up
	netconsole_on v10 198.51.100.1 198.51.100.2 "$(mac_of "$B" "$NB")"
	check_err $? "netconsole refused a vmux_vlan"
	log_marker "before delete"
	timeout 30 "$VMUX" link del v10
	check_err $? "deleting the device netconsole uses failed or hung"
	dmesg | tail -20 | grep -q "network logging stopped on interface v10"
	check_err $? "netconsole did not let go of v10"
	log_marker "after delete"
	log_test "netconsole's vmux_vlan deleted under it"
}

netpoll_lower_deleted()
{
	RET=0
	require_module dummy
	ip link add d0 type dummy
	defer ip link del d0
	ip link set d0 up
	"$VMUX" link add link d0 name m1 type macvlan mode private
	ip addr add 192.0.2.1/24 dev m1
	ip link set m1 up
	netconsole_on m1 192.0.2.1 192.0.2.2 02:00:00:00:00:02
	check_err $? "netconsole refused a vmux_macvlan on a dummy"
	log_marker "lower about to go"
	timeout 30 ip link del d0
	check_err $? "deleting the lower failed or hung"
	! ip link show m1 &>/dev/null
	check_err $? "m1 outlived its lower"
	dmesg | tail -20 | grep -q "network logging stopped on interface m1"
	check_err $? "netconsole did not let go of m1"
	log_test "netconsole's vmux_macvlan: its lower deleted under it"
}

require_root
require_vmux
require_command tcpdump jq
# Loaded per test with its target (a module parameter), so not here.
if ! modinfo netconsole &>/dev/null || [[ -d /sys/module/netconsole ]]; then
	echo "SKIP: netconsole is not available, or loaded already"
	exit "$ksft_skip"
fi
tests_run
exit "$(exit_status)"
