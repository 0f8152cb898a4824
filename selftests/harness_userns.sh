#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# User namespaces in the VM harness, with no vmux code involved: "unshare
# -Urn" as root and as nobody (the guest's root is no chroot), and lib.sh's
# userns_setup / userns_exec / userns_vm: uid 65534's own user + net
# namespace, root inside it and nobody outside, root moving devices in,
# and the namespace gone with its holder.
#
#  initial user + net namespace (root)     $U: user + net namespace of uid 65534
# +-----------------------------------+   +-----------------------------------+
# | dm-XXXXXX (dummy, by root) --- ip link set dev dm-.. netns $U -> dm-XXXXXX|
# |                                   |   | d1 (dummy, made inside)           |
# | virtio NIC: moved into $U2, back  |   | lo, up                            |
# |             when $U2's holder dies|   |                                   |
# | nothing made or moved from $U:    |   | userns_exec: uid 0 inside, 65534  |
# | "Operation not permitted"         |   | outside; userns_vm: vmux CLI      |
# +-----------------------------------+   +-----------------------------------+

ALL_TESTS="
	unshare_as_root
	unshare_as_nobody
	userns_identity
	userns_dummy
	userns_no_init_caps
	userns_move_in
	userns_vmux_cli
	userns_teardown
"

# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

EPERM="Operation not permitted"

# rand_name PREFIX: a device name unused so far.
rand_name()
{
	echo "$1-$(mktemp -u XXXXXX)"
}

# userns_nprocs PID: how many processes are in PID's network namespace.
userns_nprocs()
{
	local p n=0

	for p in /proc/[0-9]*; do
		[[ $p/ns/net -ef /proc/$1/ns/net ]] && n=$((n + 1))
	done
	echo "$n"
}

# refused_eperm WHAT CMD...: CMD must fail with EPERM.
refused_eperm()
{
	local what=$1 out; shift

	out=$("$@" 2>&1)
	check_fail $? "$what: allowed"
	[[ $out == *"$EPERM"* ]]
	check_err $? "$what: expected \"$EPERM\", got \"$out\""
}

unshare_as_root()
{
	RET=0
	unshare -Urn true
	check_err $? "unshare -Urn failed as root"
	log_test "unshare -Urn as root"
}

unshare_as_nobody()
{
	local caps

	RET=0
	caps=$(as_user sed -n 's/^CapEff:\t//p' /proc/self/status)
	[[ $caps =~ ^0+$ ]]
	check_err $? "as_user has capabilities: CapEff $caps"
	as_user unshare -Urn sh -c 'ip link add d0 type dummy && ip link del d0'
	check_err $? "unshare -Urn as uid $USERNS_UID: no dummy in its own namespace"
	log_test "unshare -Urn as nobody, a dummy in its own namespace"
}

userns_identity()
{
	local U map caps

	RET=0
	userns_setup U
	check_err $? "userns_setup failed"
	[[ $(userns_exec "$U" id -u):$(userns_exec "$U" id -g) == 0:0 ]]
	check_err $? "not root inside: $(userns_exec "$U" id)"
	map=$(userns_exec "$U" cat /proc/self/uid_map | tr -s ' ')
	[[ $map == " 0 $USERNS_UID 1" ]]
	check_err $? "uid_map is \"$map\", expected \"0 $USERNS_UID 1\""
	# All of root's capabilities, which count in $U only.
	caps=$(userns_exec "$U" sed -n 's/^CapEff:\t//p' /proc/self/status)
	[[ $caps == "$(sed -n 's/^CapEff:\t//p' /proc/self/status)" ]]
	check_err $? "not all capabilities inside: CapEff $caps"
	[[ /proc/self/ns/net -ef /proc/$U/ns/net || /proc/self/ns/user -ef /proc/$U/ns/user ]]
	check_fail $? "the holder is in the initial user or network namespace"
	userns_exec "$U" ip -j link show dev lo | jq -e '.[0].flags | index("UP")' >/dev/null
	check_err $? "lo is not up in the user namespace"
	log_test "userns_exec: uid 0 in its own user + net namespace"
}

