#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmux devices made, changed, moved and destroyed while frames flow through
# them (reliability.md §4.3, issue 10): the paths where the in-kernel macvlan,
# ipvlan and 8021q had their use-after-frees and refcount leaks. Each test
# passes if the kernel stays quiet (run_all.sh fails the script on any splat
# or taint, and on the debug kernel checks kmemleak and lockdep) and every
# device is where it must be afterwards.
#
#   ns $P (the wire's far end)         ns $A (the host)        ns $C
#  +---------------------------+      +----------------+      +------------+
#  | pw: pktgen, 60-byte UDP   |veth  | lw: the lower  |      | children   |
#  | to the children's MACs,   |----->| vmux children  | ---> | moved here |
#  | broadcast, a listed       |      | of every kind  |      |            |
#  | source MAC, VLAN tag 10   |      |                |      |            |
#  +---------------------------+      +----------------+      +------------+
#
# pktgen needs no reply, so traffic keeps flowing into lw whatever happens to
# the devices above it; it is paced ($PG_DELAY ns between frames per stream)
# to leave the guest's other CPU to the test.
#
# Environment: VMUX_LC_RANDOM=1 (also the random operations, see
# ALL_TESTS), VMUX_LC_SEED (the random-operation test's seed, default
# 0x766d7578; "random": a new one, printed), VMUX_LC_OPS (operations per
# process, default 150: as root, with traffic, the dumper and the monitor,
# 8 x 500 took 281 s under TCG on 6.1; run more by hand).

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	life_delete_lower_under_traffic life_delete_children_under_traffic
	life_carrier_flaps life_netns_moves life_netns_destroyed life_nesting
	life_cycles life_rmmod_stacks
"
# The random operations found a stall not yet understood: in a CI run on
# 6.1 (8 x 150, seed 0x766d7578, as root with pktgen traffic) CPU 0 stayed
# in kpktgend_0 for over two minutes ("soft lockup", an RCU stall) and
# every vmux process waited on RTNL; earlier runs of the same test passed
# but took 281-326 s for 8 x 500 where the user-namespace one took 15 s.
# Until it is found they run only when asked: VMUX_LC_RANDOM=1.
if [[ ${VMUX_LC_RANDOM:-0} == 1 ]]; then
	ALL_TESTS="$ALL_TESTS life_random_ops life_random_ops_userns"
fi

FRAMES=$top/selftests/frames.py
PG_DELAY=${PG_DELAY:-1000000}
# Each frame costs the debug kernel (KASAN, kmemleak, the dst refcount
# tracker) a hundred times what it costs Debian's under TCG: at 1,000
# frames a second a stream, its CPU 0 did nothing but receive them and a
# delete waited minutes in rcu_barrier(). There, streams go 20 times
# slower.
PG_SCALE=1
[[ -r /proc/lockdep_stats ]] && PG_SCALE=20
LC_SEED=${VMUX_LC_SEED:-0x766d7578}
LC_OPS=${VMUX_LC_OPS:-150}
if [[ $LC_SEED == random ]]; then
	LC_SEED=$(printf '0x%x' "$(od -An -N4 -tu4 /dev/urandom)")
fi

# ---- pktgen -------------------------------------------------------------------------

# pg_stream NS STREAM CMD...: add pktgen stream STREAM ("DEV@N") to NS's
# first pktgen thread: 60-byte UDP frames without end, $PG_DELAY ns apart
# ($PG_SCALE times that), shaped by CMD (pktgen's own commands, e.g.
# "dst_mac 02:00:00:00:01:01").
pg_stream()
{
	local ns=$1 stream=$2; shift 2

	# shellcheck disable=SC2016 # expanded by the inner bash
	in_ns "$ns" bash -c '
		pg=/proc/net/pktgen stream=$1; shift
		echo "add_device $stream" >"$pg/kpktgend_0" || exit 1
		for c in "$@"; do
			if ! echo "$c" >"$pg/$stream"; then
				echo "pktgen: $stream: \"$c\": $(grep -h Result: "$pg/$stream")" >&2
				exit 1
			fi
		done' pg "$stream" "count 0" "pkt_size 60" "delay $((PG_DELAY * PG_SCALE))" "$@"
}

