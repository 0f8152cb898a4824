#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What an unprivileged user, a container holding one child, or a failed
# request can do to the host: one test per class of the security review
# (Documentation/vmux.rst, "Security model"). $U is a user + net namespace
# owned by uid 65534 (userns_setup): root there, nobody on the host.
#
#  userns $U (uid 65534)              ns $C (root's)
#  m0 vmux_macvlan  i0 vmux_ipvlan    v10c vmux_vlan 10
#  v10 vmux_vlan 10  d0 (its own dummy)
#      |                                  |
#  +---|----------------------------------|-------------+
#  | ns $A    $NA (e1000): the host's NIC               |
#  +----------------------------------------------------+
#
# Class 5 (RCU and locking contracts) has no oracle on a stock kernel:
# sec_locking_paths drives the paths, and the debug kernel's lockdep and
# PROVE_RCU judge them (make check-debug; run_all.sh fails on any report).
#
# The class-1 and class-6/7 tests use dummies in plain namespaces: the
# double free of a failed register_netdevice(), the egress QoS map cap,
# transmit counters of frames a sibling did not take.

# Its own namespaces and devices and its pair of NICs (VMUX_NIC_PAIR):
# run_all.sh: beside others

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	sec_register_unwind sec_ioctl_forwarding sec_userns_macvlan
	sec_userns_ipvlan sec_userns_own_lower sec_port_ranges
	sec_vlan_qos_cap sec_ipvlan_tx_counts sec_ipvlan_short_frames
	sec_locking_paths
"

ETHIOCTL=$top/selftests/ethioctl.py

# kind_attrs KIND: the IFLA_INFO_DATA nlreq.py needs to create one.
kind_attrs()
{
	case $1 in
	vlan) echo "u16:1=5" ;;
	*) echo "" ;;
	esac
}

# Class 1: register_netdevice() fails after ndo_init (an ifindex taken in
# the target netns) or before it (a name taken there). The core's unwind
# runs ndo_uninit itself; the port must be released exactly once.
sec_register_unwind()
{
	local kind out n_a n_b

	RET=0
	setup_ns A B
	ip -n "$B" link add name x0 index 4242 type dummy
	ip -n "$B" link add name taken type dummy
	for kind in vlan macvlan ipvlan; do
		ip -n "$A" link add d0 up type dummy
		n_a=$(link_count "$A")
		n_b=$(link_count "$B")
		# shellcheck disable=SC2046
		out=$(ip netns exec "$A" "$NLREQ" --link d0 --name c0 --index 4242 \
			--netns "$B" --kind "vmux_$kind" $(kind_attrs "$kind"))
		[[ $out == EBUSY* ]]
		check_err $? "$kind: taken ifindex: expected EBUSY, got \"$out\""
		# shellcheck disable=SC2046
		out=$(ip netns exec "$A" "$NLREQ" --link d0 --name taken \
			--netns "$B" --kind "vmux_$kind" $(kind_attrs "$kind"))
		[[ $out == EEXIST* ]]
		check_err $? "$kind: taken name: expected EEXIST, got \"$out\""
		check_link_count "$A" "$n_a"
		check_link_count "$B" "$n_b"
		# Both failures released the port: the lower's rx_handler is free.
		ip -n "$A" link add link d0 name km type macvlan
		check_err $? "$kind: the failed requests left the port on d0"
		ip -n "$A" link del km
		# A child next to a failed one, then the lower goes.
		# shellcheck disable=SC2046
		vm "$A" link add link d0 name c1 type "$kind" $([[ $kind == vlan ]] && echo id 7)
		check_err $? "$kind: no child after the failed requests"
		# shellcheck disable=SC2046
		ip netns exec "$A" "$NLREQ" --link d0 --name c2 --index 4242 \
			--netns "$B" --kind "vmux_$kind" $(kind_attrs "$kind") >/dev/null
		link_exists "$A" c1
		check_err $? "$kind: the child went with the failed request"
		ip -n "$A" link del d0
		check_err $? "$kind: cannot delete the lower"
		check_link_count "$A" $((n_a - 1))
	done
	log_test "register_netdevice failing after ndo_init releases the port once"
}

