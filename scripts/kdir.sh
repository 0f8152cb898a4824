#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the kernel build directory vmux is built against (KDIR), or with
# --kver the release of that kernel, which is also the kernel the test VM
# boots (/boot/vmlinuz-<release>): module and kernel must match.
#
# KDIR from the environment wins; else /lib/modules/$(uname -r)/build if it
# exists; else the newest supported kernel's /lib/modules/*/build (the host
# kernel of a CI machine need not be the one whose headers are installed):
# 6.1 only so far, so that a 6.12 installed beside it is not picked.
# KVER from the environment wins; else it is read from the path
# /lib/modules/<release>/build, else from the tree's kernel.release (a
# self-built tree; Debian's header packages carry the upstream version there).

set -u

find_kdir()
{
	local d best=""

	if [[ -n "${KDIR:-}" ]]; then
		echo "$KDIR"
		return 0
	fi
	d=/lib/modules/$(uname -r)/build
	if [[ -d $d ]]; then
		echo "$d"
		return 0
	fi
	for d in /lib/modules/6.1.*/build; do
		[[ -d $d ]] || continue
		best+="$d"$'\n'
	done
	[[ -n $best ]] || return 1
	printf '%s' "$best" | sort -V | tail -n 1
}

kver_of()
{
	local kdir=${1%/} d

	if [[ $kdir =~ ^/lib/modules/([^/]+)/build$ ]]; then
		echo "${BASH_REMATCH[1]}"
		return 0
	fi
	# A symlink target, e.g. /usr/src/linux-headers-<ver>.
	for d in /lib/modules/*/build; do
		if [[ -e $d && $(readlink -f "$d") == "$(readlink -f "$kdir")" ]]; then
			d=${d%/build}
			echo "${d##*/}"
			return 0
		fi
	done
	if [[ -r $kdir/include/config/kernel.release ]]; then
		cat "$kdir/include/config/kernel.release"
		return 0
	fi
	return 1
}

kdir=$(find_kdir) || {
	echo "kdir.sh: no kernel build directory in /lib/modules/*/build" \
	     "(install linux-headers-amd64: scripts/install-deps.sh)" >&2
	exit 1
}

case "${1:-}" in
--kver)
	if [[ -n "${KVER:-}" ]]; then
		echo "$KVER"
	else
		kver_of "$kdir" || {
			echo "kdir.sh: cannot tell the kernel release of $kdir; set KVER" >&2
			exit 1
		}
	fi
	;;
"")
	echo "$kdir"
	;;
*)
	echo "usage: $0 [--kver]" >&2
	exit 2
	;;
esac
