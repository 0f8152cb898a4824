#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmux-cni driven by libcni (selftests/cni/cnitest.go, as a runtime calls
# it) with Debian's host-local IPAM: a macvlan, an ipvlan and a vlan pod on
# the same NIC, reachability across the wire, CHECK, DEL, and failures
# that must leave neither a device nor a lease behind.
#
#  ns $A (the node: vmux-cni runs here)            ns $B (the peer)
# +-------------------------------------------+   +--------------------------+
# | $NA (e1000) ------------------------------|---|-- $NB 10.90.1.1/24       |
# |   |  |  \                                 |   |       10.90.2.1/24       |
# |   |  |   vmux_vlan id 10 -> pod $P3 eth0  |   |   p10 (8021q id 10)      |
# |   |  vmux_ipvlan l2      -> pod $P2 eth0  |   |       10.90.3.1/24       |
# |   vmux_macvlan bridge    -> pod $P1 eth0  |   +--------------------------+
# +-------------------------------------------+
#  $P1 10.90.1.0/24, $P2 10.90.2.0/24, $P3 10.90.3.0/24 (host-local), each
#  with a route to 10.90.0.0/16 via its gateway, the peer (host-local's
#  default gateway, .1), which forwards: the pods reach each other across
#  the wire, as pods on a NIC reach each other through the network's router.
#
# cnitest (selftests/cni/cnitest.go) is built with the rest (make all:
# selftests/cni/CMakeLists.txt, a GOPATH build over Debian's libcni source).

# Its own namespaces and devices and its pair of NICs (VMUX_NIC_PAIR):
# run_all.sh: beside others

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	cni_version cni_add cni_reach cni_check cni_del cni_reference cni_doc_example
	cni_chained cni_options cni_podman
	cni_fail_no_ipam cni_fail_exhausted cni_fail_ifname cni_fail_config
"

VMUX_CNI=${VMUX_CNI:-$top/build/vmux-cni}
CNITEST=${CNITEST:-$top/build/cnitest}
# host-local and static: Debian's containernetworking-plugins.
CNI_DIRS="$(dirname "$VMUX_CNI"):/usr/lib/cni"
WORK=
OUT=
ERR=

require_root
require_vmux
for f in "$VMUX_CNI" "$CNITEST" /usr/lib/cni/host-local; do
	if [[ ! -x $f ]]; then
		echo "SKIP: $f is missing (see the head of $0)"
		exit "$ksft_skip"
	fi
done

# conflist NAME KIND SUBNET [PLUGIN-KEYS [IPAM-KEYS]]: $WORK/NAME.conflist.
conflist()
{
	local name=$1 kind=$2 subnet=$3 keys=${4:-} ipam=${5:-}

	cat >"$WORK/$name.conflist" <<-EOC
	{"cniVersion":"1.0.0","name":"$name","plugins":[{"type":"vmux-cni","kind":"$kind",
	 "master":"$NA"${keys:+,$keys},
	 "ipam":{"type":"host-local","dataDir":"$WORK/ipam","subnet":"$subnet",
	  "routes":[{"dst":"10.90.0.0/16"}]${ipam:+,$ipam}}}]}
	EOC
}

# cni CMD NAME NETNS [IFNAME [ID]]: cnitest in the node's netns; its
# stdout in $OUT, its stderr (the error object) in $ERR.
cni()
{
	local cmd=$1 name=$2 netns=$3 ifname=${4:-eth0} id=${5:-$2}

	ip netns exec "$A" env CNI_PATH="$CNI_DIRS" CNITEST_CACHE_DIR="$WORK/cache" \
		CNITEST_ARGS="${CNITEST_ARGS:-}" \
		"$CNITEST" "$cmd" "$WORK/$name.conflist" "$netns" "$ifname" "$id" \
		>"$OUT" 2>"$ERR"
}

# leases NAME: the number of addresses host-local holds for network NAME.
leases()
{
	local f n=0

	for f in "$WORK/ipam/$1"/*; do
		[[ ${f##*/} =~ ^[0-9a-f.:]+$ ]] && n=$((n + 1))
	done
	echo "$n"
}

