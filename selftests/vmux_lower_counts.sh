#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What children push onto their lower comes back off it: promiscuity and
# allmulti counts, unicast and multicast address lists, VLAN filter entries,
# whatever the order of up, down, flag changes, netns moves and deletes.
#
#  ns $A                                            ns $B
# +------------------------------------------+     +--------------------+
# |  lcs1        lcs2: a 8021q or vmux_vlan  |     |  lcc<i> moved here |
# |   |           |    (id 5) on a child     |     |  and back; an lcs  |
# |  lcc1   lcc2   lcc3: children of one     | <-> |  made here stays   |
# |    \     |    /      kind and mode       |     |  here              |
# |   lcl0 (dummy, up): the lower checked    |     +--------------------+
# +------------------------------------------+
#
# Per kind and mode (vlan; macvlan private, vepa, bridge, source, passthru,
# passthru nopromisc; ipvlan l2, l3, l3s), a seeded random sequence of steps
# on 1-3 children: up, down, promisc on/off, allmulticast on/off, address
# change, ip maddr add/del, a vlan stacked on the child added or deleted, a
# netns move to $B and back, delete (up or down) and re-create, and the
# lower down/up. After every step the lower is compared with a model of
# what the children hold on it (a child holds its share while it is up):
#
#   promiscuity, allmulti   "ip -d link show lcl0" (IFLA_PROMISCUITY,
#                           IFLA_ALLMULTI); a dummy has no unicast filter,
#                           so a non-empty unicast list adds one promiscuity
#   unicast list            "bridge fdb show dev lcl0" (ndo_dflt_fdb_dump)
#   multicast list          /proc/net/dev_mcast of $A: each address's count
#                           on lcl0 is its baseline plus one per up child
#                           whose own list (read the same way) holds it
#   VLAN filter             kprobes on vlan_vid_add/vlan_vid_del for lcl0
#
# The sequence ends by deleting everything: the lower must be exactly at its
# baseline. The seed is fixed (1), so that a run is a replay of the last:
# VMUX_SEED=N runs seed N, VMUX_SEED=random a new one each run (printed, to
# replay it). VMUX_LC_STEPS=N
# sets the steps per sequence. Commands go through long-lived "ip -batch",
# "bridge -batch" and "vmux -batch" readers: under TCG one exec costs more
# than a whole step.
#
# lc_upper_flags covers the children's own counts when an upper (a bridge,
# a packet socket) set their flags: the vmux code that toggles a child's
# flags (re-opening a vlan when its lower comes up, ipvlan's NOARP on a mode
# change) must not turn that into the user's flag.

# Its own namespaces and devices only:
# run_all.sh: beside others

source "$(dirname "$0")/lib.sh"

# A batch reader that died is an error to report, not a reason to die.
trap '' PIPE

ALL_TESTS="
	lc_vlan
	lc_macvlan_private lc_macvlan_vepa lc_macvlan_bridge lc_macvlan_source
	lc_macvlan_passthru lc_macvlan_passthru_nopromisc
	lc_ipvlan_l2 lc_ipvlan_l3 lc_ipvlan_l3s
	lc_upper_flags
"

LOWER=lcl0
LOWER_INDEX=4242
# Multicast addresses the steps add to children (and dev_mcast's spelling).
MADDRS=(01:00:5e:40:00:01 01:00:5e:40:00:02 33:33:40:00:00:03)
SEED=${VMUX_SEED:-1}
[[ $SEED == random ]] && SEED=$(((RANDOM << 15 | RANDOM) % 1000000))
STEPS=${VMUX_LC_STEPS:-}

# ---- batch readers -------------------------------------------------------

# One long-lived "-force -batch -" reader per tool and namespace; bat sends
# a command and, after it, a marker that fails: its "Command failed -:N"
# ends the command's output. The markers fail fast: naming a device that
# does not exist would make the kernel run modprobe (dev_load) each time.
declare -A BAT_W BAT_R BAT_N BAT_PID BAT_MARK
BAT_OUT=()

# bat_open TAG MARKER CMD...: start "CMD -force -batch -" as TAG.
bat_open()
{
	local tag=$1 mark=$2 dir w r; shift 2

	dir=$(mktemp -d /tmp/vmux-lc.XXXXXX) || return 1
	mkfifo "$dir/in" "$dir/out" || return 1
	stdbuf -oL -eL "$@" -force -batch - <"$dir/in" >"$dir/out" 2>&1 &
	BAT_PID[$tag]=$!
	exec {w}>"$dir/in"
	exec {r}<"$dir/out"
	rm -rf "$dir"
	BAT_W[$tag]=$w
	BAT_R[$tag]=$r
	BAT_N[$tag]=0
	BAT_MARK[$tag]=$mark
	defer bat_close "$tag"
}