userns_dummy()
{
	local U

	RET=0
	userns_setup U
	check_err $? "userns_setup failed"
	userns_exec "$U" ip link add d1 type dummy
	check_err $? "cannot create a dummy inside"
	userns_exec "$U" ip link show dev d1 >/dev/null
	check_err $? "the dummy is not there"
	link_exists "" d1
	check_fail $? "the dummy is in the initial namespace"
	userns_exec "$U" ip link del d1
	check_err $? "cannot delete the dummy inside"
	userns_exec "$U" ip link show dev d1 &>/dev/null
	check_fail $? "the dummy is still there"
	log_test "userns_exec: a dummy created and deleted inside"
}

userns_no_init_caps()
{
	local U n f

	RET=0
	userns_setup U
	check_err $? "userns_setup failed"
	n=$(rand_name x)
	# Pid 1 is in the initial namespaces (no pid namespace here).
	refused_eperm "a dummy created in init_net from inside" \
		userns_exec "$U" ip link add name "$n" netns 1 type dummy
	# The user namespace alone, in init_net.
	refused_eperm "a dummy created in init_net from its user namespace" \
		as_user nsenter --target "$U" --user --preserve-credentials -- \
		ip link add name "$n" type dummy
	link_exists "" "$n"
	check_fail $? "$n was created in the initial namespace"
	# Not root over files either: uid 65534, not 0, outside.
	f=$(mktemp /tmp/vmux-userns.XXXXXX)
	defer rm -f "$f"
	chmod 0644 "$f"
	userns_exec "$U" sh -c "echo x >>'$f'" 2>/dev/null
	check_fail $? "wrote a file of root's (0644)"
	[[ ! -s $f ]]
	check_err $? "$f was written"
	log_test "userns_exec: no capability over the initial namespaces"
}

userns_move_in()
{
	local U dev

	RET=0
	userns_setup U
	check_err $? "userns_setup failed"
	dev=$(rand_name dm)
	ip link add name "$dev" type dummy
	check_err $? "root cannot create $dev"
	ip link set dev "$dev" netns "$U"
	check_err $? "root cannot move $dev into the user namespace (netns PID)"
	link_exists "" "$dev"
	check_fail $? "$dev is still in the initial namespace"
	userns_exec "$U" ip link show dev "$dev" >/dev/null
	check_err $? "$dev is not visible inside"
	userns_exec "$U" ip link set dev "$dev" up
	check_err $? "$dev cannot be set up inside"
	refused_eperm "$dev moved back to init_net from inside" \
		userns_exec "$U" ip link set dev "$dev" netns 1
	log_test "a dummy moved in by root is visible and usable inside"
}

userns_vmux_cli()
{
	local U out

	RET=0
	userns_setup U
	check_err $? "userns_setup failed"
	out=$(userns_vm "$U" -V 2>&1)
	check_err $? "uid $USERNS_UID cannot run $VMUX: $out"
	out=$(userns_vm "$U" -j link show 2>&1)
	check_err $? "vmux link show failed inside: $out"
	jq -e 'length == 0' <<<"$out" >/dev/null
	check_err $? "vmux link show: expected [], got \"$out\""
	log_test "userns_vm: the vmux CLI runs inside, unprivileged"
}

userns_teardown()
{
	local U2 virtio

	RET=0
	read -r _ virtio < <(nics)
	check_err $? "the NICs are not home"
	# A scope of its own: the namespace goes before the test ends.
	defer_scope_push
	userns_setup U2
	check_err $? "userns_setup failed"
	ip link set dev "$virtio" netns "$U2"
	check_err $? "root cannot move $virtio into the user namespace"
	userns_exec "$U2" ip link show dev "$virtio" >/dev/null
	check_err $? "$virtio is not visible inside"
	# A process left behind inside must not keep the namespace alive.
	# (2>/dev/null: bash's "Killed" when it goes.)
	userns_exec "$U2" sleep infinity 2>/dev/null &
	busywait "$WAIT_TIMEOUT" until_counter_is "== 2" userns_nprocs "$U2" >/dev/null
	check_err $? "the second process did not enter the namespace"
	defer_scope_pop
	# A physical device goes home when its namespace is freed.
	slowwait 10 link_exists "" "$virtio"
	check_err $? "$virtio did not come back when the holder was killed"
	log_test "the namespace and its stragglers go with the holder"
}

require_root
require_command ip jq setpriv nsenter unshare
require_module dummy
tests_run
exit "$(exit_status)"
