#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages as an admin meets them: install build/deb's vmux and
# vmux-dkms (make deb) on this machine, check that DKMS built and installed
# the module for every installed kernel with headers, boot each supported
# kernel in the VM (selftests/vm/run) and check there that "modprobe vmux"
# loads the DKMS-built module, that "ip link add ... type vmux_macvlan"
# autoloads it and ip shows it through the plugin, and that the packaged
# vmux applies the packaged example configuration; then purge both
# packages and check that nothing of them is left.
#
#   scripts/deb-check.sh [KVER...]     (make deb-check; root)
#
# KVER: the kernels to boot (default: those make check boots,
# scripts/kdir.sh --all). It refuses to run if a vmux package is installed already: it
# would replace it, then remove it.

set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$top"
version=$(<VERSION)
deb_dir=${BUILD_DIR:-build}/deb

fail()
{
	echo "deb-check: $*" >&2
	exit 1
}

# ---- in the VM ---------------------------------------------------------------------

# --guest VERSION: the checks inside the VM, on the host's installed files.
if [[ ${1:-} == --guest ]]; then
	version=$2
	k=$(uname -r)
	[[ ! -e /sys/module/vmux ]] || fail "$k: vmux is loaded before anything asked for it"
	modprobe vmux || fail "$k: modprobe vmux failed"
	path=$(modinfo -n vmux)
	[[ $path == /lib/modules/$k/updates/dkms/vmux.ko* ]] ||
		fail "$k: modprobe found $path, not DKMS's updates/dkms/vmux.ko"
	[[ $(modinfo -F version vmux) == "$version" ]] ||
		fail "$k: the module says version $(modinfo -F version vmux), VERSION $version"
	[[ $(</sys/module/vmux/version) == "$version" ]] ||
		fail "$k: the loaded module says version $(</sys/module/vmux/version)"
	rmmod vmux || fail "$k: rmmod vmux failed"
	ip link add d0 type dummy
	ip link add link d0 name mv0 type vmux_macvlan mode bridge ||
		fail "$k: ip link add ... type vmux_macvlan did not load vmux"
	[[ -e /sys/module/vmux ]] || fail "$k: vmux_macvlan made, vmux not loaded?"
	out=$(ip -d link show mv0)
	[[ $out == *"vmux_macvlan mode bridge "* ]] ||
		fail "$k: ip -d link show does not print the kind's data through the plugin: $out"
	[[ $(/usr/sbin/vmux -V) == "vmux utility, $version" ]] ||
		fail "$k: /usr/sbin/vmux -V says $(/usr/sbin/vmux -V)"
	# The packaged example, applied by the packaged vmux in a netns.
	ip netns add debcheck
	ip -n debcheck link add eth0 type dummy
	out=$(/usr/sbin/vmux -n debcheck apply /usr/share/doc/vmux/examples/10-eth0.conf 2>&1) ||
		fail "$k: vmux apply of the example: $out"
	[[ $(/usr/sbin/vmux -n debcheck -j link show | jq -r 'map(.ifname) | sort | join(" ")') == \
		"i1 v100 v100m" ]] || fail "$k: the example made $(/usr/sbin/vmux -n debcheck link show)"
	ip netns del debcheck
	ip link del d0
	rmmod vmux || fail "$k: rmmod vmux failed after the devices went"
	echo "deb-check: $k: modprobe loads $path ($version), ip link add autoloads it," \
	     "ip shows it through the plugin, the example applies"
	exit 0
fi

# ---- on the host --------------------------------------------------------------------

((EUID == 0)) || fail "run as root: it installs and removes packages"
for p in vmux vmux-dkms; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		fail "$p is installed: deb-check would replace it, then remove it"
	fi
done
debs=("$deb_dir/vmux_${version}_amd64.deb" "$deb_dir/vmux-dkms_${version}_all.deb")
for d in "${debs[@]}"; do
	[[ -f $d ]] || fail "$d is missing (make deb)"
done

mapfile -t kernels < <(scripts/kdir.sh --headers)
((${#kernels[@]})) || fail "no kernel headers installed"
if (($#)); then
	boot=("$@")
else
	# The kernels make check boots: each supported series' newest.
	mapfile -t boot < <(scripts/kdir.sh --all)
fi
((${#boot[@]})) || fail "no supported kernel to boot (scripts/kdir.sh --all)"

purge()
{
	DEBIAN_FRONTEND=noninteractive apt-get purge -y -q vmux vmux-dkms >"$deb_dir"/purge.log 2>&1
}
t=$SECONDS
# The packages' own files, to check they are gone afterwards.
mapfile -t files < <(for d in "${debs[@]}"; do dpkg-deb -c "$d"; done |
	awk '$1 !~ /^d/ { sub(/^\./, "", $6); print $6 }')
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
	"${debs[@]/#/./}" >"$deb_dir"/install.log 2>&1; then
	cat "$deb_dir"/install.log >&2
	purge || true
	fail "apt-get install failed"
fi
trap 'purge || true' EXIT
echo "deb-check: installed in $((SECONDS - t)) s (DKMS builds for ${#kernels[@]} kernels)"

for k in "${kernels[@]}"; do
	ko=$(compgen -G "/lib/modules/$k/updates/dkms/vmux.ko*" | head -n 1) ||
		fail "$k: DKMS installed no vmux.ko in /lib/modules/$k/updates/dkms/"
	[[ $(modinfo -F version "$ko") == "$version" ]] ||
		fail "$k: $ko says version $(modinfo -F version "$ko")"
	dkms status -m vmux -v "$version" -k "$k" | grep -q ': installed' ||
		fail "$k: dkms status: $(dkms status -m vmux -v "$version" -k "$k")"
done
echo "deb-check: DKMS built and installed vmux $version for ${kernels[*]}"
[[ -d /etc/vmux && -L /etc/systemd/system/multi-user.target.wants/vmux.service ]] ||
	fail "the package did not make /etc/vmux or enable vmux.service"

for k in "${boot[@]}"; do
	VMUX_VM_TIMEOUT=${VMUX_VM_TIMEOUT:-600} selftests/vm/run --kver "$k" -- \
		"$top/scripts/deb-check.sh" --guest "$version" || fail "$k: the checks in the VM failed"
done

t=$SECONDS
trap - EXIT
purge || { cat "$deb_dir"/purge.log >&2; fail "apt-get purge failed"; }
left=()
for f in "${files[@]}"; do
	[[ -e $f || -L $f ]] && left+=("$f")
done
for g in /usr/src/vmux-* /var/lib/dkms/vmux /lib/modules/*/updates/dkms/vmux.ko* /etc/vmux \
	/etc/systemd/system/*.wants/vmux.service /usr/share/doc/vmux /usr/share/doc/vmux-dkms; do
	[[ -e $g || -L $g ]] && left+=("$g")
done
((${#left[@]} == 0)) || fail "purged, but left: ${left[*]}"
dpkg-query -W vmux vmux-dkms 2>/dev/null | grep -q . &&
	fail "dpkg still knows vmux: $(dpkg-query -W vmux vmux-dkms)"
echo "deb-check: purged in $((SECONDS - t)) s, nothing left"
