#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmux apply: a declarative configuration reconciled with a netns, and the
# systemd unit that applies /etc/vmux at boot.
#
#  ns $A
# +---------------------------------------------------------------+
# |  v100m (vmux_macvlan on v100)   i1 (vmux_ipvlan)    other    |
# |  v100 (vmux_vlan id 100)          |                 (dummy)  |
# |      \____________________________|                          |
# |  eth0 (dummy lower)                                           |
# +---------------------------------------------------------------+
#
# A "vmux monitor" in $A sees every vmux device created, changed or
# deleted; fence_events() brackets a step with a probe device it must
# report, so "no event between the fences" is exact, not a timeout.

# Its own namespaces and devices only:
# run_all.sh: beside others

source "$(dirname "$0")/lib.sh"

ALL_TESTS="
	apply_create apply_again apply_change apply_replace apply_prune
	apply_bad_file apply_wait apply_unit
"

CONF=
MON=

# The configuration of the tests: Documentation/configuration.rst's
# example, as it is written.
EXAMPLE=$(dirname "$0")/../Documentation/examples/10-eth0.conf
write_conf()
{
	cp "$EXAMPLE" "$CONF/10-eth0.conf"
}

# setup: $A with eth0 and a dummy "other", the configuration in $CONF,
# and a monitor writing $MON.
apply_setup()
{
	setup_ns A
	require_module dummy
	ip -n "$A" link add eth0 type dummy
	ip -n "$A" link add other type dummy
	ip -n "$A" link set eth0 up
	CONF=$(mktemp -d /tmp/vmux-apply.XXXXXX)
	defer rm -rf "$CONF"
	write_conf
	MON=$(mktemp /tmp/vmux-apply-mon.XXXXXX)
	defer rm -f "$MON"
	ip netns exec "$A" "$VMUX" -j monitor link >"$MON" 2>&1 &
	defer kill $!
	busywait 20000 probe_seen
	check_err $? "the monitor reports nothing: $(cat "$MON")"
}

PROBES=0
# probe_seen: a probe device comes and goes; succeed once the monitor has
# reported its deletion (the events before it are in $MON).
probe_seen()
{
	PROBES=$((PROBES + 1))
	vm "$A" link add link eth0 name "probe$PROBES" type vlan id 4000 &&
		vm "$A" link del "probe$PROBES"
	grep -q "\"probe$PROBES\".*\"deleted\":true\\|\"deleted\":true.*\"probe$PROBES\"" "$MON"
}

# events_since LINE: the monitor's lines after LINE that are not probes.
events_since()
{
	tail -n "+$(($1 + 1))" "$MON" | grep -v '"probe[0-9]*"'
}

mon_lines()
{
	wc -l <"$MON"
}

# info NAME JQ: a jq filter on "vmux -d -j link show dev NAME" in $A.
info()
{
	vm "$A" -d -j link show dev "$1" | jq -r ".[0] | $2"
}

# apply_ok ARGS...: "vmux apply ARGS" in $A succeeds; its stdout in $OUT.
apply_ok()
{
	OUT=$(vm "$A" apply "$@" 2>&1)
	check_err $? "vmux apply $*: $OUT"
}