bat_close()
{
	local tag=$1 w=${BAT_W[$1]:-} r=${BAT_R[$1]:-}

	[[ -n $w ]] || return 0
	exec {w}>&- {r}<&-
	wait "${BAT_PID[$tag]}" 2>/dev/null
	unset "BAT_W[$tag]"
}

# bat TAG CMD: run CMD; its output lines in BAT_OUT. Fails if CMD did.
bat()
{
	local tag=$1 cmd=$2 line fail=0 mark

	mark=$((BAT_N[$tag] + 2))
	BAT_N[$tag]=$mark
	BAT_OUT=()
	if ! printf '%s\n%s\n' "$cmd" "${BAT_MARK[$tag]}" >&"${BAT_W[$tag]}"; then
		BAT_OUT=("$tag: the batch reader is gone")
		return 2
	fi
	# No read -t: it costs five times more under TCG; a reader that dies
	# gives EOF, and the script runs under the runner's timeout.
	while IFS= read -r -u "${BAT_R[$tag]}" line; do
		case $line in
		"Command failed -:$mark")
			unset 'BAT_OUT[-1]'	# the marker's own error
			return "$fail"
			;;
		"Command failed -:"*)
			fail=1
			;;
		*)
			BAT_OUT+=("$line")
			;;
		esac
	done
	BAT_OUT+=("$tag: no answer to \"$cmd\" (the batch reader died?)")
	return 2
}

# ---- the kernel's view ------------------------------------------------------

# Filled by lc_read: per device (name) its namespace tag, UP/PROMISC/
# ALLMULTI flags as "u p a", counts, MAC; the lower's unicast list; every
# multicast list ("dev/addr" -> refcount); the net VLAN filter adds.
declare -A K_NS K_FL K_PR K_AM K_MAC K_UC K_MC K_VID
TRACE=

# flag01 FLAGS NAME: 1 if ",NAME," is in ",FLAGS,", else 0 (in F01).
flag01()
{
	if [[ $1 == *,$2,* ]]; then F01=1; else F01=0; fi
}

lc_read_links()
{
	local t=$1 line re name fl f

	re='^[0-9]+: ([^:@ ]+)(@[^:]*)?: <([^>]*)>.* link/ether ([0-9a-f:]+) .* promiscuity ([0-9]+) +allmulti ([0-9]+)'
	bat "ip$t" "link show" || return 1
	for line in "${BAT_OUT[@]}"; do
		[[ $line =~ $re ]] || continue
		name=${BASH_REMATCH[1]}
		fl=",${BASH_REMATCH[3]},"
		K_NS[$name]=$t
		K_FL[$name]=
		for f in UP PROMISC ALLMULTI; do
			flag01 "$fl" "$f"
			K_FL[$name]+="${K_FL[$name]:+ }$F01"
		done
		K_MAC[$name]=${BASH_REMATCH[4]}
		K_PR[$name]=${BASH_REMATCH[5]}
		K_AM[$name]=${BASH_REMATCH[6]}
	done
}

# /proc/net/dev_mcast of the namespace the tag's ip reader lives in.
lc_read_mc()
{
	local t=$1 line re='^[0-9]+ +([^ ]+) +([0-9]+) +[0-9]+ +([0-9a-f]+)'
	local -a f

	mapfile -t f <"/proc/${BAT_PID[ip$t]}/net/dev_mcast" || return 1
	for line in "${f[@]}"; do
		[[ $line =~ $re ]] &&
			K_MC[${BASH_REMATCH[1]}/${BASH_REMATCH[3]}]=${BASH_REMATCH[2]}
	done
}