# Class 2: MII and timestamping ioctls on a child reach the host's NIC only
# as 8021q/macvlan allow, and writes only with CAP_NET_ADMIN over its netns.
sec_ioctl_forwarding()
{
	local adv out

	RET=0
	hosts_setup C
	userns_setup U
	adv=$(ip netns exec "$A" "$ETHIOCTL" "$NA" miiread 4)
	if [[ $adv != OK* ]]; then
		log_test_skip "ioctls forwarded to the lower" "$NA has no MII ($adv)"
		return
	fi
	adv=${adv#OK }
	vm "$A" link add link "$NA" name v10 type vlan id 10 &&
	vm "$A" link add link "$NA" name m0 type macvlan mode bridge &&
	vm "$A" link add link "$NA" name v10c type vlan id 11 &&
	ip -n "$A" link set v10 netns "$U" &&
	ip -n "$A" link set m0 netns "$U" &&
	ip -n "$A" link set v10c netns "$C"
	check_err $? "setup"

	out=$(userns_exec "$U" "$ETHIOCTL" v10 miiread 4)
	[[ $out == "OK $adv" ]]
	check_err $? "vlan in a userns: MII read: \"$out\", expected \"OK $adv\""
	out=$(userns_exec "$U" "$ETHIOCTL" v10 miiwrite 4 "$adv")
	[[ $out == EPERM ]]
	check_err $? "vlan in a userns: MII write reached the host's NIC: \"$out\""
	out=$(userns_exec "$U" "$ETHIOCTL" m0 miiphy)
	[[ $out == EOPNOTSUPP ]]
	check_err $? "macvlan: MII read forwarded (macvlan does not): \"$out\""
	out=$(userns_exec "$U" "$ETHIOCTL" m0 miiwrite 4 "$adv")
	[[ $out == EOPNOTSUPP ]]
	check_err $? "macvlan: MII write forwarded: \"$out\""
	out=$(userns_exec "$U" "$ETHIOCTL" m0 tsset)
	[[ $out == EPERM ]]
	check_err $? "macvlan in a userns: SIOCSHWTSTAMP not refused: \"$out\""
	# Root in another netns keeps what 8021q gives it.
	out=$(ip netns exec "$C" "$ETHIOCTL" v10c miiwrite 4 "$adv")
	[[ $out == OK ]]
	check_err $? "vlan, root in another netns: MII write refused: \"$out\""
	log_test "ioctls forwarded to the lower"
}

# userns_refused U <<EOF: "ARGS|MESSAGE" rows: "vmux link ARGS" inside the
# user namespace U must fail with exit 2 (the kernel refused) and MESSAGE.
userns_refused()
{
	local u=$1 row msg out rc

	while IFS='|' read -r row msg; do
		[[ -z $row ]] && continue
		# shellcheck disable=SC2086
		out=$(userns_vm "$u" link $row 2>&1)
		rc=$?
		((rc == 2))
		check_err $? "userns: vmux link $row: exit status $rc, expected 2 ($out)"
		[[ $out == *"$msg"* ]]
		check_err $? "userns: vmux link $row: expected \"$msg\", got \"$out\""
	done
}

info_data()
{
	userns_vm "$1" -j -d link show dev "$2" | jq -c ".[0].linkinfo.info_data.$3"
}

# Class 3: a container holding one vmux_macvlan of the host's NIC changes
# nothing beyond its own device: no source list (copies or takes other
# devices' frames), no nodst, no port-wide bcqueuelen/bclim, no new child
# on the host's NIC through the macvlan-collapses-to-its-lower rule.
sec_userns_macvlan()
{
	local peer_mac n out cap="CAP_NET_ADMIN in the lower device's netns"

	RET=0
	hosts_setup
	userns_setup U
	peer_mac=$(mac_of "$B" "$NB")
	vm "$A" link add link "$NA" name m0 type macvlan mode bridge &&
	ip -n "$A" link set m0 netns "$U"
	check_err $? "setup"
	n=$(link_count "$A")

	userns_refused "$U" <<-EOF
		set m0 type macvlan mode source|Mode source and its MAC list need $cap
		set m0 type macvlan bcqueuelen 5000|Changing bcqueuelen or bclim needs $cap
		set m0 type macvlan bclim -1|Changing bcqueuelen or bclim needs $cap
		add link m0 name m1 type macvlan|Creating a device on this lower needs $cap
	EOF
	out=$(userns_exec "$U" "$NLREQ" --change --name m0 --kind vmux_macvlan \
		u32:1=16 u32:3=0 hex:4="${peer_mac//:/}" u16:2=2)
	[[ $out == "EPERM: "*"Mode source and its MAC list need $cap" ]]
	check_err $? "source + nodst + the peer's MAC: \"$out\""
	out=$(userns_exec "$U" "$NLREQ" --change --name m0 --kind vmux_macvlan u16:2=2)
	[[ $out == "EPERM: "*"Changing macvlan flags needs $cap" ]]
	check_err $? "nodst: \"$out\""
	# Its own business: the mode among private, vepa and bridge.
	userns_vm "$U" link set m0 type macvlan mode private
	check_err $? "mode private refused"
	[[ $(info_data "$U" m0 mode) == '"private"' &&
	   $(info_data "$U" m0 bcqueuelen) == 1000 &&
	   $(info_data "$U" m0 "macaddr_count // 0") == 0 &&
	   $(info_data "$U" m0 bclim) == null ]]
	check_err $? "state changed: $(userns_vm "$U" -j -d link show dev m0)"
	check_link_count "$A" "$n"
	# Not a collapse: an ipvlan's port on m0 sees only what m0 receives.
	userns_vm "$U" link add link m0 name i1 type ipvlan
	check_err $? "an ipvlan on the macvlan it holds refused"
	log_test "a container's macvlan changes nothing beyond itself"
}

sec_userns_ipvlan()
{
	local n cap="CAP_NET_ADMIN in the lower device's netns"

	RET=0
	hosts_setup
	userns_setup U
	vm "$A" link add link "$NA" name i0 type ipvlan mode l3 &&
	ip -n "$A" link set i0 netns "$U"
	check_err $? "setup"
	n=$(link_count "$A")
	userns_refused "$U" <<-EOF
		set i0 type ipvlan mode l2|Changing ipvlan mode or flags needs $cap
		set i0 type ipvlan mode l3 private|Changing ipvlan mode or flags needs $cap
		add link i0 name i1 type ipvlan|Creating a device on this lower needs $cap
	EOF
	[[ $(info_data "$U" i0 mode) == '"l3"' ]]
	check_err $? "mode changed"
	check_link_count "$A" "$n"
	log_test "a container's ipvlan changes nothing beyond itself"
}

# ... while a lower the user namespace owns is the user's to use: every
# kind, mode and port setting, and stacking on a child it holds.
sec_userns_own_lower()
{
	RET=0
	hosts_setup
	userns_setup U
	vm "$A" link add link "$NA" name v10 type vlan id 10 &&
	ip -n "$A" link set v10 netns "$U"
	check_err $? "setup"
	userns_exec "$U" ip link add d0 up type dummy
	check_err $? "no dummy in the userns"
	userns_vm "$U" link add link d0 name s0 type macvlan mode source \
		macaddr add 02:00:00:00:00:07 bcqueuelen 5000 bclim -1
	check_err $? "source macvlan on its own lower refused"
	userns_vm "$U" link set s0 type macvlan nodst
	check_err $? "nodst on its own lower refused"
	userns_vm "$U" link add link d0 name i0 type ipvlan mode l2 &&
	userns_vm "$U" link set i0 type ipvlan mode l3 private
	check_err $? "ipvlan mode on its own lower refused"
	userns_vm "$U" link add link d0 name d0.5 type vlan id 5
	check_err $? "vlan on its own lower refused"
	# The vlan of the host's NIC it holds is a lower it owns too.
	userns_vm "$U" link add link v10 name v10.5 type vlan id 5 &&
	userns_vm "$U" link add link v10 name mv10 type macvlan
	check_err $? "stacking on the child it holds refused"
	[[ $(info_data "$U" s0 macaddr_count) == 1 ]]
	check_err $? "source list not applied"
	log_test "the user's own lower: everything allowed"
}

# Every number has a range: the kernel refuses past it with a message.
sec_port_ranges()
{
	RET=0
	setup_ns A
	ip -n "$A" link add d0 up type dummy
	nlreq_refused "$A" <<-EOF
		ERANGE: bcqueuelen is at most 65536|--link d0 --name x --kind vmux_macvlan u32:7=4294967295
		ERANGE: bcqueuelen is at most 65536|--link d0 --name x --kind vmux_macvlan u32:7=65537
	EOF
	ip netns exec "$A" "$NLREQ" --link d0 --name x --kind vmux_macvlan u32:7=65536 >/dev/null
	check_err $? "bcqueuelen 65536 refused"
	log_test "bcqueuelen is capped at 65536"
}

qos_pairs()
{
	local from=$1 n=$2 to=$3 i

	for ((i = from; i < from + n; i++)); do
		printf '%d:%d ' "$i" "$to"
	done
}

egress_count()
{
	vm "$A" -j -d link show dev v0 | jq '.[0].linkinfo.info_data.egress_qos | length'
}

# Class 6: the egress QoS map is capped, its cleared entries are freed,
# and a full map still dumps in one attribute.
sec_vlan_qos_cap()
{
	local out round

	RET=0
	setup_ns A
	ip -n "$A" link add d0 up type dummy
	vm "$A" link add link d0 name v0 type vlan id 5
	# shellcheck disable=SC2046
	vm "$A" link set v0 type vlan egress-qos-map $(qos_pairs 0 1024 3)
	check_err $? "1024 mappings refused"
	[[ $(egress_count) == 1024 ]]
	check_err $? "a full map does not dump whole: $(egress_count)"
	out=$(vm "$A" link set v0 type vlan egress-qos-map 5000:1 2>&1)
	[[ $out == "Error: vmux: Egress QoS map is full (VMUX_VLAN_MAX_EGRESS_QOS = 1024)." ]]
	check_err $? "the 1025th mapping: \"$out\""
	# Updating existing entries on a full map is fine.
	vm "$A" link set v0 type vlan egress-qos-map 7:6
	check_err $? "update on a full map refused"
	# Set/clear cycles with fresh priorities: cleared entries must go.
	for round in 1 2 3; do
		# shellcheck disable=SC2046
		vm "$A" link set v0 type vlan egress-qos-map $(qos_pairs $(((round - 1) * 1024)) 1024 0) \
			$(qos_pairs $((round * 1024)) 1024 2)
		check_err $? "round $round: clear + set refused"
	done
	[[ $(egress_count) == 1024 ]]
	check_err $? "entries after 3 rounds: $(egress_count)"
	ip -n "$A" -d link show dev v0 | grep -q Deficit
	check_fail $? "the link dump overflows"
	log_test "egress QoS map: capped, cleared entries freed"
}

# Class 7: a frame a sibling does not take is a transmit drop, not a
# transmit (ipvlan l3 bridge, the sibling's MTU too small).
sec_ipvlan_tx_counts()
{
	local tx0 drop0 rx0

	RET=0
	setup_ns A N1 N2
	# No IPv6 chatter: l3 mode drops (and counts) its multicast.
	quiet_ns "$N1" "$N2"
	ip -n "$A" link add d0 up type dummy
	vm "$A" link add link d0 name i1 type ipvlan mode l3 &&
	vm "$A" link add link d0 name i2 type ipvlan mode l3 &&
	ip -n "$A" link set i1 netns "$N1" && ip -n "$A" link set i2 netns "$N2" &&
	ip -n "$N1" addr add 10.1.0.1/24 dev i1 && ip -n "$N1" link set i1 up &&
	ip -n "$N2" addr add 10.1.0.2/24 dev i2 && ip -n "$N2" link set i2 mtu 1280 up
	check_err $? "setup"
	ip netns exec "$N1" ping -c 1 -W 2 -q 10.1.0.2 >/dev/null
	check_err $? "small ping between siblings"
	tx0=$(link_stats_get "$N1" i1 tx packets)
	drop0=$(link_stats_get "$N1" i1 tx dropped)
	rx0=$(link_stats_get "$N2" i2 rx dropped)
	# One datagram (ping would retry on ENOBUFS).
	ip netns exec "$N1" python3 -c 'import socket
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x" * 1400, ("10.1.0.2", 9))'
	[[ $(link_stats_get "$N2" i2 rx dropped) == $((rx0 + 1)) ]]
	check_err $? "the sibling did not count one rx drop"
	[[ $(link_stats_get "$N1" i1 tx packets) == "$tx0" ]]
	check_err $? "the dropped frame was counted as sent"
	[[ $(link_stats_get "$N1" i1 tx dropped) == $((drop0 + 1)) ]]
	check_err $? "tx_dropped did not move by 1"
	log_test "ipvlan: a frame no sibling took counts as a tx drop"
}

# Class 7: frames from a packet socket with too little behind the MAC
# header (the network header read where nothing was pulled): l3 and l3s
# route them, so they are dropped and counted; l2 switches them as frames.
sec_ipvlan_short_frames()
{
	local mode drop0 sent want

	RET=0
	setup_ns A N1
	quiet_ns "$N1"
	ip -n "$A" link add d0 up type dummy
	for mode in l2 l3 l3s; do
		vm "$A" link add link d0 name i1 type ipvlan mode "$mode" &&
		ip -n "$A" link set i1 netns "$N1" && ip -n "$N1" link set i1 up
		check_err $? "$mode: setup"
		drop0=$(link_stats_get "$N1" i1 tx dropped)
		sent=$(ip netns exec "$N1" python3 - <<-'EOF'
			import errno, socket, struct
			s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
			mac = open("/sys/class/net/i1/address").read().strip()
			me = bytes(int(x, 16) for x in mac.split(":"))
			n = 0
			for proto, body in ((0x0800, b"\x45" + b"\0" * 5),
			                    (0x86dd, b"\x60" + b"\0" * 7),
			                    (0x0806, b"\0\x01\x08\x00\x06"),
			                    (0x0800, b"")):
			    frame = me + me + struct.pack("!H", proto) + body
			    try:
			        n += s.sendto(frame, ("i1", proto)) == len(frame)
			    except OSError as e:    # dropped: the device said so
			        n += e.errno == errno.ENOBUFS
			print(n)
		EOF
		)
		[[ $sent == 4 ]]
		check_err $? "$mode: packet socket sent $sent of 4"
		want=$((drop0 + 4))
		[[ $mode == l2 ]] && want=$drop0
		busywait "$WAIT_TIMEOUT" until_counter_is "== $want" \
			link_stats_get "$N1" i1 tx dropped >/dev/null
		check_err $? "$mode: 4 short frames, tx_dropped $drop0 -> $(link_stats_get "$N1" i1 tx dropped), expected $want"
		ip -n "$N1" link del i1
	done
	log_test "ipvlan: short frames from a packet socket, no splat, drops counted"
}

# Class 5: the paths whose RCU and locking contracts were broken, driven
# with traffic. A stock kernel checks only that they work; the debug
# kernel's lockdep and PROVE_RCU report a breach (run_all.sh fails on it):
# an ipvlan's lookup of a sibling on transmit (rhashtable, RCU), a
# vmux_macvlan on a vmux_vlan syncing its address lists (two
# addr_list_locks, one per kind's class, nested), the source list
# published while frames are looked up in it, and l3s's hooks and l3mdev
# ops published while a sibling routes.
sec_locking_paths()
{
	local mode rx0

	RET=0
	setup_ns A N1 N2
	quiet_ns "$N1" "$N2"
	ip -n "$A" link add d0 up type dummy
	# vmux_macvlan on vmux_vlan on d0: mc and uc lists synced through
	# both (a bridge-mode macvlan's MAC is on its lower's uc list),
	# promiscuity and allmulti pushed down the stack.
	vm "$A" link add link d0 name v5 up type vlan id 5 &&
	vm "$A" link add link v5 name m5 up type macvlan mode bridge &&
	ip -n "$A" maddr add 01:00:5e:01:02:03 dev m5 &&
	ip -n "$A" link set m5 promisc on allmulticast on &&
	ip -n "$A" link set m5 address 02:00:00:00:05:05 &&
	ip -n "$A" link set m5 promisc off allmulticast off &&
	ip -n "$A" maddr del 01:00:5e:01:02:03 dev m5
	check_err $? "macvlan on vlan: address lists and flags"
	ip -n "$A" link del v5
	# ipvlan siblings talking, in each mode, while the mode changes
	# publish new l3mdev ops and hooks.
	for mode in l2 l3 l3s; do
		vm "$A" link add link d0 name i1 type ipvlan mode "$mode" &&
		vm "$A" link add link d0 name i2 type ipvlan mode "$mode" &&
		ip -n "$A" link set i1 netns "$N1" &&
		ip -n "$A" link set i2 netns "$N2" &&
		ip -n "$N1" addr add 10.5.0.1/24 dev i1 &&
		ip -n "$N2" addr add 10.5.0.2/24 dev i2 &&
		ip -n "$N1" link set i1 up && ip -n "$N2" link set i2 up &&
		# No ARP (l2): the counters below count the test's frames.
		ip -n "$N1" neigh replace 10.5.0.2 dev i1 nud permanent \
			lladdr "$(mac_of "$A" d0)" &&
		ip -n "$N2" neigh replace 10.5.0.1 dev i2 nud permanent \
			lladdr "$(mac_of "$A" d0)"
		check_err $? "$mode: setup"
		ping_do "$N1" 10.5.0.2
		check_err $? "$mode: no ping between siblings"
		# The IP stack transmits under rcu_read_lock(); a packet socket
		# under rcu_read_lock_bh() alone: the sibling lookup must take
		# its own (PROVE_RCU reports it otherwise).
		rx0=$(link_stats_get "$N2" i2 rx packets)
		ip netns exec "$N1" python3 - <<-'EOF'
			import socket, struct
			mac = open("/sys/class/net/i1/address").read().strip()
			me = bytes(int(x, 16) for x in mac.split(":"))
			udp = struct.pack("!HHHH", 9, 9, 8 + 4, 0) + b"vmux"
			ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0,
			                 64, 17, 0, socket.inet_aton("10.5.0.1"),
			                 socket.inet_aton("10.5.0.2"))
			csum = sum(struct.unpack("!10H", ip))
			csum = (csum & 0xffff) + (csum >> 16)
			csum = ~((csum & 0xffff) + (csum >> 16)) & 0xffff
			ip = ip[:10] + struct.pack("!H", csum) + ip[12:]
			s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
			s.sendto(me + me + b"\x08\x00" + ip + udp, ("i1", 0x0800))
		EOF
		busywait "$WAIT_TIMEOUT" until_counter_is "== $((rx0 + 1))" \
			link_stats_get "$N2" i2 rx packets >/dev/null
		check_err $? "$mode: the packet socket's frame did not reach the sibling once"
		vm "$N2" link set i2 type ipvlan mode l3s &&
		vm "$N2" link set i2 type ipvlan mode "$mode"
		check_err $? "$mode: mode changes"
		ping_do "$N1" 10.5.0.2
		check_err $? "$mode: no ping after the mode changes"
		ip -n "$N1" link del i1
		ip -n "$N2" link del i2
	done
	# A source-mode macvlan's list changed while frames from a peer
	# whose MAC is in it are looked up there (veth: d0 has no rx).
	ip -n "$A" link add e0 up type veth peer e1 netns "$N1" &&
	ip -n "$N1" link set e1 address 02:00:00:00:00:01 up &&
	ip -n "$N1" addr add 10.6.0.2/24 dev e1 &&
	vm "$A" link add link e0 name ms up type macvlan mode source \
		macaddr add 02:00:00:00:00:01
	check_err $? "source-mode setup"
	ip netns exec "$N1" ping -q -b -c 50 -i 0.01 -w 10 10.6.0.255 >/dev/null 2>&1 &
	defer kill "$!"
	busywait "$WAIT_TIMEOUT" until_counter_is ">= 10" link_stats_get "$A" ms rx packets >/dev/null
	check_err $? "the source-mode macvlan saw no frames of its source"
	vm "$A" link set ms type macvlan macaddr add 02:00:00:00:00:02 &&
	vm "$A" link set ms type macvlan macaddr set 02:00:00:00:00:01 02:00:00:00:00:04 &&
	vm "$A" link set ms type macvlan macaddr flush
	check_err $? "source list changes"
	log_test "locking paths: stacked address lists, ipvlan modes, source list"
}

require_root
require_vmux
tests_run
exit "$(exit_status)"
