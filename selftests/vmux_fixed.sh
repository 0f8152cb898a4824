#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where vmux behaves as the fixed drivers, not as 6.1's 8021q and macvlan
# (Documentation/vmux.rst, "Later fixes"): each test of a fix fails on a
# vmux that copies the 6.1 bug (protodown_refused guards what is not one).
#
# protodown_*: a vmux_macvlan held down by protodown keeps no carrier
# whatever its lower does (macvlan 6.1 takes the lower's carrier again);
# the kinds that refuse protodown (vmux_vlan, vmux_ipvlan, as 8021q and
# ipvlan) say so.
#
#   ns $P
#  +-------------------------------------------------------------+
#  | m0 (vmux_macvlan)      v0 (vmux_vlan)  kv0 (8021q)          |
#  |  |  protodown on          \            /                    |
#  | d0 (dummy, flapped)          d1 (dummy)                      |
#  |                                                             |
#  | i0 (vmux_ipvlan) on d2, ki0 (ipvlan) on d3 (dummies)        |
#  |   v0, kv0, i0, ki0: protodown refused                       |
#  +-------------------------------------------------------------+
#
# qinq_*: QinQ, an 802.1ad vlan 100 on the NIC and an 802.1Q vlan 10 on it,
# for every reorder_hdr setting of the two, sends frames with exactly the
# two tags 88a8/100 then 8100/10 (6.1's 8021q sent the outer tag twice when
# the outer vlan had reorder_hdr off) and receives them. Stacks: vmux on
# vmux, vmux on 8021q, 8021q on vmux; vmux on the e1000 (tags inserted by
# the NIC) and on the virtio-net (tags in-band).
#
#   ns $A (vmux side)                       ns $B (8021q peer)
#  +---------------------------+           +---------------------------+
#  | v (802.1Q 10) 192.0.2.1   |           | p (802.1Q 10) 192.0.2.2   |
#  |   |                       |           |   |                       |
#  | o (802.1ad 100)           |           | o (802.1ad 100)           |
#  |   |                       |           |   |                       |
#  | $NA (e1000 or virtio-net) |           | $NB (the other NIC)       |
#  +---|-----------------------+           +---|-----------------------+
#      '------------- QEMU hub (the wire) -----'
#
# tcpdump -e on the peer's NIC shows the tags on the wire.

# Its own namespaces and devices and its pair of NICs (VMUX_NIC_PAIR):
# run_all.sh: beside others

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	protodown_lower_flap protodown_lower_carrier protodown_own_flap
	protodown_off_no_carrier protodown_refused
	qinq_vmux_e1000 qinq_vmux_virtio qinq_vmux_on_8021q qinq_8021q_on_vmux
"

# ---- protodown --------------------------------------------------------------

# held NS DEV: DEV has no carrier, and the operstate linkwatch derives
# from that says so too.
held()
{
	local state

	link_has_carrier "$1" "$2" && return 1
	state=$(operstate "$1" "$2")
	[[ $state == LOWERLAYERDOWN || $state == DOWN ]]
}

# running NS DEV: DEV has settled with carrier, operstate UP.
running()
{
	link_has_carrier "$1" "$2" && operstate_is "$1" "$2" UP
}

# check_held NS DEV WHEN: DEV is held down, after WHEN.
check_held()
{
	busywait "$WAIT_TIMEOUT" held "$1" "$2"
	check_err $? "$2 has carrier after $3: $(ip -n "$1" -d -o link show dev "$2" | cut -c1-160)"
}

check_running()
{
	busywait "$WAIT_TIMEOUT" running "$1" "$2"
	check_err $? "$2 is not up after $3: $(ip -n "$1" -o link show dev "$2" | cut -c1-160)"
}

# protodown_setup MODE: $P with the dummy d0 and the vmux_macvlan m0 on it
# in MODE, up, with protodown on.
protodown_setup()
{
	setup_ns P || return 1
	ip -n "$P" link add d0 up type dummy &&
	vm "$P" link add link d0 name m0 type macvlan mode "$1" &&
	ip -n "$P" link set m0 up || return 1
	busywait "$WAIT_TIMEOUT" running "$P" m0 || return 1
	ip -n "$P" link set m0 protodown on || return 1
	busywait "$WAIT_TIMEOUT" held "$P" m0
}

