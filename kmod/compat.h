/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmux: every difference between the kernels vmux builds against (6.1 and
 * 6.12), in one place. The other files are written for the newest kernel;
 * each block here gives an older one what it lacks, keyed on the feature
 * where a macro tells, else on the version that changed it.
 */
#ifndef _VMUX_COMPAT_H
#define _VMUX_COMPAT_H

#include <linux/version.h>
#include <linux/ethtool.h>
#include <linux/net_tstamp.h>
#include <linux/netdevice.h>
#include <linux/phy.h>

/* 6.12 made lockless transmit a net_device bit (dev->lltx), no longer the
 * feature NETIF_F_LLTX. Before, the bit has to be in every feature set a
 * driver computes (ndo_init, ndo_fix_features): VMUX_F_LLTX is it there,
 * and 0 from 6.12 on.
 */
#ifdef NETIF_F_LLTX
#define VMUX_F_LLTX	NETIF_F_LLTX

static inline void vmux_set_lltx(struct net_device *dev)
{
	dev->features |= NETIF_F_LLTX;
}
#else
#define VMUX_F_LLTX	0

static inline void vmux_set_lltx(struct net_device *dev)
{
	dev->lltx = true;
}
#endif

/* 6.12 made "supports the FCoE MTU" a net_device bit (dev->fcoe_mtu) and
 * dropped NETIF_F_ALL_FCOE; before, NETIF_F_FCOE_MTU is a feature that
 * 8021q offers among its hw_features and takes out of vlan_features.
 */
#ifdef NETIF_F_FCOE_MTU
#define VMUX_F_ALL_FCOE	(NETIF_F_FCOE_CRC | NETIF_F_FCOE_MTU | NETIF_F_FSO)

static inline void vmux_set_fcoe_mtu(struct net_device *dev)
{
}
#else
#define VMUX_F_ALL_FCOE	(NETIF_F_FCOE_CRC | NETIF_F_FSO)

static inline void vmux_set_fcoe_mtu(struct net_device *dev)
{
	dev->fcoe_mtu = true;
}
#endif

/* 6.12 turned the private flag IFF_CHANGE_PROTO_DOWN into a net_device bit. */
static inline void vmux_set_change_proto_down(struct net_device *dev)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	dev->change_proto_down = true;
#else
	dev->priv_flags |= IFF_CHANGE_PROTO_DOWN;
#endif
}

static inline bool vmux_can_change_proto_down(const struct net_device *dev)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	return dev->change_proto_down;
#else
	return dev->priv_flags & IFF_CHANGE_PROTO_DOWN;
#endif
}

/* 6.11 gave the ethtool_ops their own struct kernel_ethtool_ts_info. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 11, 0)
#define kernel_ethtool_ts_info ethtool_ts_info
#endif

/* 6.10 exported the lookup 8021q and macvlan open-coded until then: the
 * time stamping capabilities of a lower device (as 6.1's core reads them).
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 10, 0)
static inline int ethtool_get_ts_info_by_layer(struct net_device *dev,
					       struct ethtool_ts_info *info)
{
	const struct ethtool_ops *ops = dev->ethtool_ops;
	struct phy_device *phydev = dev->phydev;

	if (phy_has_tsinfo(phydev))
		return phy_ts_info(phydev, info);
	if (ops->get_ts_info)
		return ops->get_ts_info(dev, info);
	info->so_timestamping = SOF_TIMESTAMPING_RX_SOFTWARE |
				SOF_TIMESTAMPING_SOFTWARE;
	info->phc_index = -1;
	return 0;
}
#endif

/* 6.6 gave hardware time stamping ndos of its own, ndo_hwtstamp_get/set,
 * and stacked drivers generic_hwtstamp_{get,set}_lower() to reach a lower
 * whichever interface its driver has. Before, SIOC[GS]HWTSTAMP come to
 * ndo_eth_ioctl, which forwards them (vmux_eth_ioctl()): the ndos are not
 * installed, and the helpers below are never called.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define VMUX_NDO_HWTSTAMP					\
	.ndo_hwtstamp_get	= vmux_hwtstamp_get,		\
	.ndo_hwtstamp_set	= vmux_hwtstamp_set,
#else
#define VMUX_NDO_HWTSTAMP

struct kernel_hwtstamp_config;

static inline int generic_hwtstamp_get_lower(struct net_device *dev,
					     struct kernel_hwtstamp_config *cfg)
{
	return -EOPNOTSUPP;
}

static inline int generic_hwtstamp_set_lower(struct net_device *dev,
					     struct kernel_hwtstamp_config *cfg,
					     struct netlink_ext_ack *extack)
{
	return -EOPNOTSUPP;
}
#endif

#endif /* _VMUX_COMPAT_H */