# pg_start NS: run NS's streams in the background until pg_stop (deferred).
pg_start()
{
	local ns=$1

	in_ns "$ns" sh -c 'echo start >/proc/net/pktgen/pgctrl' &>/dev/null &
	defer pg_stop "$ns" "$!"
}

pg_stop()
{
	local ns=$1 pid=$2

	in_ns "$ns" sh -c 'echo stop >/proc/net/pktgen/pgctrl' 2>/dev/null
	wait "$pid" 2>/dev/null
	in_ns "$ns" sh -c 'echo rem_device_all >/proc/net/pktgen/kpktgend_0' 2>/dev/null
	return 0
}

# ---- the setup -----------------------------------------------------------------------

LW_MAC=02:00:00:00:00:aa
M1_MAC=02:00:00:00:01:01
M2_MAC=02:00:00:00:01:02
SRC_MAC=02:00:00:00:0f:01

# life_setup: namespaces $A, $C, $P; the veth lw ($A) <-> pw ($P), up, IPv6
# off (no DAD or MLD frames in the counts).
life_setup()
{
	setup_ns A C P || return 1
	quiet_ns "$A" "$C" "$P"
	ip -n "$A" link add lw address "$LW_MAC" type veth peer name pw netns "$P" &&
	ip -n "$A" link set lw up && ip -n "$P" link set pw up
}

# children_setup: on lw, one child of every kind, up, some moved to $C:
#   m1 macvlan bridge $M1_MAC ($A)   m2 macvlan bridge $M2_MAC ($C)
#   s1 macvlan source, listing $SRC_MAC ($A)
#   i1 ipvlan l2 192.0.2.11 ($A)     i2 ipvlan l2 192.0.2.12 ($C)
#   v10 vlan 10 ($A)                 v11 vlan 11 ($C)
children_setup()
{
	vm "$A" link add link lw name m1 address "$M1_MAC" type macvlan mode bridge &&
	vm "$A" link add link lw name m2 address "$M2_MAC" netns "$C" type macvlan mode bridge &&
	vm "$A" link add link lw name s1 type macvlan mode source macaddr add "$SRC_MAC" &&
	vm "$A" link add link lw name i1 type ipvlan mode l2 &&
	vm "$A" link add link lw name i2 netns "$C" type ipvlan mode l2 &&
	vm "$A" link add link lw name v10 type vlan id 10 &&
	vm "$A" link add link lw name v11 netns "$C" type vlan id 11 || return 1
	ip -n "$A" addr add 192.0.2.11/24 dev i1 &&
	ip -n "$C" addr add 192.0.2.12/24 dev i2 || return 1
	ip -n "$A" -batch - <<-EOF && ip -n "$C" -batch - <<-EOF2
		link set m1 up
		link set s1 up
		link set i1 up
		link set v10 up
	EOF
		link set m2 up
		link set i2 up
		link set v11 up
	EOF2
}

# traffic_start: pktgen in $P on pw: unicast to m1 and m2, broadcast, a
# frame from the source MAC s1 lists to i1's address, VLAN 10 and 11, and
# to i2's address.
traffic_start()
{
	pg_stream "$P" pw@0 "dst_mac $M1_MAC" "dst_mac_count 2" &&
	pg_stream "$P" pw@1 "dst_mac ff:ff:ff:ff:ff:ff" &&
	pg_stream "$P" pw@2 "dst_mac $LW_MAC" "src_mac $SRC_MAC" "dst 192.0.2.11" &&
	pg_stream "$P" pw@3 "dst_mac $LW_MAC" "vlan_id 10" "dst 192.0.2.12" &&
	pg_stream "$P" pw@4 "dst_mac $LW_MAC" "vlan_id 11" &&
	pg_stream "$P" pw@5 "dst_mac $LW_MAC" "dst 192.0.2.12" || return 1
	pg_start "$P"
}