# lower_settled NS DEV STATE: the lower's own linkwatch run is over (its
# operstate is STATE), so its NETDEV_CHANGE has reached its uppers.
lower_settled()
{
	busywait "$WAIT_TIMEOUT" operstate_is "$@"
}

protodown_lower_flap()
{
	local mode

	for mode in bridge passthru; do
		RET=0
		defer_scope_push
		protodown_setup "$mode"
		check_err $? "setup"
		ip -n "$P" link set d0 down
		check_held "$P" m0 "the lower went down"
		ip -n "$P" link set d0 up
		check_held "$P" m0 "the lower came back up"
		ip -n "$P" link set m0 protodown off
		check_running "$P" m0 "protodown off"
		defer_scope_pop
		log_test "protodown: lower down/up keeps a $mode vmux_macvlan down"
	done
}

protodown_lower_carrier()
{
	RET=0
	protodown_setup bridge
	check_err $? "setup"
	ip -n "$P" link set d0 carrier off
	lower_settled "$P" d0 DOWN
	check_held "$P" m0 "the lower lost its carrier"
	ip -n "$P" link set d0 carrier on
	lower_settled "$P" d0 UP
	check_held "$P" m0 "the lower's carrier came back"
	ip -n "$P" link set m0 protodown off
	check_running "$P" m0 "protodown off"
	log_test "protodown: lower carrier off/on keeps a vmux_macvlan down"
}

protodown_own_flap()
{
	RET=0
	protodown_setup bridge
	check_err $? "setup"
	ip -n "$P" link set m0 down
	ip -n "$P" link set m0 up
	check_held "$P" m0 "its own down/up"
	ip -n "$P" link set m0 protodown off
	check_running "$P" m0 "protodown off"
	log_test "protodown: its own down/up keeps a vmux_macvlan down"
}

# protodown off gives the carrier back only if the lower has one:
# dev_change_proto_down() turns it on regardless, and macvlan keeps that.
# (A dummy keeps its carrier when set down: "carrier off" takes it.)
protodown_off_no_carrier()
{
	RET=0
	protodown_setup bridge
	check_err $? "setup"
	ip -n "$P" link set d0 carrier off
	lower_settled "$P" d0 DOWN
	ip -n "$P" link set m0 protodown off
	check_held "$P" m0 "protodown off, the lower without carrier"
	ip -n "$P" -j -d link show dev m0 | jq -e '.[0].proto_down | not' >/dev/null
	check_err $? "protodown still on"
	ip -n "$P" link set d0 carrier on
	lower_settled "$P" d0 UP
	check_running "$P" m0 "the lower's carrier came back, protodown off"
	log_test "protodown: off while the lower has no carrier gives none"
}

# protodown_refusal NS DEV: "ip link set DEV protodown on" fails as the
# core fails it for a device without IFF_CHANGE_PROTO_DOWN, and DEV keeps
# its carrier.
protodown_refusal()
{
	local ns=$1 dev=$2 out rc

	out=$(ip -n "$ns" link set "$dev" protodown on 2>&1)
	rc=$?
	((rc == 2))
	check_err $? "$dev: protodown on exited $rc, expected 2"
	[[ $out == "Error: Protodown not supported by device." ]]
	check_err $? "$dev: \"$out\""
	link_has_carrier "$ns" "$dev"
	check_err $? "$dev lost its carrier"
}

protodown_refused()
{
	local dev

	RET=0
	require_module 8021q ipvlan
	setup_ns P
	ip -n "$P" link add d1 up type dummy
	ip -n "$P" link add d2 up type dummy
	ip -n "$P" link add d3 up type dummy
	vm "$P" link add link d1 name v0 type vlan id 10
	vm "$P" link add link d2 name i0 type ipvlan
	ip -n "$P" link add link d1 name kv0 type vlan id 20
	ip -n "$P" link add link d3 name ki0 type ipvlan
	for dev in v0 i0 kv0 ki0; do
		ip -n "$P" link set "$dev" up &&
		busywait "$WAIT_TIMEOUT" link_has_carrier "$P" "$dev"
		check_err $? "$dev has no carrier"
		protodown_refusal "$P" "$dev"
	done
	log_test "protodown: refused by vmux_vlan and vmux_ipvlan, as by 8021q and ipvlan"
}

