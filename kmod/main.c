// SPDX-License-Identifier: GPL-2.0
/*
 * vmux: VLAN, MACVlan and IPVlan sub-devices on one shared rx_handler port
 * per lower device.
 */
#include <linux/module.h>
#include <linux/netdevice.h>
#include <net/genetlink.h>
#include <net/rtnetlink.h>

#include "vmux.h"

static const struct vmux_kind_ops *const vmux_kinds[__VMUX_T_MAX] = {
	[VMUX_T_VLAN]		= &vmux_vlan_kind,
	[VMUX_T_MACVLAN]	= &vmux_macvlan_kind,
	[VMUX_T_IPVLAN]		= &vmux_ipvlan_kind,
};

const struct vmux_kind_ops *vmux_kind_ops(enum vmux_kind kind)
{
	return vmux_kinds[kind];
}

static void vmux_unregister_kinds(int n)
{
	while (n--)
		rtnl_link_unregister(vmux_kinds[n]->link_ops);
}

static int __init vmux_init(void)
{
	int err, n;

	err = vmux_port_init();
	if (err)
		return err;
	err = vmux_ipvlan_init();
	if (err)
		goto port_exit;
	for (n = 0; n < __VMUX_T_MAX; n++) {
		vmux_link_ops_init(vmux_kinds[n]->link_ops);
		err = rtnl_link_register(vmux_kinds[n]->link_ops);
		if (err)
			goto unwind;
	}
	/* Last: the family lists the ports the kinds make. */
	err = vmux_genl_init();
	if (err)
		goto unwind;
	pr_info("version " VMUX_VERSION "\n");
	return 0;

unwind:
	vmux_unregister_kinds(n);
	vmux_ipvlan_exit();
port_exit:
	vmux_port_exit();
	return err;
}

static void __exit vmux_exit(void)
{
	vmux_genl_exit();
	/* Deletes every child in every netns; the last one frees its port. */
	vmux_unregister_kinds(__VMUX_T_MAX);
	vmux_ipvlan_exit();
	vmux_port_exit();
	rcu_barrier();
}

module_init(vmux_init);
module_exit(vmux_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("vmux developers");
MODULE_DESCRIPTION("VLAN, MACVlan and IPVlan sub-devices sharing one port per lower device");
MODULE_VERSION(VMUX_VERSION);
MODULE_ALIAS_RTNL_LINK(VMUX_KIND_VLAN);
MODULE_ALIAS_RTNL_LINK(VMUX_KIND_MACVLAN);
MODULE_ALIAS_RTNL_LINK(VMUX_KIND_IPVLAN);
MODULE_ALIAS_GENL_FAMILY(VMUX_GENL_NAME);