# flowing NS DEV...: each DEV's rx_packets grows by 20 within 10 s.
flowing()
{
	local ns=$1 dev r0; shift

	for dev in "$@"; do
		r0=$(link_stats_get "$ns" "$dev" rx packets) || return 1
		busywait "$((2 * WAIT_TIMEOUT))" until_counter_is ">= $((r0 + 20))" \
			link_stats_get "$ns" "$dev" rx packets >/dev/null || {
			echo "no traffic on $dev"
			return 1
		}
	done
}

# vmux_devs NS: the names of NS's vmux devices, sorted, on one line.
vmux_devs()
{
	ip_ns "$1" -o -d link show |
		awk '/ vmux_(vlan|macvlan|ipvlan) / { sub(/[:@].*/, "", $2); print $2 }' |
		sort | paste -sd' '
}

link_gone()
{
	! ip -n "$1" link show dev "$2" &>/dev/null
}

no_vmux_devs()
{
	[[ -z $(vmux_devs "$1") ]]
}

no_vmux_devs_in()
{
	local ns

	for ns in "$@"; do
		no_vmux_devs "$ns" || return 1
	done
}

# port_free NS DEV: DEV has no rx_handler: an in-kernel macvlan can use it.
port_free()
{
	ip -n "$1" link add link "$2" name pf$$ type macvlan &&
		ip -n "$1" link del pf$$
}

# ---- the tests -------------------------------------------------------------------------

# traffic_everywhere: the setup, traffic into every child, and m1 sending
# too (broadcast, to its bridge sibling m2 and the wire), all seen flowing.
traffic_everywhere()
{
	local out

	require_module pktgen
	life_setup && children_setup && traffic_start
	check_err $? "setup"
	out=$(flowing "$A" m1 s1 i1 v10 && flowing "$C" m2 i2 v11)
	check_err $? "before: $out"
	pg_stream "$A" m1 "dst_mac ff:ff:ff:ff:ff:ff" && pg_start "$A"
	check_err $? "pktgen on m1"
	busywait "$((2 * WAIT_TIMEOUT))" until_counter_is ">= 20" link_stats_get "$A" m1 tx packets >/dev/null
	check_err $? "m1 transmits nothing"
}

life_delete_lower_under_traffic()
{
	RET=0
	traffic_everywhere

	ip -n "$A" link del lw
	check_err $? "deleting the lower under traffic"
	busywait "$WAIT_TIMEOUT" no_vmux_devs "$A"
	check_err $? "left in $A: $(vmux_devs "$A")"
	busywait "$WAIT_TIMEOUT" no_vmux_devs "$C"
	check_err $? "left in $C: $(vmux_devs "$C")"
	log_test "lower deleted under unicast, broadcast, source-MAC, tagged and tx traffic"
}

life_delete_children_under_traffic()
{
	local dev

	RET=0
	traffic_everywhere

	# The sender first, then the siblings it floods, then the rest.
	for dev in m1 s1 i1 v10; do
		vm "$A" link del "$dev"
		check_err $? "deleting $dev under traffic"
	done
	for dev in m2 i2 v11; do
		vm "$C" link del "$dev"
		check_err $? "deleting $dev ($C) under traffic"
	done
	[[ -z $(vmux_devs "$A")$(vmux_devs "$C") ]]
	check_err $? "left: $(vmux_devs "$A") $(vmux_devs "$C")"
	# The last child took the port with it: lw is free again.
	busywait "$WAIT_TIMEOUT" port_free "$A" lw >/dev/null 2>&1
	check_err $? "lw still has an rx_handler after its last child went"
	log_test "children deleted under traffic, the port with the last"
}