apply_create()
{
	RET=0
	apply_setup
	apply_ok --dry-run "$CONF"
	[[ $OUT == "add v100 ($CONF/10-eth0.conf:6)
add v100m ($CONF/10-eth0.conf:9)
add i1 ($CONF/10-eth0.conf:12)" ]]
	check_err $? "dry run plan: $OUT"
	link_exists "$A" v100
	check_fail $? "--dry-run created v100"
	vm "$A" -j apply --dry-run "$CONF" | jq -e --arg f "$CONF/10-eth0.conf" \
		'. == [{"action": "add", "ifname": "v100", "file": $f, "line": 6},
		       {"action": "add", "ifname": "v100m", "file": $f, "line": 9},
		       {"action": "add", "ifname": "i1", "file": $f, "line": 12}]' >/dev/null
	check_err $? "JSON plan: $(vm "$A" -j apply --dry-run "$CONF")"
	apply_ok "$CONF"
	[[ $OUT == "add v100 ($CONF/10-eth0.conf:6)
add v100m ($CONF/10-eth0.conf:9)
add i1 ($CONF/10-eth0.conf:12)" ]]
	check_err $? "apply output: $OUT"
	[[ $(info v100 '[.linkinfo.info_kind, .linkinfo.info_data.id, .link,
		(.linkinfo.info_data.egress_qos | map("\(.from):\(.to)") | join(" ")),
		(.flags | index("UP") != null)] | join(",")') == "vmux_vlan,100,eth0,1:2 3:4,false" ]]
	check_err $? "v100: $(info v100 .)"
	[[ $(info v100m '[.linkinfo.info_kind, .linkinfo.info_data.mode, .link, .mtu,
		.address, (.flags | index("UP") != null)] | join(",")') == \
		"vmux_macvlan,bridge,v100,1400,02:00:00:00:01:00,true" ]]
	check_err $? "v100m: $(info v100m .)"
	[[ $(info i1 '[.linkinfo.info_kind, .linkinfo.info_data.mode] | join(",")') == "vmux_ipvlan,l2" ]]
	check_err $? "i1: $(info i1 .)"
	log_test "apply creates what is declared, lowers first; --dry-run nothing"
}

apply_again()
{
	local n

	RET=0
	apply_setup
	# A macvlan on a macvlan, an ipvlan on an ipvlan: the kernel puts
	# them on the lower's lower, which is no difference.
	printf '%s\n' "link v100m name m2 type vmux_macvlan mode bridge" \
		"link i1 name i2 type vmux_ipvlan mode l2" >"$CONF/20-stack.conf"
	apply_ok "$CONF"
	[[ $(info m2 .link):$(info i2 .link) == v100:eth0 ]]
	check_err $? "m2 on $(info m2 .link), i2 on $(info i2 .link)"
	busywait 20000 probe_seen
	n=$(mon_lines)
	apply_ok "$CONF"
	[[ -z $OUT ]]
	check_err $? "a second apply printed: $OUT"
	apply_ok --dry-run "$CONF"
	[[ -z $OUT ]]
	check_err $? "a second dry run printed: $OUT"
	busywait 20000 probe_seen
	check_err $? "the closing probe was not seen"
	[[ -z $(events_since "$n") ]]
	check_err $? "a second apply changed devices: $(events_since "$n")"
	# The kernel announces no change of a down device (v100): what apply
	# sends, under strace, must be dumps only.
	strace -f -qq -e trace=sendto,sendmsg -e signal=none -o "$CONF.strace" \
		"$VMUX" -n "$A" apply "$CONF"
	defer rm -f "$CONF.strace"
	# Decoded (RTM_GETLINK) or not (0x12), as strace knows the socket.
	grep -qE 'nlmsg_type=(RTM_GETLINK|0x12 )' "$CONF.strace"
	check_err $? "strace shows no dump: $(cat "$CONF.strace")"
	! grep -E 'nlmsg_type=(RTM_(NEW|DEL|SET)LINK|0x1[013] )' "$CONF.strace"
	check_err $? "a second apply sent a request"
	log_test "apply again: nothing printed, no netlink change"
}

apply_change()
{
	local n

	RET=0
	apply_setup
	apply_ok "$CONF"
	sed -i -e 's/mtu 1400/mtu 1300/' -e 's/mode bridge/mode private/' \
		-e 's/egress-qos-map 1:2 3:4/egress-qos-map 3:5/' "$CONF/10-eth0.conf"
	busywait 20000 probe_seen
	n=$(mon_lines)
	apply_ok "$CONF"
	[[ $OUT == "set v100: egress-qos-map ($CONF/10-eth0.conf:6)
set v100m: mtu mode ($CONF/10-eth0.conf:9)" ]]
	check_err $? "apply output: $OUT"
	busywait 20000 probe_seen
	# (The kernel announces a change of a down device, v100, with no event.)
	[[ $(events_since "$n" | jq -r .ifname | sort -u | grep -vx v100 | xargs) == v100m ]]
	check_err $? "events for other devices than v100, v100m: $(events_since "$n")"
	[[ $(info v100m '[.mtu, .linkinfo.info_data.mode] | join(",")') == "1300,private" ]]
	check_err $? "v100m not changed: $(info v100m .)"
	# 1:2 is no longer declared: the whole map is the line's.
	[[ $(info v100 '.linkinfo.info_data.egress_qos | map("\(.from):\(.to)") | join(" ")') == "3:5" ]]
	check_err $? "v100's egress map: $(info v100 .linkinfo.info_data)"
	# Changed by hand: apply puts it back.
	vm "$A" link set v100m down
	apply_ok "$CONF"
	[[ $OUT == "set v100m: up ($CONF/10-eth0.conf:9)" ]]
	check_err $? "up again: $OUT"
	is_up "$A" v100m
	check_err $? "v100m is not up again"
	log_test "apply changes what differs, and only that"
}

apply_replace()
{
	local old

	RET=0
	apply_setup
	apply_ok "$CONF"
	old=$(info v100m .ifindex)
	# Not declared, on a device that is replaced: the plan says it goes.
	require_module 8021q
	ip -n "$A" link add link v100 name q5 type vlan id 5
	sed -i 's/id 100/id 101/' "$CONF/10-eth0.conf"
	apply_ok --dry-run "$CONF"
	[[ $OUT == "delete q5 (on v100, which is replaced)
replace v100: id ($CONF/10-eth0.conf:6)
replace v100m: link ($CONF/10-eth0.conf:9)" ]]
	check_err $? "plan: $OUT"
	[[ $(info v100 .linkinfo.info_data.id) == 100 ]]
	check_err $? "--dry-run changed v100"
	apply_ok "$CONF"
	[[ $(info v100 .linkinfo.info_data.id) == 101 ]]
	check_err $? "v100's id: $(info v100 .linkinfo.info_data.id)"
	[[ $(info v100m '[.link, .mtu, .address, (.ifindex != '"$old"')] | join(",")') == \
		"v100,1400,02:00:00:00:01:00,true" ]]
	check_err $? "v100m not made again on the new v100: $(info v100m .)"
	link_exists "$A" q5
	check_fail $? "q5 is still there"
	# A vmux device of another kind with a declared name: replaced too.
	vm "$A" link del i1
	vm "$A" link add link eth0 name i1 type vmux_vlan id 7
	apply_ok "$CONF"
	[[ $OUT == "replace i1: type ($CONF/10-eth0.conf:12)" ]]
	check_err $? "kind change: $OUT"
	[[ $(info i1 .linkinfo.info_kind) == vmux_ipvlan ]]
	check_err $? "i1 is not an ipvlan again"
	log_test "apply replaces what the kernel cannot change (id, kind, link)"
}

apply_prune()
{
	local n

	RET=0
	apply_setup
	apply_ok "$CONF"
	vm "$A" link add link eth0 name extra type vlan id 9
	vm "$A" link add link extra name extram type macvlan
	apply_ok "$CONF"
	[[ -z $OUT ]]
	check_err $? "without --prune: $OUT"
	link_exists "$A" extra
	check_err $? "extra deleted without --prune"
	apply_ok --prune --dry-run "$CONF"
	[[ $OUT == "delete extram (in no declaration)
delete extra (in no declaration)" ]]
	vm "$A" -j apply --prune --dry-run "$CONF" | jq -e \
		'.[0] == {"action": "delete", "ifname": "extram", "why": "in no declaration"}' >/dev/null
	check_err $? "JSON prune plan: $(vm "$A" -j apply --prune --dry-run "$CONF")"
	check_err $? "prune plan: $OUT"
	apply_ok --prune "$CONF"
	link_exists "$A" extra || link_exists "$A" extram
	check_fail $? "--prune left extra or extram"
	link_exists "$A" other && link_exists "$A" v100 && link_exists "$A" i1
	check_err $? "--prune deleted a declared or non-vmux device"
	# A line removed: its device goes with --prune only.
	sed -i '/vmux_ipvlan/d' "$CONF/10-eth0.conf"
	busywait 20000 probe_seen
	n=$(mon_lines)
	apply_ok --prune "$CONF"
	[[ $OUT == "delete i1 (in no declaration)" ]]
	check_err $? "removed line: $OUT"
	busywait 20000 probe_seen
	[[ $(events_since "$n" | jq -r '"\(.ifname) \(.deleted // false)"' | xargs) == "i1 true" ]]
	check_err $? "events: $(events_since "$n")"
	log_test "apply --prune deletes the vmux devices no line declares"
}

# refused FILE_TEXT MESSAGE: a configuration with a bad second file is
# refused with exit 1 and MESSAGE, and nothing in $A changes.
refused()
{
	local text=$1 msg=$2 before n rc

	printf '%s\n' "$text" >"$CONF/20-bad.conf"
	before=$(ip -n "$A" -d link show)
	busywait 20000 probe_seen
	n=$(mon_lines)
	OUT=$(vm "$A" apply --prune "$CONF" 2>&1)
	rc=$?
	((rc == 1))
	check_err $? "exit status $rc: $OUT"
	[[ $OUT == "$msg" ]]
	check_err $? "expected \"$msg\", got \"$OUT\""
	busywait 20000 probe_seen
	[[ -z $(events_since "$n") ]]
	check_err $? "a refused configuration changed devices: $(events_since "$n")"
	[[ $(ip -n "$A" -d link show) == "$before" ]]
	check_err $? "the netns changed"
	rm -f "$CONF/20-bad.conf"
}

apply_bad_file()
{
	local bad=

	RET=0
	apply_setup
	# Changes due in the good file: a refusal must stop them too.
	sed -i 's/mtu 1400/mtu 1300/' "$CONF/10-eth0.conf"
	vm "$A" link add link eth0 name v100 type vlan id 100
	bad="$CONF/20-bad.conf"
	refused "link eth0 name v200 type vlan id 200
link eth0 name v300 type vlan id 4095" \
		"Error: $bad:2: argument \"4095\" is wrong: id must be 0-4094"
	refused "link eth0 name v200 type vlan id 200 bogus" \
		"Error: $bad:1: argument \"bogus\" is wrong: unknown vlan option, try \"vmux link help vlan\""
	refused "link eth0 name v100 type vlan id 5" \
		"Error: $bad:1: argument \"v100\" is wrong: device declared twice, first at $CONF/10-eth0.conf:6"
	refused "link eth0 name other type vlan id 5" \
		"Error: $bad:1: argument \"other\" is wrong: a device of that name exists and is no vmux device (type dummy): vmux apply leaves it alone"
	refused "link eth9 name v9 type vlan id 9" \
		"Error: $bad:1: Cannot find device \"eth9\""
	refused "link eth0 name v9 netns x type vlan id 9" \
		"Error: $bad:1: argument \"netns\" is wrong: a configuration keeps its devices in the netns \"vmux apply\" runs in (\"vmux -n NETNS apply\" for another)"
	refused "link add link eth0 name v9 type vlan id 9" \
		"Error: $bad:1: argument \"add\" is wrong: a declaration is what follows \"vmux link add\": leave out \"link add\""
	refused "link eth0 name v9 type vlan id \"9" \
		"Error: $bad:1: unterminated quote"
	# The lower's port keeps one ipvlan mode and flags for all.
	refused "link eth0 name i2 type vmux_ipvlan mode l2 private" \
		"Error: $bad:1: argument \"flags\" is wrong: one value for every ipvlan on eth0, and $CONF/10-eth0.conf:12 gives another"
	refused "link eth0 name i2 address 02:00:00:00:00:09 type vmux_ipvlan mode l2" \
		"Error: $bad:1: argument \"address\" is wrong: this ipvlan takes its lower's address"
	mkdir "$CONF/30-dir.conf"
	OUT=$(vm "$A" apply "$CONF" 2>&1)
	[[ $? == 1 && $OUT == "Cannot read \"$CONF/30-dir.conf\": a directory" ]]
	check_err $? "a directory named *.conf: $OUT"
	rmdir "$CONF/30-dir.conf"
	log_test "a bad file is refused whole, by file, line and word"
}

apply_wait()
{
	local pid out

	RET=0
	apply_setup
	sed -i 's/link eth0 name i1/link eth1 name i1/' "$CONF/10-eth0.conf"
	OUT=$(vm "$A" apply --wait 0 "$CONF" 2>&1)
	[[ $OUT == "Error: $CONF/10-eth0.conf:12: Cannot find device \"eth1\"" ]]
	check_err $? "without eth1: $OUT"
	link_exists "$A" v100
	check_fail $? "v100 made though eth1 is missing"
	out=$(mktemp /tmp/vmux-apply-out.XXXXXX)
	defer rm -f "$out"
	"$VMUX" -n "$A" apply --wait 60 "$CONF" >"$out" 2>&1 &
	pid=$!
	# Asleep between two looks at the netns: waiting.
	busywait 20000 grep -q nanosleep "/proc/$pid/wchan"
	check_err $? "apply --wait is not waiting: $(cat "/proc/$pid/wchan" "$out")"
	ip -n "$A" link add eth1 type dummy
	wait "$pid"
	check_err $? "apply --wait: $(cat "$out")"
	[[ $(info i1 .link) == eth1 ]]
	check_err $? "i1 not on eth1"
	log_test "apply --wait waits for the lowers it does not make"
}

apply_unit()
{
	local unit dir

	RET=0
	require_command systemd-analyze
	dir=$(mktemp -d /tmp/vmux-unit.XXXXXX)
	defer rm -rf "$dir"
	unit=$(dirname "$0")/../userspace/systemd/vmux.service.in
	# As installed, with this build's binary.
	sed "s|@VMUX_SBINDIR@/vmux|$VMUX|" "$unit" >"$dir/vmux.service"
	OUT=$(systemd-analyze verify --man=no "$dir/vmux.service" 2>&1)
	check_err $? "systemd-analyze verify: $OUT"
	[[ -z $OUT ]]
	check_err $? "systemd-analyze verify says: $OUT"
	grep -qx "ExecStart=$VMUX apply --wait 30 /etc/vmux" "$dir/vmux.service"
	check_err $? "ExecStart is not vmux apply of /etc/vmux"
	log_test "vmux.service passes systemd-analyze verify"
}

require_root
require_vmux
tests_run
exit "$(exit_status)"