# ---- QinQ with reorder_hdr off ----------------------------------------------

# vlan_add NS KIND LOWER NAME ID PROTO: a vmux_vlan (KIND vmux) or an 8021q
# vlan (KIND 8021q).
vlan_add()
{
	local ns=$1 kind=$2 lower=$3 name=$4 id=$5 proto=$6

	if [[ $kind == vmux ]]; then
		vm "$ns" link add link "$lower" name "$name" type vlan id "$id" protocol "$proto"
	else
		ip -n "$ns" link add link "$lower" name "$name" type vlan id "$id" protocol "$proto"
	fi
}

# vlan_reorder NS KIND NAME on|off
vlan_reorder()
{
	if [[ $2 == vmux ]]; then
		vm "$1" link set "$3" type vlan reorder_hdr "$4"
	else
		ip -n "$1" link set "$3" type vlan reorder_hdr "$4"
	fi
}

# qinq_pattern OUTER INNER SRC DST WHAT: a tcpdump -e -nn line of an IPv4
# frame from SRC to DST (WHAT: "ICMP echo request") with the tag 88a8/100
# if OUTER is 1, then 8100/10 if INNER is 1, and no other tag.
qinq_pattern()
{
	local ip="$3 > $4: $5" ipv4="ethertype IPv4 \(0x0800\)"
	local -a t=()

	(($1)) && t+=("802.1Q-QinQ \(0x88a8\)" "vlan 100")
	(($2)) && t+=("802.1Q \(0x8100\)" "vlan 10")
	case ${#t[@]} in
	0) echo "$ipv4, length [0-9]+: $ip" ;;
	2) echo "ethertype ${t[0]}, length [0-9]+: ${t[1]}, p 0, $ipv4, $ip" ;;
	4) echo "ethertype ${t[0]}, length [0-9]+: ${t[1]}, p 0, ethertype ${t[2]}, ${t[3]}, p 0, $ipv4, $ip" ;;
	esac
}

# qinq_count PATTERN: captured lines matching PATTERN.
qinq_count()
{
	tcpdump_show | grep -cE -- "$1"
}

# qinq_first_wrong FROM WANT: the link layer of the first captured frame
# matching FROM (an IPv4 frame or an ARP request of the sender) but not
# WANT: what went out instead ("ethertype ..." up to the IPv4 or ARP part).
qinq_first_wrong()
{
	tcpdump_show | grep -E -- "$1" | grep -m1 -vE -- "$2" |
		sed -E 's/^[^,]*, (ethertype .*), (192\.0\.2\.[12] >|Request who-has).*/\1/'
}

# The four reorder_hdr settings (outer/inner) and the ping payload size
# that marks each one's frames in a capture: one capture per direction
# serves them all.
QINQ_COMBOS="on/on:100 on/off:101 off/on:102 off/off:103"

# qinq_set OUTER INNER ORO IRO: set both vlans' reorder_hdr.
qinq_set()
{
	vlan_reorder "$A" "$1" o "$3" && vlan_reorder "$A" "$2" v "$4"
}

# qinq_echo SRC DST SIZE: the pattern of an echo request from SRC to DST
# with SIZE bytes of payload, as tcpdump -nn prints it.
qinq_echo()
{
	echo "$1 > $2: ICMP echo request, id [0-9]+, seq [0-9]+, length $(($3 + 8))"
}