life_carrier_flaps()
{
	local i flap ops out flapper

	RET=0
	life_setup
	check_err $? "setup"
	# The peer's up/down is lw's carrier; children come and go meanwhile.
	# pktgen stops a stream at the first carrier loss: frames.py floods
	# broadcast and lw's MAC from $P instead, whatever the carrier.
	flap=$(mktemp) ops=$(mktemp)
	defer rm -f "$flap" "$ops"
	for ((i = 0; i < 200; i++)); do
		echo "link set pw down"
		echo "link set pw up"
	done >"$flap"
	# Slots: macvlans c0-c3, vlans q0-q2, ipvlans j0-j1; each round adds
	# one of each and deletes an older one, so no line fails.
	{
		echo "link add link lw name c2 type macvlan mode bridge"
		echo "link add link lw name c3 type macvlan mode bridge"
		echo "link add link lw name q1 type vlan id 2"
		echo "link add link lw name q2 type vlan id 3"
		echo "link add link lw name j1 type ipvlan mode l2"
		for ((i = 0; i < 100; i++)); do
			echo "link add link lw name c$((i % 4)) type macvlan mode bridge"
			echo "link set c$((i % 4)) up"
			echo "link add link lw name q$((i % 3)) type vlan id $((i % 3 + 1))"
			echo "link set q$((i % 3)) up"
			echo "link add link lw name j$((i % 2)) type ipvlan mode l2"
			echo "link set j$((i % 2)) up"
			echo "link del c$(((i + 2) % 4))"
			echo "link del q$(((i + 1) % 3))"
			echo "link del j$(((i + 1) % 2))"
		done
		echo "link del c2"
		echo "link del c3"
		echo "link del q0"
		echo "link del q2"
		echo "link del j1"
	} >"$ops"
	ip netns exec "$P" "$FRAMES" flood pw good 0 --pps 500 --dst ff:ff:ff:ff:ff:ff &>/dev/null &
	defer kill "$!"
	ip netns exec "$P" "$FRAMES" flood pw good 0 --pps 500 --dst "$LW_MAC" &>/dev/null &
	defer kill "$!"
	busywait "$((2 * WAIT_TIMEOUT))" until_counter_is ">= 100" link_stats_get "$A" lw rx packets >/dev/null
	check_err $? "no traffic into lw"
	ip -n "$P" -batch "$flap" &>/dev/null &
	flapper=$!
	out=$(vm "$A" -batch "$ops" 2>&1)
	check_err $? "children: $(head -n 3 <<<"$out")"
	wait "$flapper"
	check_err $? "carrier flaps failed"
	[[ -z $(vmux_devs "$A") ]]
	check_err $? "left: $(vmux_devs "$A")"
	# Carrier on at the end: a child made now is up at once.
	vm "$A" link add link lw name last type macvlan mode bridge &&
		ip -n "$A" link set last up
	check_err $? "a child after the flaps"
	busywait "$WAIT_TIMEOUT" operstate_is "$A" last UP
	check_err $? "operstate after the flaps: $(operstate "$A" last)"
	log_test "carrier flaps while children are made and deleted, under traffic"
}

life_netns_moves()
{
	local i dev out

	RET=0
	require_module pktgen
	life_setup && children_setup && traffic_start
	check_err $? "setup"
	for ((i = 0; i < 5; i++)); do
		for dev in m1 i1 v10; do
			vm "$A" link set "$dev" netns "$C" &&
				ip -n "$C" link set "$dev" up &&
				vm "$C" link set "$dev" netns "$A" &&
				ip -n "$A" link set "$dev" up
			check_err $? "moving $dev to $C and back, round $i"
		done
	done
	# The lower itself, its children staying where they are. A move takes
	# lw down, and pktgen stops its streams when pw loses carrier: they
	# start again before each move.
	for ((i = 0; i < 3; i++)); do
		out=$(flowing "$A" m1)
		check_err $? "before lower move $i: $out"
		ip -n "$A" link set lw netns "$C" && ip -n "$C" link set lw up &&
			ip -n "$C" link set lw netns "$A" && ip -n "$A" link set lw up
		check_err $? "moving lw to $C and back, round $i"
		pg_start "$P"
	done
	# The ipvlans' addresses and the vlans' ids still steer the frames.
	ip -n "$A" addr replace 192.0.2.11/24 dev i1
	out=$(flowing "$A" m1 s1 i1 v10 && flowing "$C" m2 i2 v11)
	check_err $? "after the moves: $out"
	log_test "children and lower moved between namespaces under traffic"
}

