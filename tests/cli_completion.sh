#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The bash completion `vmux completion bash` prints, driven as bash drives
# it: COMP_WORDS/COMP_CWORD in, COMPREPLY out. No kernel, no netns: "ip"
# is a function here, standing in for "ip -n NS -br link show".

vmux=${1:?usage: $0 PATH_TO_VMUX}
failed=0

# shellcheck source=/dev/null
source <("$vmux" completion bash) || exit 1

# shellcheck disable=SC2317 # called by the completion functions
ip()
{
	[[ $* == "-n red -br link show" ]] && printf 'lo UNKNOWN\nred0@if7 UP\n'
}

# check "EXPECTED WORDS" vmux WORD... CUR: complete the last word.
check()
{
	local want=$1
	shift
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_vmux
	local got="${COMPREPLY[*]}"
	if [[ $got != "$want" ]]; then
		echo "FAIL: ${COMP_WORDS[*]}<TAB>: got \"$got\", want \"$want\""
		failed=1
	else
		echo "ok: ${COMP_WORDS[*]}<TAB>: $got"
	fi
}

# A number or a free word is due: nothing, not the option names.
check "" vmux link add link eth0 name x type vlan id ""
check "" vmux link add link eth0 name x type macvlan bcqueuelen ""
check "" vmux link add link eth0 x numtxqueues ""
check "" vmux link set x mtu ""
check "--dry-run --prune --wait" vmux apply --
check "" vmux apply --wait ""
check "" vmux link set x alias ""
# Values from the tables.
check "on off" vmux link add link eth0 name x type vlan reorder_hdr ""
check "on off" vmux link set x promisc ""
check "eui64 none stable_secret random" vmux link add link eth0 x addrgenmode ""
check "l2 l3 l3s" vmux link add link eth0 x type ipvlan mode ""
# Keywords.
check "numtxqueues numrxqueues" vmux link add link eth0 x num
check "nomaster" vmux link set x noma
check "gso_max_size gso_max_segs" vmux link set x gso_max_s
check "-brief" vmux -bri
# Devices of the netns "-n" names.
check "red0" vmux -n red link set r
check "red0" vmux -n red link add link r
check "red0" vmux -n red link set x master r
exit $failed