lc_read()
{
	local line t
	local -a tr
	local re='(vid_add|vid_del): .* proto=(0x[0-9a-f]+) vid=([0-9]+)'

	K_NS=() K_FL=() K_PR=() K_AM=() K_MAC=() K_UC=() K_MC=()
	for t in A B; do
		lc_read_links "$t" && lc_read_mc "$t" || return 1
	done
	bat bridgeA "fdb show dev $LOWER" || return 1
	for line in "${BAT_OUT[@]}"; do
		line=${line%% *}
		# unicast only: the multicast list is read with its counts
		# shellcheck disable=SC2034 # read through diff_assoc's nameref
		(((16#${line:0:2} & 1) == 0)) && K_UC[$line]=1
	done
	[[ -n $TRACE ]] || return 0
	mapfile -t tr <"$TRACE/trace"
	: >"$TRACE/trace"
	for line in "${tr[@]}"; do
		[[ $line =~ $re ]] || continue
		t=${BASH_REMATCH[2]}/${BASH_REMATCH[3]}
		if [[ ${BASH_REMATCH[1]} == vid_add ]]; then
			K_VID[$t]=$((${K_VID[$t]:-0} + 1))
		else
			K_VID[$t]=$((${K_VID[$t]:-0} - 1))
		fi
		((K_VID[$t])) || unset "K_VID[$t]"
	done
}

# The VLAN filter of $LOWER as seen by vlan_vid_add/vlan_vid_del: the test
# adds and removes the kprobes, and says so if it cannot have them.
vid_trace_setup()
{
	local tr ev off

	for tr in /sys/kernel/tracing /sys/kernel/debug/tracing; do
		[[ -w $tr/kprobe_events ]] && break
	done
	if [[ ! -w $tr/kprobe_events ]]; then
		log_info "no kprobe_events: the VLAN filter is not checked"
		return 0
	fi
	# The probe reads dev->name: at offset 0 in 6.1's struct net_device,
	# elsewhere since the fast-path cacheline groups (6.8): the running
	# kernel's BTF says where.
	off=$(pahole -F btf -C net_device /sys/kernel/btf/vmlinux 2>/dev/null |
		awk '$2 ~ /^name\[/ { print $4; exit }')
	[[ -z $off && $(uname -r) == 6.1.* ]] && off=0
	if [[ ! $off =~ ^[0-9]+$ ]]; then
		log_info "no BTF to find net_device.name: the VLAN filter is not checked"
		return 0
	fi
	for ev in add del; do
		echo "p:vmux_lc/vid_$ev vlan_vid_$ev dev=+$off(%di):string proto=%si:x16 vid=%dx:u16" \
			>>"$tr/kprobe_events" || return 1
		defer vid_trace_del "$tr" "$ev"
		echo "dev == \"$LOWER\"" >"$tr/events/vmux_lc/vid_$ev/filter"
	done
	echo 1 >"$tr/events/vmux_lc/enable" || return 1
	: >"$tr/trace"
	TRACE=$tr
}

vid_trace_del()
{
	echo 0 >"$1/events/vmux_lc/enable"
	echo "-:vmux_lc/vid_$2" >>"$1/kprobe_events"
	TRACE=
}

# ---- the model -----------------------------------------------------------------

# The configuration: TYPE (vlan, macvlan, passthru, ipvlan), the vmux link
# add arguments, the number of children.
TYPE='' ADD_ARGS='' NOPROMISC=0 SLOTS=3
# Per child slot i (device lcc$i): exists, netns tag, up, promisc flag,
# allmulti flag, MAC, user multicast addresses, stacked vlan (q: 8021q, v:
# vmux_vlan) and its netns tag.
declare -a C_EX C_NS C_UP C_PR C_AM C_MAC C_MA C_SK C_SKNS
# The lower: up, MAC, the dummy's uc_promisc (follows the unicast list
# while up, stays as it was while down); baselines.
L_UP=1 L_MAC='' UCP=0
BASE_P='' BASE_A='' BASE_MAC=''
declare -A BASE_MC_UP BASE_MC_DOWN E_UC E_MC E_VID
E_P='' E_A=''
DIFF=

# dev_mcast spells an address without colons.
mc_key()
{
	printf -v MCK '%s' "${1//:/}"
}

# lc_expect: what the lower should hold, from the model and the children's
# own multicast lists.
lc_expect()
{
	local i k c

	E_P=$BASE_P E_A=$BASE_A
	E_UC=() E_VID=() E_MC=()
	if ((L_UP)); then
		for k in "${!BASE_MC_UP[@]}"; do E_MC[$k]=${BASE_MC_UP[$k]}; done
	else
		for k in "${!BASE_MC_DOWN[@]}"; do E_MC[$k]=${BASE_MC_DOWN[$k]}; done
	fi
	for ((i = 1; i <= SLOTS; i++)); do
		((C_EX[i])) || continue
		# shellcheck disable=SC2034 # read through diff_assoc's nameref
		[[ $TYPE == vlan ]] && E_VID[0x81/$((100 + i))]=1
		((C_UP[i])) || continue
		c=lcc$i
		case $TYPE in
		vlan)
			((C_PR[i])) && ((E_P++))
			[[ ${C_MAC[i]} != "$L_MAC" ]] && E_UC[${C_MAC[i]}]=1
			;;
		macvlan)
			((C_PR[i])) && ((E_P++))
			E_UC[${C_MAC[i]}]=1
			;;
		passthru)
			((NOPROMISC)) || ((E_P++))
			;;
		esac
		((C_AM[i])) && ((E_A++))
		for k in "${!K_MC[@]}"; do
			[[ $k == "$c"/* ]] || continue
			k=$LOWER/${k#*/}
			E_MC[$k]=$((${E_MC[$k]:-0} + 1))
		done
	done
	if ((L_UP)); then
		UCP=$((${#E_UC[@]} > 0))
	fi
	((E_P += UCP))
}

# diff_assoc WHAT EXPECTED ACTUAL: the entries of two associative arrays
# (by name) that differ, into DIFF.
diff_assoc()
{
	local what=$1 k
	local -n exp=$2 act=$3

	for k in "${!exp[@]}"; do
		[[ ${act[$k]:-} == "${exp[$k]}" ]] ||
			DIFF+=" $what $k=${act[$k]:-none} (want ${exp[$k]});"
	done
	for k in "${!act[@]}"; do
		[[ -z ${exp[$k]:-} ]] &&
			DIFF+=" $what $k=${act[$k]} (want none);"
	done
}

# lc_check: the kernel against the model; DIFF says how they differ.
lc_check()
{
	local i c want ma
	local -A mc

	DIFF=
	if ! lc_read; then
		DIFF="cannot read the state: ${BAT_OUT[*]}"
		return 1
	fi
	for ((i = 1; i <= SLOTS; i++)); do
		c=lcc$i
		if ((!C_EX[i])); then
			[[ -z ${K_NS[$c]:-} ]] || DIFF+=" $c exists;"
			continue
		fi
		if [[ ${K_NS[$c]:-} != "${C_NS[i]}" ]]; then
			DIFF+=" $c not in ${C_NS[i]};"
			continue
		fi
		# A new child's MAC is the kernel's choice.
		[[ ${C_MAC[i]} == "?" ]] && C_MAC[i]=${K_MAC[$c]}
		want="${C_UP[i]} ${C_PR[i]} ${C_AM[i]}"
		[[ ${K_FL[$c]} == "$want" ]] ||
			DIFF+=" $c up/promisc/allmulti ${K_FL[$c]} (want $want);"
		[[ ${K_PR[$c]}/${K_AM[$c]} == "${C_PR[i]}/${C_AM[i]}" ]] ||
			DIFF+=" $c promiscuity/allmulti ${K_PR[$c]}/${K_AM[$c]} (want ${C_PR[i]}/${C_AM[i]});"
		[[ ${K_MAC[$c]} == "${C_MAC[i]}" ]] ||
			DIFF+=" $c address ${K_MAC[$c]} (want ${C_MAC[i]});"
		for ma in ${C_MA[i]}; do
			mc_key "$ma"
			[[ -n ${K_MC[$c/$MCK]:-} ]] || DIFF+=" $c lost maddr $ma;"
		done
	done
	lc_expect
	[[ ${K_NS[$LOWER]:-} == A ]] || DIFF+=" $LOWER is gone;"
	[[ ${K_FL[$LOWER]:-} == "$L_UP 0 0" ]] ||
		DIFF+=" $LOWER up/promisc/allmulti ${K_FL[$LOWER]:-} (want $L_UP 0 0);"
	[[ ${K_MAC[$LOWER]:-} == "$L_MAC" ]] ||
		DIFF+=" $LOWER address ${K_MAC[$LOWER]:-} (want $L_MAC);"
	[[ ${K_PR[$LOWER]:-} == "$E_P" ]] ||
		DIFF+=" $LOWER promiscuity ${K_PR[$LOWER]:-} (want $E_P);"
	[[ ${K_AM[$LOWER]:-} == "$E_A" ]] ||
		DIFF+=" $LOWER allmulti ${K_AM[$LOWER]:-} (want $E_A);"
	diff_assoc "$LOWER unicast" E_UC K_UC
	for i in "${!K_MC[@]}"; do
		# shellcheck disable=SC2034 # read through diff_assoc's nameref
		[[ $i == "$LOWER"/* ]] && mc[$i]=${K_MC[$i]}
	done
	diff_assoc "multicast" E_MC mc
	[[ -n $TRACE ]] && diff_assoc "vlan filter" E_VID K_VID
	[[ -z $DIFF ]]
}

rand_mac()
{
	printf -v RMAC '02:%02x:%02x:%02x:%02x:%02x' $((RANDOM % 256)) \
		$((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256)) $((RANDOM % 256))
}

# ---- the steps -------------------------------------------------------------------

# Each step sets OP (what it does) and WANT (0: must succeed, 1: must
# fail), runs its commands through run and updates the model.
OP='' WANT=0 OUT=''

# A command of the step: its status joins the step's.
STEP_FAIL=0
run()
{
	bat "$@" || STEP_FAIL=1
	((STEP_FAIL)) && OUT="${BAT_OUT[*]}"
	return 0
}

# run_ip TAG ARGS...: an ip command of its own ("ip maddr" exits when
# done, it cannot go through the batch reader).
run_ip()
{
	local t=$1; shift

	OUT=$(ip -n "${!t}" "$@" 2>&1) || STEP_FAIL=1
}

step_create()
{
	local i=$1 a=$ADD_ARGS

	[[ $TYPE == vlan ]] && a+=" id $((100 + i))"
	OP="create lcc$i"
	run vmuxA "link add link $LOWER name lcc$i type $a"
	C_EX[i]=1 C_NS[i]=A C_UP[i]=0 C_PR[i]=0 C_AM[i]=0 C_MA[i]='' C_SK[i]=''
	case $TYPE in
	macvlan) C_MAC[i]="?" ;;
	*) C_MAC[i]=$L_MAC ;;
	esac
}

UPDOWN=(down up)
ONOFF=(off on)

step_updown()
{
	local i=$1 t=${C_NS[$1]} up=$2

	OP="lcc$i ${UPDOWN[up]}"
	# 8021q's rule: a vlan opens only on an up lower (no loose_binding).
	[[ $up == 1 && $TYPE == vlan && $L_UP == 0 ]] && WANT=1
	run "ip$t" "link set lcc$i ${UPDOWN[up]}"
	((WANT)) || C_UP[i]=$up
}

step_flag()
{
	local i=$1 t=${C_NS[$1]} flag=$2 on=$((RANDOM % 2))

	OP="lcc$i $flag ${ONOFF[on]}"
	run "ip$t" "link set lcc$i $flag ${ONOFF[on]}"
	if [[ $flag == promisc ]]; then
		C_PR[i]=$on
	else
		C_AM[i]=$on
	fi
}

step_mac()
{
	local i=$1 t=${C_NS[$1]} j pick mac

	rand_mac
	mac=$RMAC
	pick=$((RANDOM % 4))
	if ((pick == 0)); then
		mac=$L_MAC
	elif ((pick == 1)); then
		for ((j = 1; j <= SLOTS; j++)); do
			((j != i && C_EX[j])) && mac=${C_MAC[j]}
		done
	fi
	OP="lcc$i address $mac"
	case $TYPE in
	ipvlan)
		WANT=1		# the lower's MAC, always (no ndo_set_mac_address)
		;;
	macvlan)
		# refused: the lower's or another macvlan's address
		[[ $mac != "$RMAC" ]] && WANT=1
		;;
	esac
	[[ $TYPE != ipvlan && $mac == "${C_MAC[i]}" ]] && WANT=0
	run "ip$t" "link set lcc$i address $mac"
	((WANT)) && return
	C_MAC[i]=$mac
	# passthru shares the lower's address: it changes that one
	[[ $TYPE == passthru ]] && L_MAC=$mac
}

step_maddr()
{
	local i=$1 t=${C_NS[$1]} ma=${MADDRS[RANDOM % ${#MADDRS[@]}]}
	local -a have

	read -r -a have <<<"${C_MA[i]}"
	if ((RANDOM % 2 || ${#have[@]} == 0)); then
		OP="lcc$i maddr add $ma"
		run_ip "$t" maddr add "$ma" dev "lcc$i"
		[[ " ${C_MA[i]} " == *" $ma "* ]] || C_MA[i]+=" $ma"
		return
	fi
	ma=${have[RANDOM % ${#have[@]}]}
	OP="lcc$i maddr del $ma"
	run_ip "$t" maddr del "$ma" dev "lcc$i"
	C_MA[i]=" ${C_MA[i]} "
	C_MA[i]=${C_MA[i]/ $ma / }
}

# A vlan (id 5) stacked on the child, made in the child's netns: 8021q or
# vmux_vlan, up if the child is; or that vlan deleted.
step_stack()
{
	local i=$1 t=${C_NS[$1]}

	if [[ -n ${C_SK[i]} ]]; then
		OP="lcs$i del"
		run "ip${C_SKNS[i]}" "link del lcs$i"
		C_SK[i]=''
		return
	fi
	# Up with the child, by the tool that made it: a reader that has
	# not dumped the links since may remember an older lcs$i's index.
	if ((RANDOM % 2)); then
		OP="lcs$i add (8021q on lcc$i)"
		run "ip$t" "link add link lcc$i name lcs$i ${UPDOWN[C_UP[i]]} type vlan id 5"
		C_SK[i]=q
	else
		OP="lcs$i add (vmux_vlan on lcc$i)"
		run "vmux$t" "link add link lcc$i name lcs$i type vlan id 5"
		((C_UP[i])) && run "vmux$t" "link set lcs$i up"
		C_SK[i]=v
	fi
	C_SKNS[i]=$t
}

step_netns()
{
	local i=$1 t=${C_NS[$1]} o=A

	[[ $t == A ]] && o=B
	OP="lcc$i netns $o"
	run "ip$t" "link set lcc$i netns ${!o}"
	# moved down, its multicast list flushed
	C_NS[i]=$o C_UP[i]=0 C_MA[i]=''
}

step_del()
{
	local i=$1

	OP="lcc$i del (${UPDOWN[C_UP[i]]})"
	run "ip${C_NS[i]}" "link del lcc$i"
	C_EX[i]=0 C_SK[i]=''
	# passthru gives the lower back the address it had (macvlan's rule)
	[[ $TYPE == passthru ]] && L_MAC=$BASE_MAC
}

step_lower()
{
	local i up=$((1 - L_UP))

	OP="$LOWER ${UPDOWN[up]}"
	run ipA "link set $LOWER ${UPDOWN[up]}"
	L_UP=$up
	# 8021q's binding: vlans close with the lower and all open with it.
	[[ $TYPE == vlan ]] || return 0
	for ((i = 1; i <= SLOTS; i++)); do
		((C_EX[i])) && C_UP[i]=$up
	done
}

# One random step on a random slot.
lc_step()
{
	local i=$((1 + RANDOM % SLOTS)) r

	OP='' WANT=0 STEP_FAIL=0 OUT=''
	if ((!C_EX[i])); then
		step_create "$i"
	else
		r=$((RANDOM % 100))
		if ((r < 14)); then
			step_updown "$i" 1
		elif ((r < 24)); then
			step_updown "$i" 0
		elif ((r < 36)); then
			step_flag "$i" promisc
		elif ((r < 48)); then
			step_flag "$i" allmulticast
		elif ((r < 56)); then
			step_mac "$i"
		elif ((r < 68)); then
			step_maddr "$i"
		elif ((r < 76)) && [[ $TYPE != ipvlan ]]; then
			# ipvlan is VLAN_CHALLENGED, as in the kernel
			step_stack "$i"
		elif ((r < 84)); then
			step_netns "$i"
		elif ((r < 92)); then
			step_del "$i"
		elif ((r < 96)); then
			step_lower
		else
			step_updown "$i" 1
		fi
	fi
	if ((STEP_FAIL != WANT)); then
		DIFF="$([[ $WANT == 1 ]] && echo "succeeded, expected to fail" ||
			echo "failed: $OUT")"
		return 1
	fi
	lc_check
}

# lc_teardown: delete every child, the lower up; it must be at baseline.
lc_teardown()
{
	local i

	OP="teardown" WANT=0 STEP_FAIL=0
	for ((i = 1; i <= SLOTS; i++)); do
		((C_EX[i])) || continue
		step_del "$i"
	done
	((L_UP)) || step_lower
	OP="teardown"
	if ((STEP_FAIL)); then
		DIFF="failed: $OUT"
		return 1
	fi
	lc_check || return 1
	[[ $E_P == "$BASE_P" && $E_A == "$BASE_A" && $L_MAC == "$BASE_MAC" ]] ||
		DIFF="model off baseline"
	[[ -z $DIFF ]]
}

# ---- setup and the sequences --------------------------------------------------------

# Once for all sequences (~0.5 s an exec under TCG): the namespaces, the
# batch readers, the kprobes.
lc_global_setup()
{
	setup_ns A B || return 1
	quiet_ns "$A" "$B"
	bat_open ipA 'addr del 192.0.2.255/32 dev lo' ip -n "$A" -o -d &&
	bat_open ipB 'addr del 192.0.2.255/32 dev lo' ip -n "$B" -o -d &&
	bat_open bridgeA 'fdb del 02:00:00:00:00:01 dev lo self permanent' \
		bridge -n "$A" &&
	# vmux remembers ifindexes within a batch; "link set" forgets them.
	bat_open vmuxA 'link set dev lo type vlan id 1' "$VMUX" -n "$A" &&
	bat_open vmuxB 'link set dev lo type vlan id 1' "$VMUX" -n "$B" ||
		return 1
	vid_trace_setup
}

# A fresh lower and its baselines; deleting it deletes what is left on it.
lc_setup()
{
	local k

	C_EX=() C_SK=() L_UP=0 UCP=0
	BASE_MC_UP=() BASE_MC_DOWN=()
	# The same ifindex each time: the readers remember names' indexes
	# ("ip" refreshes them with each dump, "bridge" does not).
	bat ipA "link add $LOWER index $LOWER_INDEX type dummy" || return 1
	defer bat ipA "link del $LOWER"
	lc_read || return 1
	for k in "${!K_MC[@]}"; do
		[[ $k == "$LOWER"/* ]] && BASE_MC_DOWN[$k]=${K_MC[$k]}
	done
	bat ipA "link set $LOWER up" || return 1
	L_UP=1
	lc_read || return 1
	for k in "${!K_MC[@]}"; do
		[[ $k == "$LOWER"/* ]] && BASE_MC_UP[$k]=${K_MC[$k]}
	done
	BASE_P=${K_PR[$LOWER]} BASE_A=${K_AM[$LOWER]}
	BASE_MAC=${K_MAC[$LOWER]} L_MAC=$BASE_MAC
	# What the last sequence's deletes left in the trace was counted
	# here: start from an empty filter.
	K_VID=()
}

# lc_run NAME TYPE "ADD ARGS" SLOTS SEQ: one sequence, checked at every step.
lc_run()
{
	local name=$1 seq=$5 steps n=0 t0 secs
	local -a hist=()

	TYPE=$2 ADD_ARGS=$3 SLOTS=$4
	NOPROMISC=$([[ $3 == *nopromisc* ]] && echo 1 || echo 0)
	steps=${STEPS:-$6}
	RET=0
	lc_setup
	check_err $? "setup failed"
	if ((RET)); then
		log_test "$name"
		return
	fi
	# One stream per sequence: TESTS=one_of_them replays it alone.
	RANDOM=$((SEED + seq))
	t0=${EPOCHREALTIME/./}
	C_EX=() C_SK=()
	for ((n = 1; n <= steps; n++)); do
		if ! lc_step; then
			check_err 1 "seed $SEED, step $n ($OP):$DIFF; before: ${hist[*]: -6}"
			break
		fi
		hist+=("$OP;")
	done
	if ((RET == 0)) && ! lc_teardown; then
		check_err 1 "seed $SEED, after $steps steps, teardown:$DIFF"
	fi
	secs=$(((${EPOCHREALTIME/./} - t0) / 10000))
	log_test "$name: $((n - 1)) steps, lower back at baseline" \
		"$((secs / 100)).$(printf '%02d' $((secs % 100)))s"
}

lc_vlan()
{
	lc_run vlan vlan vlan 3 1 200
}

lc_macvlan_private()
{
	lc_run "macvlan private" macvlan "macvlan mode private" 3 2 40
}

lc_macvlan_vepa()
{
	lc_run "macvlan vepa" macvlan "macvlan mode vepa" 3 3 40
}

lc_macvlan_bridge()
{
	lc_run "macvlan bridge" macvlan "macvlan mode bridge" 3 4 40
}

lc_macvlan_source()
{
	lc_run "macvlan source" macvlan "macvlan mode source" 3 5 40
}

lc_macvlan_passthru()
{
	lc_run "macvlan passthru" passthru "macvlan mode passthru" 1 6 40
}

lc_macvlan_passthru_nopromisc()
{
	lc_run "macvlan passthru nopromisc" passthru \
		"macvlan mode passthru nopromisc" 1 7 40
}

lc_ipvlan_l2()
{
	lc_run "ipvlan l2" ipvlan "ipvlan mode l2" 3 8 70
}

lc_ipvlan_l3()
{
	lc_run "ipvlan l3" ipvlan "ipvlan mode l3" 3 9 70
}

lc_ipvlan_l3s()
{
	lc_run "ipvlan l3s" ipvlan "ipvlan mode l3s" 3 10 70
}

# ---- flags an upper set ------------------------------------------------------------

# counts NS DEV: "promiscuity/allmulti" of DEV.
counts()
{
	ip -n "$1" -d -j link show dev "$2" |
		jq -r '.[0] | "\(.promiscuity)/\(.allmulti)"'
}

# pkt_member NS DEV CMD...: CMD while a packet socket in NS holds DEV
# promiscuous and allmulti (PACKET_MR_PROMISC, PACKET_MR_ALLMULTI).
pkt_member()
{
	local ns=$1 dev=$2; shift 2

	ip netns exec "$ns" python3 -c '
import socket, struct, subprocess, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
idx = socket.if_nametoindex(sys.argv[1])
for mr_type in (1, 2):
    s.setsockopt(263, 1, struct.pack("iHH8s", idx, mr_type, 0, b""))
sys.exit(subprocess.call(sys.argv[2:]))' "$dev" "$@"
}

lc_upper_flags()
{
	local base c

	RET=0
	setup_ns U
	ip -n "$U" link add "$LOWER" type dummy
	ip -n "$U" link set "$LOWER" up
	base=$(counts "$U" "$LOWER")

	# A vlan that is a bridge port: promiscuous and allmulti because of
	# the bridge, not of its user. 8021q re-opens it with dev_get_flags().
	vm "$U" link add link "$LOWER" name lcc1 type vlan id 10 &&
	ip -n "$U" link add lcbr type bridge &&
	ip -n "$U" link set lcc1 master lcbr &&
	ip -n "$U" link set lcc1 up
	check_err $? "vlan as a bridge port"
	[[ $(counts "$U" "$LOWER") != "$base" ]]
	check_err $? "the bridge port's flags did not reach $LOWER"
	ip -n "$U" link set "$LOWER" down && ip -n "$U" link set "$LOWER" up
	is_up "$U" lcc1
	check_err $? "lcc1 not re-opened with $LOWER"
	ip -n "$U" link set lcc1 nomaster
	c=$(counts "$U" lcc1)
	[[ $c == 0/0 ]]
	check_err $? "lcc1 kept the bridge's flags as its own: $c"
	c=$(counts "$U" "$LOWER")
	[[ $c == "$base" ]]
	check_err $? "$LOWER at $c, baseline $base"
	ip -n "$U" link del lcbr
	ip -n "$U" link del lcc1

	# An ipvlan a packet socket holds promiscuous and allmulti while the
	# port changes mode (each child's NOARP flips).
	vm "$U" link add link "$LOWER" name lcc2 type ipvlan mode l2 &&
	ip -n "$U" link set lcc2 up
	check_err $? "ipvlan"
	pkt_member "$U" lcc2 "$VMUX" -n "$U" link set lcc2 type ipvlan mode l3
	check_err $? "mode change under a packet socket"
	c=$(counts "$U" lcc2)
	[[ $c == 0/0 ]]
	check_err $? "lcc2 kept the packet socket's flags as its own: $c"
	c=$(counts "$U" "$LOWER")
	[[ $c == "$base" ]]
	check_err $? "$LOWER at $c, baseline $base"
	ip -n "$U" link del lcc2
	c=$(counts "$U" "$LOWER")
	[[ $c == "$base" ]]
	check_err $? "after the deletes: $LOWER at $c, baseline $base"
	log_test "flags an upper set stay the upper's (vlan re-open, ipvlan mode)"
}

require_root
require_vmux
require_command stdbuf python3 jq
require_module dummy 8021q bridge
log_info "seed $SEED (replay: VMUX_SEED=$SEED)"
# Outside any test's scope: cleaned up when the script exits.
if ! lc_global_setup; then
	echo "FAIL: cannot set up the namespaces and batch readers"
	exit 1
fi
tests_run
exit "$(exit_status)"
