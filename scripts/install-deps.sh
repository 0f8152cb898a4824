#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install every Debian package vmux needs to build, unit-test and run its VM
# selftests. Idempotent: a quick no-op when all are installed; "apt-get
# update" only when something is missing.
#
#   scripts/install-deps.sh          build + test
#   scripts/install-deps.sh --dev    also the developer tools: checkpatch's
#                                    kernel source, sparse, shellcheck, and
#                                    what building the debug kernel needs
#   scripts/install-deps.sh --check  list what is missing, install nothing
#
# Kernels: every supported one, image and headers (a module is built against
# the headers and tested in a VM booting that image): 6.1, Debian 12's own
# (linux-image-amd64), and 6.12 from bookworm-security. The 6.12 package
# names carry the point release (linux-image-6.12.117+deb12-amd64): any
# installed one with its headers will do, else the newest apt offers.

set -euo pipefail

pkgs=(
	# build: module and userspace (with gcc, and clang as CI does)
	build-essential cmake pkg-config clang
	libnl-3-dev libnl-route-3-dev libmnl-dev libfmt-dev catch2
	linux-image-amd64 linux-headers-amd64 kmod	# 6.1; 6.12: see below
	# the VM harness (selftests/vm/run): QEMU, a static busybox initramfs
	qemu-system-x86 busybox-static cpio gzip xz-utils zstd util-linux coreutils
	# inside the VM (the guest runs the host's own root over 9p)
	iproute2 iputils-ping iputils-arping tcpdump ethtool nftables iptables
	jq procps psmisc python3 bash iperf3
	# CI
	git
)
dev_pkgs=(linux-source-6.1 sparse shellcheck
	# scripts/debug-kernel.sh: building a kernel from linux-source-6.1
	flex bison bc libelf-dev libssl-dev)

check_only=0
while (($#)); do
	case "$1" in
	--dev) pkgs+=("${dev_pkgs[@]}") ;;
	--check) check_only=1 ;;
	-h|--help) sed -n '3,19s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "usage: $0 [--dev] [--check]" >&2; exit 2 ;;
	esac
	shift
done

installed()
{
	local status

	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null || true)
	[[ $status == "ii "* ]]
}

k612_re='^linux-image-(6\.12\.[0-9]+\+deb12-amd64)$'

# The newest 6.12 release installed with its headers, e.g. 6.12.117+deb12-amd64.
k612_installed()
{
	local p

	while read -r p; do
		[[ $p =~ $k612_re ]] || continue
		if installed "$p" && installed "linux-headers-${BASH_REMATCH[1]}"; then
			echo "${BASH_REMATCH[1]}"
			return 0
		fi
	done < <(dpkg-query -W -f='${Package}\n' 'linux-image-6.12.*' 2>/dev/null | sort -rV)
	return 1
}

# The newest 6.12 release apt can install, image and headers both.
k612_available()
{
	local p

	while read -r p; do
		[[ $p =~ $k612_re ]] || continue
		if apt-cache show "linux-headers-${BASH_REMATCH[1]}" >/dev/null 2>&1; then
			echo "${BASH_REMATCH[1]}"
			return 0
		fi
	done < <(apt-cache pkgnames linux-image-6.12. | sort -rV)
	return 1
}

missing=()
for p in "${pkgs[@]}"; do
	installed "$p" || missing+=("$p")
done
k612=$(k612_installed) || k612=

if ((${#missing[@]} == 0)) && [[ -n $k612 ]]; then
	echo "install-deps: all $((${#pkgs[@]} + 2)) packages are installed (6.12: $k612)"
	exit 0
fi
shown=("${missing[@]}")
[[ -n $k612 ]] || shown+=("linux-image-6.12.*+deb12-amd64" "linux-headers-6.12.*+deb12-amd64")
echo "install-deps: missing: ${shown[*]}"
((check_only)) && exit 1

if ((EUID != 0)); then
	echo "install-deps: need root to install them (sudo $0)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_opts=(-y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold
	  -o DPkg::Lock::Timeout=300)
apt-get "${apt_opts[@]}" update
if [[ -z $k612 ]]; then
	k612=$(k612_available) || {
		echo "install-deps: apt offers no linux-image-6.12.*+deb12-amd64 with its" \
		     "headers (is bookworm-security in the sources?)" >&2
		exit 1
	}
	missing+=("linux-image-$k612" "linux-headers-$k612")
fi
# Recommends stay out: the kernel's firmware, QEMU's GUI and UEFI are not
# needed and would slow every fresh CI machine down.
apt-get "${apt_opts[@]}" install --no-install-recommends "${missing[@]}"

still=()
for p in "${missing[@]}"; do
	installed "$p" || still+=("$p")
done
if ((${#still[@]})); then
	echo "install-deps: still missing after apt-get: ${still[*]}" >&2
	exit 1
fi
echo "install-deps: installed ${missing[*]}"