life_netns_destroyed()
{
	local D E out

	RET=0
	require_module pktgen
	life_setup && children_setup && traffic_start
	check_err $? "setup"
	# $D holds a second lower, d1, whose children live in $A; $E holds
	# children of lw. Both namespaces go away while frames flow.
	setup_ns D E
	ip -n "$D" link add d1 type dummy && ip -n "$D" link set d1 up &&
		vm "$D" link add link d1 name dm netns "$A" type macvlan mode bridge &&
		vm "$D" link add link d1 name di netns "$A" type ipvlan mode l3 &&
		vm "$A" link add link lw name em netns "$E" type macvlan mode bridge &&
		vm "$A" link add link lw name ev netns "$E" type vlan id 12
	check_err $? "setup of $D and $E"
	ip netns del "$E"
	ip netns del "$D"
	# Namespaces are torn down by a worker: poll.
	busywait "$((4 * WAIT_TIMEOUT))" link_gone "$A" dm
	check_err $? "dm (a child of d1, in $A) survived d1's namespace"
	link_gone "$A" di
	check_err $? "di (a child of d1, in $A) survived d1's namespace"
	[[ $(vmux_devs "$A") == "i1 m1 s1 v10" && $(vmux_devs "$C") == "i2 m2 v11" ]]
	check_err $? "lw's other children changed: $(vmux_devs "$A") / $(vmux_devs "$C")"
	out=$(flowing "$A" m1 && flowing "$C" m2)
	check_err $? "after: $out"
	log_test "namespaces destroyed while holding a lower and children"
}

# nest_chain NS LOWER IMPL: stack devices on LOWER (impl vmux: macvlan and
# vlan by turns; kernel: 8021q vlans) until one is refused; prints
# "DEPTH: ERROR" (DEPTH devices were made above LOWER).
nest_chain()
{
	local ns=$1 lower=$2 impl=$3 n=0 name out

	while ((n < 20)); do
		if [[ $impl == kernel ]]; then
			name=k$n
			out=$(ip -n "$ns" link add link "$lower" name "$name" type vlan id "$((n + 1))" 2>&1)
		elif ((n % 2)); then
			name=x$n
			out=$(vm "$ns" link add link "$lower" name "$name" type vlan id "$((n + 1))" 2>&1)
		else
			name=x$n
			out=$(vm "$ns" link add link "$lower" name "$name" type macvlan mode bridge 2>&1)
		fi
		# shellcheck disable=SC2181 # the branches above share one check
		(($? == 0)) || break
		lower=$name
		n=$((n + 1))
	done
	echo "$n: $out"
}

life_nesting()
{
	local theirs ours

	RET=0
	setup_ns A
	ip -n "$A" link add d0 type dummy && ip -n "$A" link add d1 type dummy
	check_err $? "setup"
	theirs=$(nest_chain "$A" d0 kernel)
	ours=$(nest_chain "$A" d1 vmux)
	[[ ${ours%%:*} == "${theirs%%:*}" ]]
	check_err $? "vmux stacks ${ours%%:*} deep, 8021q ${theirs%%:*}"
	((${ours%%:*} >= 7))
	check_err $? "vmux stacks only ${ours%%:*} deep"
	[[ $ours == *"Too many links"* ]]
	check_err $? "the refusal: $ours"
	# The whole stack goes with its bottom.
	ip -n "$A" link del d1
	busywait "$WAIT_TIMEOUT" no_vmux_devs "$A"
	check_err $? "left: $(vmux_devs "$A")"
	log_test "nesting: vmux stacks as deep as 8021q (${ours%%:*}), then EMLINK"
}