# vmux_links NS: the number of vmux devices in NS.
vmux_links()
{
	ip -n "$1" -d -o link show 2>/dev/null | grep -c "vmux_" || true
}

# expect_error CODE MSG-SUBSTRING: the last cni call failed with them
# (MSG as it is in the JSON error object: a quote is \").
expect_error()
{
	local code

	code=$(__json_scalar "$(tr -d '\n' <"$ERR")" code)
	[[ $code == "$1" ]]
	check_err $? "code \"$code\", not $1: $(cat "$ERR")"
	grep -qF -- "$2" "$ERR"
	check_err $? "no \"$2\" in: $(cat "$ERR")"
}

cni_setup()
{
	hosts_setup -i quiet_ns P1 P2 P3 || return 1
	WORK=$(mktemp -d /tmp/vmux-cni.XXXXXX)
	defer rm -rf "$WORK"
	OUT=$WORK/out
	ERR=$WORK/err
	ip -n "$B" addr add 10.90.1.1/24 dev "$NB"
	ip -n "$B" addr add 10.90.2.1/24 dev "$NB"
	ip -n "$B" link add link "$NB" name p10 type vlan id 10
	ip -n "$B" addr add 10.90.3.1/24 dev p10
	ip -n "$B" link set p10 up
	# The pods' router; no redirects: the pods stay on their route.
	ns_sysctl "net.ipv4.ip_forward=1 net.ipv4.conf.all.send_redirects=0" "$B"
	ns_sysctl "net.ipv4.conf.$NB.send_redirects=0" "$B"
	nic_wait_carrier "$A" "$NA"
	conflist mv macvlan 10.90.1.0/24
	conflist iv ipvlan 10.90.2.0/24
	conflist vl vlan 10.90.3.0/24 '"vlanId":10'
}

# The three pods, added (for the tests after cni_add).
pods_add()
{
	cni add mv "/run/netns/$P1" && cni add iv "/run/netns/$P2" && cni add vl "/run/netns/$P3"
}

cni_version()
{
	RET=0
	cni_setup || return
	local n
	# libcni's ValidateNetworkList runs VERSION and checks the version.
	for n in mv iv vl; do
		ip netns exec "$A" env CNI_PATH="$CNI_DIRS" "$CNITEST" validate "$WORK/$n.conflist" \
			2>"$ERR"
		check_err $? "validate $n: $(cat "$ERR")"
	done
	log_test "cni: VERSION through libcni's ValidateNetworkList"
}

