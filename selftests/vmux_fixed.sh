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

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	protodown_lower_flap protodown_lower_carrier protodown_own_flap
	protodown_off_no_carrier protodown_refused
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

require_root
require_vmux
require_command jq
require_module dummy

tests_run
exit "$(exit_status)"