life_cycles()
{
	local i ops kinds out

	RET=0
	setup_ns A
	ip -n "$A" link add d0 type dummy && ip -n "$A" link set d0 up
	check_err $? "setup"
	ops=$(mktemp)
	defer rm -f "$ops"
	kinds=("macvlan mode bridge" "vlan id 5" "ipvlan mode l2" "macvlan mode source"
		"ipvlan mode l3s" "macvlan mode passthru")
	for ((i = 0; i < 1000; i++)); do
		echo "link add link d0 name cy type ${kinds[i % ${#kinds[@]}]}"
		echo "link set cy up"
		echo "link del cy"
	done >"$ops"
	out=$(vm "$A" -batch "$ops" 2>&1)
	check_err $? "a cycle failed: $(head -n 3 <<<"$out")"
	no_vmux_devs "$A"
	check_err $? "left: $(vmux_devs "$A")"
	port_free "$A" d0
	check_err $? "d0 still has an rx_handler after 1000 cycles"
	log_test "1000 create/up/delete cycles, every kind, the port freed"
}

# life_random_batch SEED N PEERNS: N random vmux commands on the shared name
# pool n0..n9, lowers lw, d1 and the pool itself (stacks); PEERNS, if not
# empty, is where "netns" sends a device.
life_random_batch()
{
	awk -v seed="$(($1))" -v n="$2" -v peer="$3" '
	function r(k) { return int(rand() * k) }
	function pick(a, k) { return a[r(k) + 1] }
	function name() { return "n" r(10) }
	function mac() { return sprintf("02:00:00:00:%02x:%02x", 16 + r(2), r(8)) }
	BEGIN {
		srand(seed)
		split("lw lw d1 n0 n1 n2 n3 n4 n5 n6", lowers, " ")
		split("bridge private vepa source passthru", mvmodes, " ")
		split("l2 l3 l3s", ipmodes, " ")
		split("bridge private vepa", ipflags, " ")
		for (i = 0; i < n; i++) {
			op = r(100)
			if (op < 30) {
				k = r(3)
				line = "link add link " pick(lowers, 10) " name " name()
				if (r(4) == 0)
					line = line " mtu " (1000 + r(600))
				if (k == 0) {
					if (r(3) == 0)
						line = line " address " mac()
					line = line " type macvlan mode " pick(mvmodes, 5)
				} else if (k == 1) {
					line = line " type vlan id " (1 + r(6))
					if (r(4) == 0)
						line = line " protocol 802.1ad"
				} else {
					line = line " type ipvlan mode " pick(ipmodes, 3) " " pick(ipflags, 3)
				}
			} else if (op < 50) {
				line = "link del " name()
			} else if (op < 65) {
				line = "link set " name() (r(2) ? " up" : " down")
			} else if (op < 72) {
				line = "link set " name() " mtu " (1000 + r(600))
			} else if (op < 78) {
				line = "link set " name() " address " mac()
			} else if (op < 84) {
				line = "link set " name() " name " name()
			} else if (op < 88) {
				line = "link set " name() " type macvlan mode " pick(mvmodes, 4)
			} else if (op < 92) {
				line = "link set " name() " type ipvlan mode " pick(ipmodes, 3)
			} else if (op < 95 && peer != "") {
				line = "link set " name() " netns " peer
			} else {
				line = "link show"
			}
			print line
		}
	}'
}

# life_random_lower_batch SEED N: the lowers change under the children.
life_random_lower_batch()
{
	awk -v seed="$(($1))" -v n="$2" '
	function r(k) { return int(rand() * k) }
	BEGIN {
		srand(seed)
		for (i = 0; i < n; i++) {
			op = r(4)
			dev = r(2) ? "d1" : "lw"
			if (op == 0)
				print "link set " dev " mtu " (1200 + r(400))
			else if (op == 1)
				print "link set " dev (r(2) ? " up" : " down")
			else if (op == 2)
				print "link set d1 carrier " (r(2) ? "on" : "off")
			else
				print "link set " dev " address 02:00:00:00:00:" sprintf("%02x", 160 + r(16))
		}
	}'
}

