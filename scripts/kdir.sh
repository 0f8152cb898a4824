#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the kernel build directory vmux is built against (KDIR), or with
# --kver the release of that kernel, which is also the kernel the test VM
# boots (/boot/vmlinuz-<release>): module and kernel must match. With --all,
# the release of every supported kernel installed (headers and image), one
# a line, the newest of each series: the kernels "make check" tests.
# Only Debian's generic flavour (6.1.0-57-amd64) counts: the VM boots that
# one. The cloud and rt flavours are built for, not booted, though the
# headers of 6.12's bring their images along. With --headers, the release
# of every kernel whose headers are installed, any series or flavour (what
# DKMS builds for).
#
# KDIR from the environment wins; else /lib/modules/$KVER/build if KVER is
# set; else /lib/modules/$(uname -r)/build if it exists; else the newest
# generic 6.1 kernel's /lib/modules/*/build (the host kernel of a CI machine
# need not be the one whose headers are installed; a 6.12 installed beside
# it is not picked by default).
# KVER from the environment wins; else it is read from the path
# /lib/modules/<release>/build, else from the tree's kernel.release (a
# self-built tree; Debian's header packages carry the upstream version there).

set -u

# The kernel series vmux supports (README.md, "Kernels").
supported=(6.1 6.12)

# A release of the flavour the VM boots: not 6.1.0-57-rt-amd64, not
# 6.12.117+deb12-cloud-amd64.
generic()
{
	[[ ! $1 =~ -(cloud|rt)- ]]
}

find_kdir()
{
	local d best=""

	if [[ -n "${KDIR:-}" ]]; then
		echo "$KDIR"
		return 0
	fi
	# A kernel named by its release: its own headers.
	if [[ -n "${KVER:-}" ]]; then
		echo "/lib/modules/$KVER/build"
		return 0
	fi
	d=/lib/modules/$(uname -r)/build
	if [[ -d $d ]]; then
		echo "$d"
		return 0
	fi
	for d in /lib/modules/6.1.*/build; do
		[[ -d $d ]] || continue
		generic "$d" || continue
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

# Every supported series' newest release with headers and an image.
all_kvers()
{
	local d kver series s
	local -A best=()

	for d in /lib/modules/*/build; do
		[[ -d $d ]] || continue
		kver=${d%/build}
		kver=${kver##*/}
		generic "$kver" || continue
		[[ -r /boot/vmlinuz-$kver && $kver =~ ^([0-9]+\.[0-9]+)[.-] ]] || continue
		series=${BASH_REMATCH[1]}
		for s in "${supported[@]}"; do
			[[ $s == "$series" ]] || continue
			if [[ -z ${best[$s]:-} ]] ||
			   [[ $(printf '%s\n' "${best[$s]}" "$kver" | sort -V | tail -n 1) == "$kver" ]]; then
				best[$s]=$kver
			fi
		done
	done
	((${#best[@]})) || return 1
	printf '%s\n' "${best[@]}" | sort -V
}

if [[ ${1:-} == --headers ]]; then
	for d in /lib/modules/*/build; do
		[[ -d $d ]] || continue
		d=${d%/build}
		echo "${d##*/}"
	done
	exit 0
fi

if [[ ${1:-} == --all ]]; then
	all_kvers || {
		echo "kdir.sh: no supported kernel (${supported[*]}) with headers and" \
		     "image installed (scripts/install-deps.sh)" >&2
		exit 1
	}
	exit 0
fi

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
	echo "usage: $0 [--kver | --all]" >&2
	exit 2
	;;
esac