cni_add()
{
	RET=0
	cni_setup || return
	local json addr

	tcpdump_start "$B" "$NB" arp
	cni add mv "/run/netns/$P1"
	check_err $? "ADD macvlan: $(cat "$ERR")"
	# Up with its address: a gratuitous ARP tells the network at once.
	addr=$(ip -n "$P1" -4 -o addr show eth0 | awk '{print $4}')
	addr=${addr%/*}
	tcpdump_wait "Request who-has ${addr//./\\.} tell ${addr//./\\.}," 1
	check_err $? "no gratuitous ARP for $addr on the wire: $(tcpdump_show)"
	tcpdump_stop
	grep -q "\"sandbox\": \"/run/netns/$P1\"" "$OUT" && grep -q '"address": "10.90.1.' "$OUT"
	check_err $? "ADD macvlan result: $(cat "$OUT")"
	cni add iv "/run/netns/$P2"
	check_err $? "ADD ipvlan: $(cat "$ERR")"
	cni add vl "/run/netns/$P3"
	check_err $? "ADD vlan: $(cat "$ERR")"

	json=$(vm "$P1" -d -j link show dev eth0)
	[[ $(__json_scalar "$json" info_kind) == vmux_macvlan && $json == *'"mode":"bridge"'* ]]
	check_err $? "macvlan pod: $json"
	json=$(vm "$P2" -d -j link show dev eth0)
	[[ $(__json_scalar "$json" info_kind) == vmux_ipvlan && $json == *'"mode":"l2"'* ]]
	check_err $? "ipvlan pod: $json"
	json=$(vm "$P3" -d -j link show dev eth0)
	[[ $(__json_scalar "$json" info_kind) == vmux_vlan && $json == *'"id":10'* ]]
	check_err $? "vlan pod: $json"
	[[ $(ip netns exec "$P1" cat /proc/sys/net/ipv4/conf/eth0/arp_notify) == 1 ]]
	check_err $? "arp_notify is not set in the macvlan pod"
	log_test "cni: ADD macvlan, ipvlan and vlan pods on one NIC"
}

cni_reach()
{
	RET=0
	cni_setup || return
	pods_add
	check_err $? "ADD: $(cat "$ERR")"
	ip netns exec "$P1" ping -q -c 2 -W 2 10.90.1.1 >/dev/null
	check_err $? "macvlan pod -> peer"
	ip netns exec "$P2" ping -q -c 2 -W 2 10.90.2.1 >/dev/null
	check_err $? "ipvlan pod -> peer"
	ip netns exec "$P3" ping -q -c 2 -W 2 10.90.3.1 >/dev/null
	check_err $? "vlan pod -> peer on vlan 10"
	local iv_addr vl_addr
	iv_addr=$(ip -n "$P2" -4 -o addr show eth0 | awk '{print $4}')
	vl_addr=$(ip -n "$P3" -4 -o addr show eth0 | awk '{print $4}')
	ip netns exec "$P1" ping -q -c 2 -W 2 "${iv_addr%/*}" >/dev/null
	check_err $? "macvlan pod -> ipvlan pod $iv_addr on the same NIC, through the peer"
	ip netns exec "$P2" ping -q -c 2 -W 2 "${vl_addr%/*}" >/dev/null
	check_err $? "ipvlan pod -> vlan pod $vl_addr on the same NIC, through the peer"
	log_test "cni: pods reach the peer and each other"
}

cni_check()
{
	RET=0
	cni_setup || return
	pods_add
	check_err $? "ADD: $(cat "$ERR")"
	local n p addr
	for n in mv:$P1 iv:$P2 vl:$P3; do
		cni check "${n%%:*}" "/run/netns/${n#*:}"
		check_err $? "CHECK ${n%%:*}: $(cat "$ERR")"
	done
	addr=$(ip -n "$P1" -4 -o addr show eth0 | awk '{print $4}')
	ip -n "$P1" addr del "$addr" dev eth0
	cni check mv "/run/netns/$P1"
	check_fail $? "CHECK passed without the address"
	expect_error 999 "Failed to match addr $addr on interface eth0"
	ip -n "$P1" addr add "$addr" dev eth0
	ip netns exec "$P1" "$VMUX" link set dev eth0 type macvlan mode vepa
	cni check mv "/run/netns/$P1"
	check_fail $? "CHECK passed with mode vepa"
	expect_error 999 "Container macvlan mode vepa does not match expected value: bridge"
	p=$P2
	ip netns exec "$p" "$VMUX" link set dev eth0 type ipvlan mode l3
	cni check iv "/run/netns/$p"
	check_fail $? "CHECK passed with ipvlan mode l3"
	expect_error 999 "Container ipvlan mode l3 does not match expected value: l2"
	log_test "cni: CHECK passes, then sees a lost address and a changed mode"
}

cni_del()
{
	RET=0
	cni_setup || return
	pods_add
	check_err $? "ADD: $(cat "$ERR")"
	local n
	# What ADD would refuse (a bad MAC in CNI_ARGS, as a runtime may pass
	# on from a failed ADD) does not keep DEL from releasing the lease.
	CNITEST_ARGS="IgnoreUnknown=1;MAC=zz" cni del iv "/run/netns/$P2"
	check_err $? "DEL with CNI_ARGS MAC=zz: $(cat "$ERR")"
	[[ $(vmux_links "$P2") == 0 && $(leases iv) == 0 ]]
	check_err $? "DEL with CNI_ARGS MAC=zz left the link or the lease"
	for n in mv:$P1 iv:$P2; do
		cni del "${n%%:*}" "/run/netns/${n#*:}"
		check_err $? "DEL ${n%%:*}: $(cat "$ERR")"
		cni del "${n%%:*}" "/run/netns/${n#*:}"
		check_err $? "second DEL ${n%%:*}: $(cat "$ERR")"
		[[ $(vmux_links "${n#*:}") == 0 && $(leases "${n%%:*}") == 0 ]]
		check_err $? "${n%%:*}: a link or a lease is left"
	done
	# The vlan pod's netns goes first, as when a runtime tears down a
	# dead container: DEL still releases the lease, with and without
	# CNI_NETNS.
	ip netns del "$P3"
	cni del vl "/run/netns/$P3"
	check_err $? "DEL after the netns is gone: $(cat "$ERR")"
	cni del vl ""
	check_err $? "DEL without CNI_NETNS: $(cat "$ERR")"
	[[ $(leases vl) == 0 ]]
	check_err $? "the vlan pod's lease is left"
	[[ $(vmux_links "$A") == 0 ]]
	check_err $? "a vmux device is left on the node"
	log_test "cni: DEL twice, after the netns, without it: nothing left"
}

cni_fail_no_ipam()
{
	local cmd

	RET=0
	cni_setup || return
	sed -i 's/"host-local"/"nosuch"/' "$WORK/mv.conflist"
	cni add mv "/run/netns/$P1"
	check_fail $? "ADD succeeded without its IPAM plugin"
	expect_error 999 'failed to find plugin \"nosuch\" in path'
	[[ $(vmux_links "$P1") == 0 ]]
	check_err $? "a link is left in the pod"
	# An "ipam" naming vmux-cni itself: refused at once, ADD and DEL (it
	# used to start copies of itself without end).
	sed -i 's/"nosuch"/"vmux-cni"/' "$WORK/mv.conflist"
	for cmd in add del; do
		timeout 20 bash -c "$(declare -f cni); $(declare -p A WORK OUT ERR CNI_DIRS CNITEST); cni $cmd mv /run/netns/$P1"
		check_fail $? "$cmd with vmux-cni as its IPAM"
		expect_error 7 'vmux-cni is no IPAM plugin'
	done
	[[ $(vmux_links "$P1") == 0 && $(pgrep -c -x vmux-cni) == 0 ]]
	check_err $? "a link or a vmux-cni process is left"
	log_test "cni: IPAM plugin missing or vmux-cni itself: error, no link"
}

cni_fail_exhausted()
{
	RET=0
	cni_setup || return
	conflist one macvlan 10.90.1.0/24 "" '"rangeStart":"10.90.1.50","rangeEnd":"10.90.1.50"'
	cni add one "/run/netns/$P1"
	check_err $? "first ADD: $(cat "$ERR")"
	cni add one "/run/netns/$P2" eth0 two
	check_fail $? "second ADD got an address from a full range"
	grep -q "no IP addresses available" "$ERR"
	check_err $? "not host-local's error: $(cat "$ERR")"
	[[ $(vmux_links "$P2") == 0 && $(leases one) == 1 ]]
	check_err $? "the failed ADD left a link or a lease"
	log_test "cni: IPAM range exhausted: IPAM's error, no link, no lease"
}

cni_fail_ifname()
{
	RET=0
	cni_setup || return
	ip -n "$P1" link add eth0 type dummy
	cni add mv "/run/netns/$P1"
	check_fail $? "ADD over an existing eth0"
	expect_error 999 'interface \"eth0\" already exists'
	[[ $(vmux_links "$P1") == 0 && $(leases mv) == 0 ]]
	check_err $? "a link or a lease is left"
	log_test "cni: CNI_IFNAME already in the pod: error, nothing made"
}

# Documentation/cni.rst's network, as written but for its NIC and lease
# directory: the pod gets an address and a default route through the peer.
cni_doc_example()
{
	RET=0
	cni_setup || return
	jq --arg nic "$NA" --arg dir "$WORK/ipam" \
		'.plugins[0].master = $nic | .plugins[0].ipam.dataDir = $dir' \
		"$top/Documentation/examples/cni/10-vmux.conflist" >"$WORK/doc.conflist"
	check_err $? "cannot read the example"
	cni add doc "/run/netns/$P1"
	check_err $? "ADD: $(cat "$ERR")"
	ip -n "$P1" route show default | grep -q "via 10.90.1.1 dev eth0"
	check_err $? "no default route through 10.90.1.1: $(ip -n "$P1" route show)"
	ip netns exec "$P1" ping -q -c 2 -W 2 10.90.1.1 >/dev/null
	check_err $? "the pod cannot reach 10.90.1.1"
	cni del doc "/run/netns/$P1"
	check_err $? "DEL: $(cat "$ERR")"
	[[ $(leases pods-macvlan) == 0 && $(vmux_links "$P1") == 0 ]]
	check_err $? "DEL left a lease or a link"
	log_test "cni: Documentation/cni.rst's example network"
}

# podman (Debian's 4.3, network_backend "cni") runs containers from a
# root filesystem on the host (busybox, no image) on a vmux-cni network in
# the node's netns: the container gets an address and reaches the peer; an
# address and a MAC asked with --network NET:ip=...,mac=... are its; its
# interface is a vmux_macvlan; "podman rm" gives the lease back. In a mount
# namespace of its own: libcni's cache (/var/lib/cni) is on the VM's
# read-only root, and crun wants cgroup2 at /sys/fs/cgroup.
cni_podman()
{
	local T out f

	RET=0
	if ! command -v podman >/dev/null; then
		log_test_skip "cni: podman" "podman is not installed"
		return
	fi
	cni_setup || return
	T=$WORK/podman
	mkdir -p "$T/net.d" "$T/rootfs/bin"
	cp /bin/busybox "$T/rootfs/bin/"
	for f in sh ip ping sleep cat; do
		ln -s busybox "$T/rootfs/bin/$f"
	done
	cat >"$T/containers.conf" <<-EOC
		[network]
		network_backend = "cni"
		cni_plugin_dirs = ["$(dirname "$VMUX_CNI")", "/usr/lib/cni"]
		network_config_dir = "$T/net.d"
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
	EOC
	sed 's/"name":"mv"/"name":"vmuxnet"/' "$WORK/mv.conflist" >"$T/net.d/vmuxnet.conflist"
	cat >"$T/run.sh" <<-EOC
		mount -t tmpfs tmpfs /var/lib && mount -t cgroup2 cgroup2 /sys/fs/cgroup || exit 1
		export CONTAINERS_CONF=$T/containers.conf
		p() { podman --root $T/root --runroot $T/run --tmpdir $T/tmp --storage-driver vfs "\$@"; }
		p network ls --format '{{.Name}} {{.Driver}}' | sed 's/^/net: /'
		p run --rm --cgroups=disabled --network vmuxnet --rootfs $T/rootfs \
			/bin/sh -c 'ip -o -4 addr show eth0; ping -c 1 -W 2 10.90.1.1 >/dev/null && echo reached'
		p run -d --name c2 --cgroups=disabled \
			--network vmuxnet:ip=10.90.1.50,mac=02:00:00:00:00:50 \
			--rootfs $T/rootfs /bin/sleep 120 >/dev/null || exit 1
		key=\$(p inspect -f '{{.NetworkSettings.SandboxKey}}' c2)
		nsenter --net="\$key" $VMUX -o -d link show dev eth0
		nsenter --net="\$key" ip -o -4 addr show dev eth0
		ls $WORK/ipam/vmuxnet | sed 's/^/lease: /'
		p rm -f c2 >/dev/null
		ls $WORK/ipam/vmuxnet | sed 's/^/after rm: /'
	EOC
	out=$(ip netns exec "$A" unshare -m --propagation private bash "$T/run.sh" 2>&1)
	check_err $? "podman: $out"
	grep -qx "net: vmuxnet vmux-cni" <<<"$out"
	check_err $? "podman network ls does not list vmuxnet: $out"
	grep -q "eth0 *inet 10\.90\.1\." <<<"$out" && grep -qx "reached" <<<"$out"
	check_err $? "the container got no address or did not reach the peer: $out"
	grep -q "link/ether 02:00:00:00:00:50 .*vmux_macvlan mode bridge" <<<"$out" &&
		grep -q "eth0 *inet 10\.90\.1\.50/24" <<<"$out"
	check_err $? "the asked MAC and address, on a vmux_macvlan: $out"
	grep -qx "lease: 10.90.1.50" <<<"$out" && ! grep -q "after rm: 10\." <<<"$out"
	check_err $? "leases: 10.90.1.50 not held while running, or kept after podman rm: $out"
	log_test "cni: podman runs containers on a vmux-cni network"
}

# ifindex_of NS DEV
ifindex_of()
{
	__json_scalar "$(ip -n "$1" -j link show dev "$2")" ifindex
}

# The keys beyond the basic pods: the master from the node's default route;
# keepPortMode (and without it, the reference plugin's flip of the port);
# linkInContainer; Debian's static IPAM; IPv6 from host-local in a pod
# whose netns had IPv6 off (the plugin turns it on for lo and the pod's
# interface) with a v6 gateway (DAD waited for).
cni_options()
{
	local json n name ns ifn id

	RET=0
	cni_setup || return

	ip -n "$A" addr add 10.90.1.254/24 dev "$NA" &&
		ip -n "$A" route add default via 10.90.1.1
	sed "s/\"master\":\"$NA\",//" "$WORK/mv.conflist" >"$WORK/dflt.conflist"
	cni add dflt "/run/netns/$P1"
	check_err $? "ADD without master: $(cat "$ERR")"
	json=$(vm "$P1" -d -j link show dev eth0)
	[[ $(__json_scalar "$json" link_index) == $(ifindex_of "$A" "$NA") ]]
	check_err $? "not on the default route's $NA: $json"

	vm "$A" link add link "$NA" name k0 type ipvlan mode l3
	conflist keep ipvlan 10.90.6.0/24 '"keepPortMode":true'
	cni add keep "/run/netns/$P2"
	check_err $? "ADD keepPortMode: $(cat "$ERR")"
	[[ $(vm "$P2" -d -j link show dev eth0) == *'"mode":"l3"'* &&
	   $(vm "$A" -d -j link show dev k0) == *'"mode":"l3"'* ]]
	check_err $? "keepPortMode changed the port's mode"
	cni add iv "/run/netns/$P2" eth1 iv2
	check_err $? "ADD ipvlan l2: $(cat "$ERR")"
	[[ $(vm "$A" -d -j link show dev k0) == *'"mode":"l2"'* ]]
	check_err $? "without keepPortMode the port did not take mode l2, as ipvlan's plugin does"

	ip -n "$P3" link add c0 type dummy && ip -n "$P3" link set c0 up
	conflist lic macvlan 10.90.4.0/24 '"linkInContainer":true'
	sed -i "s/\"master\":\"$NA\"/\"master\":\"c0\"/" "$WORK/lic.conflist"
	cni add lic "/run/netns/$P3"
	check_err $? "ADD linkInContainer: $(cat "$ERR")"
	json=$(vm "$P3" -d -j link show dev eth0)
	[[ $json == *'"link":"c0"'* && $json == *'"info_kind":"vmux_macvlan"'* ]]
	check_err $? "not a vmux_macvlan on the pod's c0: $json"

	cat >"$WORK/st.conflist" <<-EOC
	{"cniVersion":"1.0.0","name":"st","plugins":[{"type":"vmux-cni","kind":"macvlan",
	 "master":"$NA","ipam":{"type":"static",
	  "addresses":[{"address":"10.90.1.77/24","gateway":"10.90.1.1"}],
	  "routes":[{"dst":"10.90.0.0/16"}]}}]}
	EOC
	cni add st "/run/netns/$P1" st0
	check_err $? "ADD static: $(cat "$ERR")"
	ip -n "$P1" -4 -o addr show dev st0 | grep -q "10\.90\.1\.77/24" &&
		ip netns exec "$P1" ping -q -c 2 -W 2 -I st0 10.90.1.1 >/dev/null
	check_err $? "static: no 10.90.1.77 on st0, or the peer not reached"

	ns_sysctl "net.ipv6.conf.all.disable_ipv6=0 net.ipv6.conf.$NB.disable_ipv6=0" "$B"
	ip -n "$B" addr add 2001:db8:90:1::1/64 dev "$NB" nodad
	cat >"$WORK/v6.conflist" <<-EOC
	{"cniVersion":"1.0.0","name":"v6","plugins":[{"type":"vmux-cni","kind":"macvlan",
	 "master":"$NA","ipam":{"type":"host-local","dataDir":"$WORK/ipam",
	  "ranges":[[{"subnet":"10.90.5.0/24"}],
	            [{"subnet":"2001:db8:90:1::/64","gateway":"2001:db8:90:1::1"}]],
	  "routes":[{"dst":"2001:db8::/32"}]}}]}
	EOC
	cni add v6 "/run/netns/$P3" v6
	check_err $? "ADD dual stack: $(cat "$ERR")"
	grep -q '"address": "2001:db8:90:1::' "$OUT"
	check_err $? "no IPv6 address in the result: $(cat "$OUT")"
	ip netns exec "$P3" ping -6 -q -c 2 -W 2 2001:db8:90:1::1 >/dev/null
	check_err $? "the pod cannot reach the peer over IPv6"
	for n in dflt:$P1:eth0 keep:$P2:eth0 iv:$P2:eth1:iv2 lic:$P3:eth0 st:$P1:st0 v6:$P3:v6; do
		IFS=: read -r name ns ifn id <<<"$n"
		cni del "$name" "/run/netns/$ns" "$ifn" "${id:-$name}"
		check_err $? "DEL $name: $(cat "$ERR")"
	done
	[[ $(vmux_links "$P1") == 0 && $(vmux_links "$P2") == 0 && $(vmux_links "$P3") == 0 &&
	   $(leases mv) == 0 && $(leases keep) == 0 && $(leases iv) == 0 &&
	   $(leases lic) == 0 && $(leases v6) == 0 ]]
	check_err $? "a link or a lease is left"
	log_test "cni: default master, keepPortMode, linkInContainer, static IPAM, IPv6"
}

# reference NAME: $WORK/rNAME.conflist, NAME's conflist for the reference
# plugin of its kind (Debian's containernetworking-plugins: the in-kernel
# macvlan, ipvlan, 8021q).
reference()
{
	sed -e 's/"type":"vmux-cni","kind":"\([a-z]*\)"/"type":"\1"/' \
		-e "s/\"name\":\"$1\"/\"name\":\"r$1\"/" "$WORK/$1.conflist" >"$WORK/r$1.conflist"
}

# The same pods through the reference plugins: the same reachability, so
# that users can switch; and what only vmux does: their ipvlan cannot join
# the NIC their macvlan is on (one rx_handler per device).
cni_reference()
{
	local n json vl_addr

	RET=0
	cni_setup || return
	for n in mv iv vl; do
		reference "$n"
	done
	cni add rmv "/run/netns/$P1" && cni add rvl "/run/netns/$P3"
	check_err $? "ADD with the reference macvlan and vlan: $(cat "$ERR")"
	json=$(ip -n "$P1" -d -j link show dev eth0)
	[[ $(__json_scalar "$json" info_kind) == macvlan ]]
	check_err $? "not the in-kernel macvlan: $json"
	json=$(ip -n "$P3" -d -j link show dev eth0)
	[[ $(__json_scalar "$json" info_kind) == vlan ]]
	check_err $? "not the in-kernel vlan: $json"
	ip netns exec "$P1" ping -q -c 2 -W 2 10.90.1.1 >/dev/null
	check_err $? "reference macvlan pod -> peer"
	ip netns exec "$P3" ping -q -c 2 -W 2 10.90.3.1 >/dev/null
	check_err $? "reference vlan pod -> peer on vlan 10"
	vl_addr=$(ip -n "$P3" -4 -o addr show eth0 | awk '{print $4}')
	ip netns exec "$P1" ping -q -c 2 -W 2 "${vl_addr%/*}" >/dev/null
	check_err $? "reference macvlan pod -> vlan pod $vl_addr, through the peer"

	cni add riv "/run/netns/$P2"
	check_fail $? "the reference ipvlan joined a NIC with a macvlan on it"
	grep -q "device or resource busy" "$ERR"
	check_err $? "not EBUSY: $(cat "$ERR")"
	[[ $(leases riv) == 0 ]] && ! ip -n "$P2" link show dev eth0 &>/dev/null
	check_err $? "the refused ipvlan left a lease or a link"

	cni del rmv "/run/netns/$P1" && cni del rvl "/run/netns/$P3" &&
		cni del riv "/run/netns/$P2"
	check_err $? "DEL: $(cat "$ERR")"
	[[ $(leases rmv) == 0 && $(leases rvl) == 0 ]] &&
		! ip -n "$P1" link show dev eth0 &>/dev/null &&
		! ip -n "$P3" link show dev eth0 &>/dev/null
	check_err $? "the reference plugins left a lease or a link"
	log_test "cni: the reference plugins reach as vmux-cni does, but cannot put an ipvlan beside a macvlan"
}

cni_fail_config()
{
	RET=0
	cni_setup || return
	conflist bad macvlan 10.90.1.0/24 '"mode":"source"'
	cni add bad "/run/netns/$P1"
	check_fail $? "mode source accepted"
	expect_error 2 'unknown macvlan mode: \"source\"'
	conflist bad macvlan 10.90.1.0/24 '"mtu":65000'
	cni add bad "/run/netns/$P1"
	check_fail $? "an MTU above the master's accepted"
	expect_error 7 "invalid MTU 65000, must be [0, master MTU("
	sed 's/"master":"[^"]*",//' "$WORK/vl.conflist" >"$WORK/bad.conflist"
	cni add bad "/run/netns/$P1"
	check_fail $? "a vlan without master accepted"
	expect_error 7 '\"master\" field is required'
	conflist bad macvlan 10.90.1.0/24 '"master":"nosuch0"'
	sed -i "s/\"master\":\"$NA\",//" "$WORK/bad.conflist"
	cni add bad "/run/netns/$P1"
	check_fail $? "a missing master accepted"
	expect_error 7 'master \"nosuch0\" not found'
	conflist bad bridge 10.90.1.0/24
	cni add bad "/run/netns/$P1"
	check_fail $? "kind bridge accepted"
	expect_error 2 'unsupported \"kind\": \"bridge\"'
	# Masters vmux may not use: the kernel's refusal, in its words.
	conflist bad macvlan 10.90.1.0/24 '"master":"lo"'
	sed -i "s/\"master\":\"$NA\",//" "$WORK/bad.conflist"
	cni add bad "/run/netns/$P1"
	check_fail $? "lo accepted as a master"
	expect_error 999 "Lower device is a loopback or not Ethernet"
	ip -n "$A" link add br0 type bridge && ip -n "$A" link add d0 type dummy &&
		ip -n "$A" link set d0 master br0
	conflist bad ipvlan 10.90.2.0/24 '"master":"d0"'
	sed -i "s/\"master\":\"$NA\",//" "$WORK/bad.conflist"
	cni add bad "/run/netns/$P1"
	check_fail $? "a bridge port accepted as a master"
	expect_error 999 "Lower device is already in use by another driver"
	[[ $(vmux_links "$P1") == 0 && $(leases bad) == 0 ]]
	check_err $? "a link or a lease is left"
	log_test "cni: bad configs and masters: code and message, nothing made"
}

# Chained as runtimes chain plugins: tuning (Debian's) after vmux-cni
# takes its result as prevResult and sets the pod's MTU; CHECK runs both,
# DEL both.
cni_chained()
{
	RET=0
	cni_setup || return
	jq '.plugins += [{"type": "tuning", "mtu": 1400}] | .name = "chain"' \
		"$WORK/mv.conflist" >"$WORK/chain.conflist"
	cni add chain "/run/netns/$P1"
	check_err $? "ADD: $(cat "$ERR")"
	grep -q '"name": "eth0"' "$OUT" && grep -q '"address": "10.90.1.' "$OUT"
	check_err $? "the chain's result lost vmux-cni's interface or address: $(cat "$OUT")"
	[[ $(link_mtu "$P1" eth0) == 1400 ]]
	check_err $? "tuning did not set the MTU: $(link_mtu "$P1" eth0)"
	ip netns exec "$P1" ping -q -c 2 -W 2 10.90.1.1 >/dev/null
	check_err $? "the pod cannot reach the peer"
	cni check chain "/run/netns/$P1"
	check_err $? "CHECK: $(cat "$ERR")"
	cni del chain "/run/netns/$P1"
	check_err $? "DEL: $(cat "$ERR")"
	[[ $(leases chain) == 0 && $(vmux_links "$P1") == 0 ]]
	check_err $? "DEL left a lease or a link"
	log_test "cni: chained with tuning: ADD, CHECK, DEL"
}

tests_run
exit "$(exit_status)"
