# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What a kernel log says when the kernel is broken, for run_all.sh (after
# each script) and the scripts that look after each step (vmux_fuzz.sh,
# vmux_faults.sh). Sourced; defines SPLAT_RE, NOT_SPLAT_RE, splat_filter
# and splat_count.

# The kernel's ways of saying it is broken (syzkaller's oops families).
SPLAT_RE='BUG:|WARNING:|Oops|KASAN:|UBSAN:|KFENCE:|refcount_t:|'
SPLAT_RE+='unregister_netdevice: waiting for|suspicious RCU usage|soft lockup|'
SPLAT_RE+='hard LOCKUP|list_add corruption|list_del corruption|'
SPLAT_RE+='general protection fault|kernel BUG|Call Trace:|'
SPLAT_RE+='INFO: task .* blocked for more than|detected stall|ODEBUG:|'
SPLAT_RE+='stack guard page|workqueue lockup|Kernel panic|kmemleak:.*new suspected'

# Lines that match SPLAT_RE but are no splat: pktgen's pr_warn when a
# device it sends on is unregistered under it (vmux_lifecycle.sh does that
# on purpose; 6.12 prints it, 6.1 did not in our runs).
NOT_SPLAT_RE='pktgen: WARNING: trying to remove a running interface'

# splat_filter: the kernel log on stdin, less what is no splat: the lines
# of NOT_SPLAT_RE, and the "Call Trace:" of the stack that
# __register_sysctl_table() dumps when an allocation fails
# (fs/proc/proc_sysctl.c; fault injection makes it fail on purpose, and
# the device's registration then fails with -ENOMEM as it should).
splat_filter()
{
	awk -v not="$NOT_SPLAT_RE" '
	{ line[NR] = $0 }
	END {
		for (i = 1; i <= NR; i++) {
			if (line[i] ~ not)
				continue
			if (line[i] ~ /Call Trace:/) {
				quirk = 0
				for (j = i + 1; j <= i + 4 && j <= NR; j++)
					if (line[j] ~ /[ \t]__register_sysctl_table\+/)
						quirk = 1
				if (quirk)
					continue
			}
			print line[i]
		}
	}'
}

# splat_count: how many splat lines the kernel log has now.
splat_count()
{
	dmesg | splat_filter | grep -cE -- "$SPLAT_RE"
}
