#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make demo: vmux_vlan on the VM's e1000 NIC talking to the in-kernel 8021q
# on the other end of the wire. Runs inside the VM (selftests/vm/run).
#
#  +--------------------------------+        +--------------------------------+
#  | $HOST                          |        | $PEER                          |
#  |  eth0.10 (vmux_vlan, id 10)    |        |  eth1.10 (8021q vlan, id 10)   |
#  |  192.0.2.1/24                  |        |  192.0.2.2/24                  |
#  |     |                          |        |     |                          |
#  |  eth0 (e1000)                  |        |  eth1 (virtio-net)             |
#  +-----|--------------------------+        +-----|--------------------------+
#        |            QEMU hub: the wire           |
#        +-----------------------------------------+

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

# Show each step as a person would type it, then run it.
run()
{
	local ns=$1; shift

	printf '\n%s# %s\n' "${ns:+[${ns%%-*}] }" "$*"
	in_ns "$ns" "$@"
}

die()
{
	echo "demo: FAILED: $*"
	exit 1
}

require_root
if [[ ! -d /sys/module/vmux ]]; then
	[[ -f $VMUX_KO ]] || die "$VMUX_KO is not built (make kmod)"
	run "" insmod "$VMUX_KO" || die "cannot load $VMUX_KO"
	defer rmmod vmux
fi
[[ -x $VMUX ]] || die "$VMUX is not built (make userspace)"
modprobe 8021q || die "cannot load 8021q"

read -r E1000 VIRTIO < <(nics) || die "the VM's NICs are missing"
setup_ns HOST PEER || die "cannot create namespaces"
nic_to_ns "$E1000" "$HOST" || die "cannot move $E1000"
nic_to_ns "$VIRTIO" "$PEER" || die "cannot move $VIRTIO"
nic_wait_carrier "$HOST" "$E1000" || die "no carrier on $E1000"
nic_wait_carrier "$PEER" "$VIRTIO" || die "no carrier on $VIRTIO"

# The peer: the kernel's own 802.1Q VLAN 10.
run "$PEER" ip link add link "$VIRTIO" name "$VIRTIO.10" type vlan id 10 || die "8021q"
run "$PEER" ip addr add 192.0.2.2/24 dev "$VIRTIO.10"
run "$PEER" ip link set dev "$VIRTIO.10" up

# vmux: the same VLAN through the vmux CLI and module.
run "$HOST" "$VMUX" link add link "$E1000" name "$E1000.10" type vlan id 10 ||
	die "vmux link add"
defer ip -n "$HOST" link del "$E1000.10"
run "$HOST" ip addr add 192.0.2.1/24 dev "$E1000.10"
run "$HOST" ip link set dev "$E1000.10" up

tcpdump_start "$PEER" "$VIRTIO" icmp || die "tcpdump"
run "$HOST" ping -c 3 -i 0.2 -w 10 192.0.2.2 || die "no reply over the vmux VLAN"
tcpdump_wait "vlan 10, .*ICMP echo request" 3 || die "no tagged requests on the wire"
tcpdump_stop
printf '\n[%s] # what the wire carried (tcpdump -e -nn on %s):\n' "${PEER%%-*}" "$VIRTIO"
tcpdump_show | head -n 4

# A macvlan and an ipvlan on the same NIC, each in its own namespace.
setup_ns MV IPV || die "cannot create namespaces"
run "$PEER" ip addr add 203.0.113.2/24 dev "$VIRTIO"
run "$HOST" "$VMUX" link add link "$E1000" name mv0 netns "$MV" type macvlan mode bridge ||
	die "vmux link add macvlan"
run "$HOST" "$VMUX" link add link "$E1000" name ipv0 netns "$IPV" type ipvlan mode l2 ||
	die "vmux link add ipvlan"
defer ip -n "$MV" link del mv0
defer ip -n "$IPV" link del ipv0
run "$MV" ip addr add 203.0.113.11/24 dev mv0
run "$MV" ip link set dev mv0 up
run "$IPV" ip addr add 203.0.113.12/24 dev ipv0
run "$IPV" ip link set dev ipv0 up
run "$PEER" ping -c 3 -i 0.2 -w 10 203.0.113.11 || die "no reply from the vmux macvlan"
run "$PEER" ping -c 3 -i 0.2 -w 10 203.0.113.12 || die "no reply from the vmux ipvlan"

run "$HOST" "$VMUX" -d link show || die "vmux -d link show"
run "$MV" "$VMUX" -d link show || die "vmux -d link show"
run "$IPV" "$VMUX" -d link show || die "vmux -d link show"
run "$HOST" "$VMUX" port show || die "vmux port show"
printf '\ndemo: OK\n'
