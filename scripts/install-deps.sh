#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install every Debian package vmux needs to build, unit-test and run its VM
# selftests. Idempotent: a quick no-op when all are installed; "apt-get
# update" only when something is missing.
#
#   scripts/install-deps.sh          build + test
#   scripts/install-deps.sh --build  only what a plain build needs (make all,
#                                    make unit, make deb's Build-Depends):
#                                    no QEMU, no kernel image, no 6.12
#   scripts/install-deps.sh --debug  also what building the debug kernel
#                                    needs (make check CHECK_DEBUG=1, as CI)
#   scripts/install-deps.sh --bench  also what make bench's charts need
#   scripts/install-deps.sh --deb    also what make deb needs (debhelper,
#                                    dh-dkms) and lintian
#   scripts/install-deps.sh --dev    also the developer tools: checkpatch's
#                                    kernel source, sparse, shellcheck, and
#                                    --debug's, --bench's and --deb's
#   scripts/install-deps.sh --check  list what is missing, install nothing
#   scripts/install-deps.sh --no-initramfs
#                                    no Debian initramfs for the kernels it
#                                    installs (INITRD=No): the VM harness
#                                    boots them with its own. For throwaway
#                                    machines (CI): a host that may boot
#                                    them itself needs theirs.
#
# Kernels: every supported one, image and headers (a module is built against
# the headers and tested in a VM booting that image): 6.1, Debian 12's own
# (linux-image-amd64), and 6.12 from bookworm-security; and for
# scripts/dkms-check.sh the headers of their other flavours, cloud-amd64
# and rt-amd64 (6.12's depend on their images). The 6.12 package names
# carry the point release (linux-image-6.12.117+deb12-amd64): the newest
# installed one will do, its headers added if missing, else the newest apt
# offers.

set -euo pipefail

# A plain build: module (against 6.1's headers) and userspace with gcc.
build_pkgs=(
	build-essential cmake pkg-config
	libnl-3-dev libfmt-dev
	nlohmann-json3-dev	# vmux-cni's JSON
	catch2		# the unit tests
	libbpf-dev	# "link set DEV xdp object FILE", as ip loads it
	binutils	# readelf: the build-id the ip plugins are bound to
	iproute2	# the ip the plugins are built for
	linux-headers-amd64 kmod
)
# Testing it: clang as CI builds, the kernels to boot, DKMS, the VM.
test_pkgs=(
	clang
	libmnl-dev	# the selftests' netlink fuzzer (selftests/nlfuzz)
	linux-image-amd64	# 6.1; 6.12: see below
	dkms linux-headers-cloud-amd64 linux-headers-rt-amd64	# scripts/dkms-check.sh
	# the VM harness (selftests/vm/run): QEMU, a static busybox initramfs
	qemu-system-x86 busybox-static cpio gzip xz-utils zstd util-linux coreutils
	# inside the VM (the guest runs the host's own root over 9p)
	iputils-ping tcpdump ethtool nftables iptables strace pahole
	jq procps psmisc python3 bash iperf3
	systemd		# systemd-analyze verify on vmux.service
	# vmux_cni.sh: libcni (Go source) built into a runtime's client, the
	# reference plugins (host-local IPAM, the in-kernel kinds' plugins)
	golang-go golang-github-appc-cni-dev containernetworking-plugins
	podman crun conmon	# ... and a runtime (its CNI backend: no netavark)
	# CI
	git
)
pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}")
# scripts/debug-kernel.sh: building a kernel from linux-source-6.1
debug_pkgs=(linux-source-6.1 flex bison bc libelf-dev libssl-dev)
# make bench: its charts (bench/report.py)
bench_pkgs=(python3-matplotlib)
# make deb: the Debian packages (debian/), and lintian to check them
deb_pkgs=(debhelper dh-dkms lintian)
dev_pkgs=(sparse shellcheck "${debug_pkgs[@]}" "${bench_pkgs[@]}" "${deb_pkgs[@]}")

check_only=0
no_initramfs=0
build_only=0
while (($#)); do
	case "$1" in
	--build) pkgs=("${build_pkgs[@]}"); build_only=1 ;;
	--debug) pkgs+=("${debug_pkgs[@]}") ;;
	--bench) pkgs+=("${bench_pkgs[@]}") ;;
	--deb) pkgs+=("${deb_pkgs[@]}") ;;
	--dev) pkgs+=("${dev_pkgs[@]}") ;;
	--check) check_only=1 ;;
	--no-initramfs) no_initramfs=1 ;;
	-h|--help) sed -n '3,35s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "usage: $0 [--build] [--debug] [--bench] [--deb] [--dev] [--check] [--no-initramfs]" >&2; exit 2 ;;
	esac
	shift
