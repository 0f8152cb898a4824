#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmux-nlfuzz (selftests/nlfuzz/) against the three kinds: the table-driven
# attacks and a seeded random phase of $VMUX_FUZZ_COUNT (20,000) mutated
# requests, first as root in a netns, then as root of uid 65534's own user
# + net namespace. Its oracles (selftests/nlfuzz/oracle.hpp): every refusal
# carries an errno and an extack message, save the core's own refusals it
# lists by rule; a refused request leaves the devices as they were; what an
# accepted one created is deleted again; after every request the whole
# RTM_GETLINK dump parses and its vmux attributes validate; children of a
# lower the caller does not own keep their port state. On top of those,
# this script fails a phase that leaves a kernel splat in dmesg.
#
#  ns $A (root)                                  ns $B
#  +------------------------------------------+  +-------------------------+
#  | d0 (dummy, up)     lo    tun0 (tun, L3)  |  | x0 (dummy, ifindex      |
#  |  |- d0.5 (8021q vlan 5)                  |  |     1000000: not in $A) |
#  |  |- vc0 (vmux_vlan 10)                   |  +-------------------------+
#  |  '- the fuzzer's children and the        |  $B is nsid 7 in $A: lower
#  |     devices it creates and deletes       |  of cross-netns creates
#  | d1 (dummy, up, spare: no vmux port)      |
#  +------------------------------------------+
#
#  userns $U (uid 65534, root inside)            ns $H (root)
#  +------------------------------------------+  +-------------------------+
#  | d0, d1, lo, d0.5, vc0: its own, as in $A |  | hd0 (dummy, ifindex     |
#  | tun0: root's, moved in                   |  |      1000000)           |
#  | m0 (vmux_macvlan bridge) i0 (vmux_ipvlan |<-|- m0, i0, v0 made on hd0,|
#  |   l2) v0 (vmux_vlan 20): on hd0, moved in|  |  moved into $U          |
#  +------------------------------------------+  +-------------------------+
#
# In $U, changes of m0 and i0 that reach hd0's port must fail with EPERM.
# The random phase's seed is fixed (0x766d7578), so that every run sends
# the same messages: VMUX_FUZZ_SEED=random draws a new one, VMUX_FUZZ_SEED=N
# replays a run (the seed is printed either way). VMUX_FUZZ_COUNT=N sets
# the phase's length as root, VMUX_FUZZ_USERNS_COUNT=N in the user
# namespace (default: the same; make check's debug tier takes less there,
# for time), VMUX_FUZZ_STATS=1 adds a histogram of the answers.

# Its own namespaces and devices only:
# run_all.sh: beside others

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	fuzz_root_table fuzz_rx_flags fuzz_root_random fuzz_userns_table
	fuzz_userns_random
"

NLFUZZ=${NLFUZZ:-$top/build/vmux-nlfuzz}
FUZZ_COUNT=${VMUX_FUZZ_COUNT:-20000}
FUZZ_USERNS_COUNT=${VMUX_FUZZ_USERNS_COUNT:-$FUZZ_COUNT}
FUZZ_SEED=${VMUX_FUZZ_SEED:-0x766d7578}
if [[ $FUZZ_SEED == random ]]; then
	FUZZ_SEED=$(printf '%#x' $(((RANDOM << 30) | (RANDOM << 15) | RANDOM)))
fi
# VMUX_FUZZ_STATS=1: how often each answer (errno: extack) came back.
FUZZ_OPTS=()
[[ ${VMUX_FUZZ_STATS:-0} == 1 ]] && FUZZ_OPTS+=(--stats)
# ifindex of the lowers in $B and $H: no netns of ours reaches it by itself.
FOREIGN_INDEX=1000000
FOREIGN_NSID=7

require_root
require_vmux
require_module dummy tun 8021q
# The in-kernel counterparts fuzz_rx_flags compares with, if there are any.
modprobe -q -a macvlan ipvlan
if [[ ! -x $NLFUZZ ]]; then
	echo "FAIL: $NLFUZZ is not built (make userspace)"
	exit 1
fi

log_info "random phase seed: $FUZZ_SEED, $FUZZ_COUNT messages as root, $FUZZ_USERNS_COUNT in a user namespace (VMUX_FUZZ_SEED, VMUX_FUZZ_COUNT, VMUX_FUZZ_USERNS_COUNT)"

# run_fuzzer WHAT CMD...: run the fuzzer (CMD...), fail the test on its
# exit status or on a new kernel splat.
run_fuzzer()
{
	local what=$1 before rc start; shift

	before=$(splat_count)
	start=$SECONDS
	"$@"
	rc=$?
	log_info "$what: $((SECONDS - start)) s"
	case $rc in
	0) ;;
	1) check_err 1 "$what: oracle failures (FAIL: lines above; seed $FUZZ_SEED)" ;;
	*) check_err 1 "$what: vmux-nlfuzz could not run (exit $rc)" ;;
	esac
	if (($(splat_count) > before)); then
		check_err 1 "$what: kernel splat (seed $FUZZ_SEED): $(dmesg | splat_filter | grep -E -- "$SPLAT_RE" | tail -n 1)"
		dmesg | splat_filter | grep -E -A 30 -- "$SPLAT_RE" | tail -n 60
	fi
}