# __qinq_pass OUTER INNER DIR: every reorder_hdr setting in one capture.
# tx: the vmux side pings the peer, on the wire exactly 88a8/100 then
# 8100/10. rx: the peer's requests reach v, which answers them; v shows its
# own tag with reorder_hdr off, and the outer's with the outer's off, as
# 8021q does; but a vmux_vlan passes frames to the vmux devices on it
# without its tag (Documentation/vmux.rst, vmux_vlan).
__qinq_pass()
{
	local outer=$1 inner=$2 dir=$3 c oro iro size what all want n
	local src=192.0.2.1 dst=192.0.2.2 seen_outer=1 seen_inner=1

	if [[ $dir == tx ]]; then
		tcpdump_start "$B" "$NB" icmp or vlan || { fails+=" [tx: no capture]"; return; }
	else
		src=192.0.2.2 dst=192.0.2.1
		tcpdump_start "$A" v icmp or vlan || { fails+=" [rx: no capture]"; return; }
	fi
	for c in $QINQ_COMBOS; do
		oro=${c%%/*} iro=${c#*/} size=${iro#*:} iro=${iro%:*}
		if ! qinq_set "$outer" "$inner" "$oro" "$iro"; then
			fails+=" [outer $oro/inner $iro: cannot set reorder_hdr]"
			continue
		fi
		if [[ $dir == tx ]]; then
			ping_do "$A" "$dst" -s "$size"
		else
			ping_do "$B" "$dst" -s "$size"
		fi || fails+=" [$dir outer $oro/inner $iro: no answer]"
		tcpdump_wait "$(qinq_echo "$src" "$dst" "$size")" 3
	done
	tcpdump_stop
	for c in $QINQ_COMBOS; do
		oro=${c%%/*} iro=${c#*/} size=${iro#*:} iro=${iro%:*}
		what="$(qinq_echo "$src" "$dst" "$size")"
		if [[ $dir == rx ]]; then
			seen_inner=0 seen_outer=0
			[[ $iro == off ]] && seen_inner=1
			[[ $oro == off && ! ($outer == vmux && $inner == vmux) ]] && seen_outer=1
		fi
		all=$(qinq_count "$what")
		want=$(qinq_pattern "$seen_outer" "$seen_inner" "$src" "$dst" "${what#*: }")
		n=$(qinq_count "$want")
		# ping sends one more request for an answer it misses (TCG): at
		# least 3, each of them right.
		if ((all < 3 || n != all)); then
			fails+=" [$dir outer $oro/inner $iro: $n of $all requests"
			fails+=" $([[ $dir == tx ]] && echo "on the wire with exactly 88a8/100, 8100/10" ||
				echo "on v as expected"):"
			fails+=" $(qinq_first_wrong "$what" "$want")]"
		fi
	done
}

# __qinq OUTER INNER SIDE: outer vlan of kind OUTER on $NA, inner of kind
# INNER on it, vmux side on the SIDE NIC; every reorder_hdr setting.
__qinq()
{
	local outer=$1 inner=$2 side=$3 fails="" dev n

	RET=0
	require_module 8021q
	hosts_setup -a "$side" -i quiet_ns || { check_err 1 "setup"; log_test "QinQ"; return; }
	vlan_add "$A" "$outer" "$NA" o 100 802.1ad &&
	ip -n "$A" link set o up &&
	vlan_add "$A" "$inner" o v 10 802.1Q &&
	ip -n "$A" addr add 192.0.2.1/24 dev v &&
	ip -n "$A" link set v up
	check_err $? "cannot create $inner on $outer"
	ip -n "$B" link add link "$NB" name o type vlan id 100 protocol 802.1ad &&
	ip -n "$B" link set o up &&
	ip -n "$B" link add link o name p type vlan id 10 &&
	ip -n "$B" addr add 192.0.2.2/24 dev p &&
	ip -n "$B" link set p up
	check_err $? "peer"
	nic_wait_carrier "$A" "$NA" && nic_wait_carrier "$B" "$NB"
	check_err $? "no carrier"

	__qinq_pass "$outer" "$inner" tx
	__qinq_pass "$outer" "$inner" rx
	# Nothing the vmux devices were given was dropped on the way down.
	for dev in o v; do
		n=$(link_stats_get "$A" "$dev" tx dropped)
		((n == 0)) || fails+=" [$dev dropped $n frames on transmit]"
	done
	[[ -z $fails ]]
	check_err $? "${fails# }"
	log_test "QinQ: $inner 802.1Q 10 on $outer 802.1ad 100, every reorder_hdr, vmux on $side"
}

qinq_vmux_e1000()	{ __qinq vmux vmux e1000; }
qinq_vmux_virtio()	{ __qinq vmux vmux virtio; }
# Mixed stacks, one NIC each: the 802.1ad outer tag is inserted in software
# on both NICs (the e1000 offloads 802.1Q only).
qinq_vmux_on_8021q()	{ __qinq 8021q vmux e1000; }
qinq_8021q_on_vmux()	{ __qinq vmux 8021q virtio; }

require_root
require_vmux
require_command jq tcpdump
require_module dummy

tests_run
exit "$(exit_status)"