done

installed()
{
	local status

	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null || true)
	[[ $status == "ii "* ]]
}

k612_re='^linux-image-(6\.12\.[0-9]+\+deb12)-amd64$'
k612_flavours=(amd64 cloud-amd64 rt-amd64)

# The headers of every flavour of a 6.12 release, e.g. 6.12.117+deb12.
k612_headers()
{
	local f

	for f in "${k612_flavours[@]}"; do
		echo "linux-headers-$1-$f"
	done
}

# The newest 6.12 release whose image is installed, e.g. 6.12.117+deb12.
k612_installed()
{
	local p

	while read -r p; do
		[[ $p =~ $k612_re ]] || continue
		if installed "$p"; then
			echo "${BASH_REMATCH[1]}"
			return 0
		fi
	done < <(dpkg-query -W -f='${Package}\n' 'linux-image-6.12.*' 2>/dev/null | sort -rV)
	return 1
}

# The newest 6.12 release apt can install, image and all its headers.
k612_available()
{
	local p h

	while read -r p; do
		[[ $p =~ $k612_re ]] || continue
		for h in $(k612_headers "${BASH_REMATCH[1]}"); do
			apt-cache show "$h" >/dev/null 2>&1 || continue 2
		done
		echo "${BASH_REMATCH[1]}"
		return 0
	done < <(apt-cache pkgnames linux-image-6.12. | sort -rV)
	return 1
}

missing=()
for p in "${pkgs[@]}"; do
	installed "$p" || missing+=("$p")
done
# A plain build needs no 6.12: what it lacks is all.
if ((build_only)); then
	if ((${#missing[@]} == 0)); then
		echo "install-deps: all ${#pkgs[@]} packages of a plain build are installed"
		exit 0
	fi
	echo "install-deps: missing: ${missing[*]}"
	((check_only)) && exit 1
	((EUID == 0)) || { echo "install-deps: need root to install them (sudo $0)" >&2; exit 1; }
	export DEBIAN_FRONTEND=noninteractive
	apt-get -y -q -o DPkg::Lock::Timeout=300 update
	apt-get -y -q -o DPkg::Lock::Timeout=300 install --no-install-recommends "${missing[@]}"
	exit 0
fi
# The headers an installed 6.12 image still lacks.
k612=$(k612_installed) || k612=
k612_missing=()
if [[ -n $k612 ]]; then
	for p in $(k612_headers "$k612"); do
		installed "$p" || k612_missing+=("$p")
	done
fi

if ((${#missing[@]} == 0 && ${#k612_missing[@]} == 0)) && [[ -n $k612 ]]; then
	echo "install-deps: all $((${#pkgs[@]} + 1 + ${#k612_flavours[@]})) packages are" \
	     "installed (6.12: $k612)"
	exit 0
fi
shown=("${missing[@]}" "${k612_missing[@]}")
if [[ -z $k612 ]]; then
	shown+=("linux-image-6.12.*+deb12-amd64")
	for f in "${k612_flavours[@]}"; do
		shown+=("linux-headers-6.12.*+deb12-$f")
	done
fi
echo "install-deps: missing: ${shown[*]}"
((check_only)) && exit 1

if ((EUID != 0)); then
	echo "install-deps: need root to install them (sudo $0)" >&2
	exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# /etc/kernel/postinst.d/initramfs-tools does nothing then.
((no_initramfs)) && export INITRD=No
apt_opts=(-y -q -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold
	  -o DPkg::Lock::Timeout=300)
apt-get "${apt_opts[@]}" update
# An old point release's headers may have left the archive: then the newest.
for p in "${k612_missing[@]}"; do
	if ! apt-cache show "$p" >/dev/null 2>&1; then
		echo "install-deps: apt no longer offers $p: installing the newest 6.12"
		k612=
		k612_missing=()
		break
	fi
done
if [[ -z $k612 ]]; then
	k612=$(k612_available) || {
		echo "install-deps: apt offers no linux-image-6.12.*+deb12-amd64 with its" \
		     "headers (is bookworm-security in the sources?)" >&2
		exit 1
	}
	for p in "linux-image-$k612-amd64" $(k612_headers "$k612"); do
		installed "$p" || k612_missing+=("$p")
	done
fi
missing+=("${k612_missing[@]}")
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