# root_env: $A and $B as in the picture; prints the fuzzer's device options.
root_env()
{
	setup_ns A B || return 1
	quiet_ns "$A" "$B"
	ip -n "$B" link add x0 index "$FOREIGN_INDEX" type dummy &&
	ip -n "$B" link set x0 up &&
	ip -n "$A" netns set "$B" "$FOREIGN_NSID" &&
	ip -n "$A" link add d0 up type dummy &&
	ip -n "$A" link add d1 up type dummy &&
	ip -n "$A" tuntap add dev tun0 mode tun &&
	ip -n "$A" link add link d0 name d0.5 type vlan id 5 &&
	vm "$A" link add link d0 name vc0 type vlan id 10 || return 1
	ENV_OPTS=(--lower d0 --spare d1 --lo lo --tun tun0 --vlan d0.5 --vmux vc0
		  --foreign-ifindex "$FOREIGN_INDEX" --foreign-nsid "$FOREIGN_NSID")
}

# userns_env: $U and $H as in the picture.
userns_env()
{
	setup_ns H || return 1
	userns_setup U || return 1
	userns_exec "$U" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 2>/dev/null
	userns_exec "$U" sh -ec '
		ip link add d0 up type dummy
		ip link add d1 up type dummy
		ip link add link d0 name d0.5 type vlan id 5' &&
	userns_vm "$U" link add link d0 name vc0 type vlan id 10 &&
	ip -n "$H" link add hd0 index "$FOREIGN_INDEX" up type dummy &&
	vm "$H" link add link hd0 name m0 type macvlan mode bridge &&
	vm "$H" link add link hd0 name i0 type ipvlan mode l2 &&
	vm "$H" link add link hd0 name v0 type vlan id 20 &&
	# Without udev, /dev/net/tun is root's alone (0600): root makes it.
	ip -n "$H" tuntap add dev tun0 mode tun || return 1
	local d
	for d in m0 i0 v0 tun0; do
		ip -n "$H" link set dev "$d" netns "$U" || return 1
	done
	ENV_OPTS=(--lower d0 --spare d1 --lo lo --tun tun0 --vlan d0.5 --vmux vc0
		  --foreign-ifindex "$FOREIGN_INDEX"
		  --foreign-child m0 --foreign-child i0 --foreign-child v0)
}

fuzz_root_table()
{
	RET=0
	root_env
	check_err $? "setup"
	((RET)) || run_fuzzer "root table" ip netns exec "$A" "$NLFUZZ" --table "${FUZZ_OPTS[@]}" "${ENV_OPTS[@]}"
	log_test "netlink fuzzer, root in a netns: table"
}

# Not netlink input but what it sets: a child's PROMISC/ALLMULTI/UP in
# every order on a fresh dummy, then the child goes; the dummy must be as it
# was (promiscuity count, and the PROMISC/ALLMULTI the counts set, in
# sysfs), or as the in-kernel counterpart leaves it in the same sequence.
fuzz_rx_flags()
{
	RET=0
	root_env
	check_err $? "setup"
	((RET)) || run_fuzzer "rx flags" ip netns exec "$A" "$NLFUZZ" --rx-flags \
		"${FUZZ_OPTS[@]}" "${ENV_OPTS[@]}"
	log_test "a child's promisc/allmulti leave its lower as it was"
}

fuzz_root_random()
{
	RET=0
	root_env
	check_err $? "setup"
	((RET)) || run_fuzzer "root random" ip netns exec "$A" "$NLFUZZ" --random \
		--seed "$FUZZ_SEED" --count "$FUZZ_COUNT" "${FUZZ_OPTS[@]}" "${ENV_OPTS[@]}"
	log_test "netlink fuzzer, root in a netns: random, seed $FUZZ_SEED"
}

fuzz_userns_table()
{
	RET=0
	userns_env
	check_err $? "setup"
	((RET)) || run_fuzzer "userns table" userns_exec "$U" "$NLFUZZ" --table "${FUZZ_OPTS[@]}" "${ENV_OPTS[@]}"
	log_test "netlink fuzzer, root of a user namespace: table"
}

fuzz_userns_random()
{
	RET=0
	userns_env
	check_err $? "setup"
	((RET)) || run_fuzzer "userns random" userns_exec "$U" "$NLFUZZ" --random \
		--seed "$FUZZ_SEED" --count "$FUZZ_USERNS_COUNT" "${FUZZ_OPTS[@]}" "${ENV_OPTS[@]}"
	log_test "netlink fuzzer, root of a user namespace: random, seed $FUZZ_SEED"
}

tests_run
exit "$(exit_status)"