# __random_ops RUN NS_A NS_C: 8 processes x $LC_OPS random operations (6 in
# the first namespace, 2 in the second if any), one changing the lowers,
# one dumping with -j -d and parsing every dump, one monitoring. RUN runs a
# command in a namespace: "RUN NS CMD...".
__random_ops()
{
	local run=$1 na=$2 nc=$3 dir i seed pids=() p dumps=0 bad=0 mpid

	dir=$(mktemp -d)
	defer rm -rf "$dir"
	chmod 755 "$dir"
	for ((i = 0; i < 8; i++)); do
		seed=$((LC_SEED + i))
		if ((i >= 6)) && [[ -n $nc ]]; then
			life_random_batch "$seed" "$LC_OPS" "$na" >"$dir/ops$i"
		else
			life_random_batch "$seed" "$LC_OPS" "$nc" >"$dir/ops$i"
		fi
	done
	life_random_lower_batch "$((LC_SEED + 8))" "$((LC_OPS / 4))" >"$dir/lower"
	chmod 644 "$dir"/*

	$run "$na" "$VMUX" monitor link >"$dir/monitor" 2>&1 &
	mpid=$!
	defer kill "$mpid"
	for ((i = 0; i < 8; i++)); do
		if ((i >= 6)) && [[ -n $nc ]]; then
			$run "$nc" "$VMUX" -force -batch "$dir/ops$i" >/dev/null 2>&1 &
		else
			$run "$na" "$VMUX" -force -batch "$dir/ops$i" >/dev/null 2>&1 &
		fi
		pids+=("$!")
	done
	$run "$na" ip -force -batch "$dir/lower" >/dev/null 2>&1 &
	pids+=("$!")
	# The dumper, until the workers are done; the dumps are parsed after,
	# by one jq (it takes longer to start than vmux takes to dump).
	while any_alive "${pids[@]:0:8}"; do
		$run "$na" "$VMUX" -j -d -s link show >"$dir/dump.$dumps" 2>&1
		dumps=$((dumps + 1))
	done
	for p in "${pids[@]}"; do
		wait "$p"
	done
	if ! jq -e -s 'all(.[]; type == "array")' "$dir"/dump.* >/dev/null 2>&1; then
		for p in "$dir"/dump.*; do
			jq -e 'type == "array"' "$p" &>/dev/null && continue
			bad=$((bad + 1))
			cp "$p" "$dir/bad-dump"
		done
	fi
	kill -0 "$mpid" 2>/dev/null
	check_err $? "vmux monitor died: $(tail -n 3 "$dir/monitor")"
	grep -q . "$dir/monitor"
	check_err $? "vmux monitor saw nothing"
	((dumps > 0 && bad == 0))
	check_err $? "$bad of $dumps dumps did not parse: $(head -c 300 "$dir/bad-dump" 2>/dev/null)"
	log_info "seed $LC_SEED: 8 x $LC_OPS operations, $dumps dumps, $(wc -l <"$dir/monitor") monitor lines"
}

userns_rx_packets()
{
	local out obj

	out=$(userns_exec "$1" ip -j -s link show dev "$2") &&
		obj=$(__json_object "$out" rx) && __json_scalar "$obj" packets
}

any_alive()
{
	local p

	for p in "$@"; do
		kill -0 "$p" 2>/dev/null && return 0
	done
	return 1
}

life_random_ops()
{
	# Traffic to race with, not to load the guest: 100 frames/s a stream.
	local PG_DELAY=10000000

	RET=0
	require_module pktgen
	life_setup && traffic_start
	check_err $? "setup"
	ip -n "$A" link add d1 type dummy && ip -n "$A" link set d1 up
	check_err $? "d1"
	__random_ops in_ns "$A" "$C"
	# Every vmux device goes with the lowers, wherever it was sent.
	ip -n "$A" link del lw && ip -n "$A" link del d1
	check_err $? "deleting the lowers"
	busywait "$((4 * WAIT_TIMEOUT))" no_vmux_devs_in "$A" "$C"
	check_err $? "left: $(vmux_devs "$A") / $(vmux_devs "$C")"
	log_test "8 processes x $LC_OPS random operations, a dumper and a monitor"
}

life_random_ops_userns()
{
	local U

	RET=0
	userns_setup U
	check_err $? "userns"
	userns_exec "$U" ip link add lw address "$LW_MAC" type veth peer name pw &&
		userns_exec "$U" ip link add d1 type dummy &&
		userns_exec "$U" ip link set lw up && userns_exec "$U" ip link set pw up &&
		userns_exec "$U" ip link set d1 up
	check_err $? "lowers in the user namespace"
	# No pktgen in a user namespace: frames.py floods through AF_PACKET.
	userns_exec "$U" "$FRAMES" flood pw good 0 --pps 200 &>/dev/null &
	userns_exec "$U" "$FRAMES" flood pw good 0 --pps 200 --dst "$LW_MAC" &>/dev/null &
	busywait "$((2 * WAIT_TIMEOUT))" until_counter_is ">= 100" userns_rx_packets "$U" lw >/dev/null
	check_err $? "no traffic into lw"
	__random_ops userns_exec "$U" ""
	userns_exec "$U" ip link del lw && userns_exec "$U" ip link del d1
	check_err $? "deleting the lowers"
	[[ -z $(userns_exec "$U" ip -j -d link show | jq -r '.[] | select(.linkinfo.info_kind // "" | startswith("vmux_")) | .ifname') ]]
	check_err $? "vmux devices left in the user namespace"
	log_test "the same, unprivileged in unshare -Urn"
}

life_rmmod_stacks()
{
	local out kinds

	RET=0
	require_module pktgen bonding 8021q
	life_setup && children_setup && traffic_start
	check_err $? "setup"
	# vmux on vmux, 8021q on vmux, vmux on 8021q, vmux on a bond; some
	# in $C.
	vm "$A" link add link m1 name m1v type vlan id 20 &&
		ip -n "$A" link add link m1 name m1k type vlan id 21 &&
		ip -n "$A" link add link lw name kv type vlan id 30 &&
		vm "$A" link add link kv name kvm netns "$C" type macvlan mode bridge &&
		ip -n "$A" link add b0 type bond &&
		ip -n "$A" link add d2 type dummy &&
		ip -n "$A" link set d2 master b0 &&
		ip -n "$A" link set b0 up &&
		vm "$A" link add link b0 name bi type ipvlan mode l2 &&
		vm "$A" link add link b0 name bm netns "$C" type macvlan mode bridge
	check_err $? "stacks"
	out=$(flowing "$A" m1 i1 && flowing "$C" m2)
	check_err $? "before: $out"
	rmmod vmux
	check_err $? "rmmod with stacks in several namespaces under traffic"
	[[ -z $(vmux_devs "$A")$(vmux_devs "$C") ]]
	check_err $? "vmux devices survived rmmod: $(vmux_devs "$A") $(vmux_devs "$C")"
	ip -n "$A" link show m1k &>/dev/null
	check_fail $? "m1k (8021q on a vmux device) survived its lower"
	kinds=$(ip -n "$A" -j -d link show | jq -r '[.[] | .ifname] | sort | join(" ")')
	[[ $kinds == "b0 d2 kv lo lw" ]]
	check_err $? "devices left in $A: $kinds (expected b0 d2 kv lo lw)"
	insmod "$VMUX_KO"
	check_err $? "reload"
	log_test "rmmod with stacks (vmux on vmux, 8021q, bond) in several namespaces"
}

require_root
require_vmux
require_command jq awk
log_info "random operations: seed $LC_SEED, $LC_OPS per process (VMUX_LC_SEED, VMUX_LC_OPS)"
tests_run
exit "$(exit_status)"
