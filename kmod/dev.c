// SPDX-License-Identifier: GPL-2.0
/*
 * What every vmux sub-device shares, whatever its kind: life cycle against
 * the port, statistics, ethtool, ioctl forwarding and the netlink glue.
 */
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

#include "vmux.h"

/* A frame for @vdev that it will not get: count it on it and its port. */
void vmux_drop(struct vmux_dev *vdev, enum vmux_drop_reason reason)
{
	this_cpu_inc(vdev->stats->drops[reason]);
	vmux_port_drop(vdev->port, reason);
}

static u64 vmux_sum_drop(unsigned long __percpu *drops, int reason)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(drops, cpu)[reason];
	return sum;
}

void vmux_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	int cpu, r;

	for_each_possible_cpu(cpu) {
		const struct vmux_pcpu_stats *p = per_cpu_ptr(vdev->stats, cpu);
		u64 rxp, rxb, rxm, txp, txb;
		unsigned int start;

		do {
			start = u64_stats_fetch_begin(&p->syncp);
			rxp = u64_stats_read(&p->rx_packets);
			rxb = u64_stats_read(&p->rx_bytes);
			rxm = u64_stats_read(&p->rx_multicast);
			txp = u64_stats_read(&p->tx_packets);
			txb = u64_stats_read(&p->tx_bytes);
		} while (u64_stats_fetch_retry(&p->syncp, start));

		s->rx_packets += rxp;
		s->rx_bytes += rxb;
		s->multicast += rxm;
		s->tx_packets += txp;
		s->tx_bytes += txb;
	}
	for (r = 0; r < __VMUX_DROP_MAX; r++) {
		u64 n = vmux_sum_drop(&vdev->stats->drops[0], r);

		if (r == VMUX_DROP_TX)
			s->tx_dropped += n;
		else
			s->rx_dropped += n;
	}
}

int vmux_get_iflink(const struct net_device *dev)
{
	return vmux_priv(dev)->lower->ifindex;
}

static struct net *vmux_get_link_net(const struct net_device *dev)
{
	return dev_net(vmux_priv(dev)->lower);
}

static size_t vmux_drops_size(void)
{
	return nla_total_size(0) +
	       __VMUX_DROP_MAX * nla_total_size_64bit(sizeof(u64));
}

static size_t vmux_get_xstats_size(const struct net_device *dev)
{
	return 2 * vmux_drops_size();
}

int vmux_fill_drops(struct sk_buff *skb, int type, unsigned long __percpu *drops)
{
	struct nlattr *nest = nla_nest_start(skb, type);
	int r;

	if (!nest)
		return -EMSGSIZE;
	for (r = 0; r < __VMUX_DROP_MAX; r++)
		if (nla_put_u64_64bit(skb, r + 1, vmux_sum_drop(drops, r),
				      IFLA_VMUX_XSTATS_UNSPEC))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* IFLA_INFO_XSTATS: drop counters by reason, of the device and its port. */
static int vmux_fill_xstats(struct sk_buff *skb,
			    const struct net_device *dev)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	struct nlattr *nest;

	nest = nla_nest_start_noflag(skb, IFLA_INFO_XSTATS);
	if (!nest)
		return -EMSGSIZE;
	if (vmux_fill_drops(skb, IFLA_VMUX_XSTATS_DEV, &vdev->stats->drops[0]) ||
	    vmux_fill_drops(skb, IFLA_VMUX_XSTATS_PORT, &vdev->port->drops[0])) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* IFLA_LINK resolved in the link netns, as the in-kernel drivers do. */
struct net_device *vmux_lower_from_tb(struct net *net, struct nlattr **tb,
				      struct netlink_ext_ack *extack)
{
	struct net_device *lower;

	if (!tb[IFLA_LINK]) {
		NL_SET_ERR_MSG_MOD(extack, "Lower device not specified (link DEV)");
		return ERR_PTR(-EINVAL);
	}
	lower = __dev_get_by_index(net, nla_get_u32(tb[IFLA_LINK]));
	if (!lower) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_LINK],
				    "Lower device does not exist");
		return ERR_PTR(-ENODEV);
	}
	return lower;
}

/* One class per kind, as 8021q and macvlan have their own: a macvlan on a
 * vlan nests two address-list locks, which lockdep must tell apart.
 */
bool vmux_lower_ns_capable(const struct net_device *lower)
{
	return ns_capable(dev_net(lower)->user_ns, CAP_NET_ADMIN);
}

/* The one gate for every change that reaches beyond the child itself: the
 * lower, the port or the other children. The caller may be root in a
 * container's user namespace that was handed one child of the host's NIC;
 * ipvlan's "disallow userns cap_net_admin to change global mode/flags"
 * generalised to every kind.
 */
int vmux_lower_capable(const struct net_device *lower, enum vmux_cap_op op,
		       struct netlink_ext_ack *extack)
{
	if (vmux_lower_ns_capable(lower))
		return 0;
	switch (op) {
	case VMUX_CAP_NEW_CHILD:
		NL_SET_ERR_MSG_MOD(extack,
				   "Creating a device on this lower needs CAP_NET_ADMIN in the lower device's netns");
		break;
	case VMUX_CAP_IPVLAN_PORT:
		NL_SET_ERR_MSG_MOD(extack,
				   "Changing ipvlan mode or flags needs CAP_NET_ADMIN in the lower device's netns");
		break;
	case VMUX_CAP_MACVLAN_PORT:
		NL_SET_ERR_MSG_MOD(extack,
				   "Changing bcqueuelen or bclim needs CAP_NET_ADMIN in the lower device's netns");
		break;
	case VMUX_CAP_MACVLAN_SOURCE:
		NL_SET_ERR_MSG_MOD(extack,
				   "Mode source and its MAC list need CAP_NET_ADMIN in the lower device's netns");
		break;
	case VMUX_CAP_MACVLAN_FLAGS:
		NL_SET_ERR_MSG_MOD(extack,
				   "Changing macvlan flags needs CAP_NET_ADMIN in the lower device's netns");
		break;
	}
	return -EPERM;
}

static struct lock_class_key vmux_xmit_lock_key;
static struct lock_class_key vmux_addr_lock_keys[__VMUX_T_MAX];

static void vmux_set_lockdep_one(struct net_device *dev,
				 struct netdev_queue *txq, void *unused)
{
	lockdep_set_class(&txq->_xmit_lock, &vmux_xmit_lock_key);
}

/* ndo_init of every kind: runs inside register_netdevice. */
int vmux_dev_common_init(struct net_device *dev)
{
	struct vmux_dev *vdev = vmux_priv(dev);

	vdev->stats = netdev_alloc_pcpu_stats(struct vmux_pcpu_stats);
	if (!vdev->stats)
		return -ENOMEM;
	/* Sub-devices nest above their lower: their own lock classes. */
	lockdep_set_class(&dev->addr_list_lock, &vmux_addr_lock_keys[vdev->kind]);
	netdev_for_each_tx_queue(dev, vmux_set_lockdep_one, NULL);
	netdev_hold(vdev->lower, &vdev->lower_tracker, GFP_KERNEL);
	vdev->port->nr_children++;
	/* From here on, any failure of register_netdevice() runs ndo_uninit
	 * and priv_destructor itself: vmux_attach() must not unwind again.
	 */
	vdev->init_done = true;
	return 0;
}

/* Also run by register_netdevice() when it fails after ndo_init. */
void vmux_dev_common_uninit(struct net_device *dev)
{
	struct vmux_dev *vdev = vmux_priv(dev);

	vdev->port->nr_children--;
	vmux_port_put_unused(vdev->port);
}

/* priv_destructor: the last reference on @dev is gone, so is every user of
 * vdev->lower; only now may the lower go (the order CVE-2021-47555 taught).
 */
static void vmux_dev_free(struct net_device *dev)
{
	struct vmux_dev *vdev = vmux_priv(dev);

	free_percpu(vdev->stats);
	netdev_put(vdev->lower, &vdev->lower_tracker);
}

/* The feature inheritance macvlan and ipvlan share (not vlan's). */
void vmux_inherit_features(struct net_device *dev, struct net_device *lower,
			   netdev_features_t mask, netdev_features_t offloads,
			   netdev_features_t always_on)
{
	dev->features = (lower->features & mask) | always_on;
	dev->vlan_features = (lower->vlan_features & mask) | offloads;
	dev->hw_enc_features |= dev->features;
	netif_inherit_tso_max(dev, lower);
	dev->hard_header_len = lower->hard_header_len;
	dev->needed_headroom = lower->needed_headroom;
	dev->needed_tailroom = lower->needed_tailroom;
}

/* netif_stacked_transfer_operstate() that leaves a device held down by
 * protodown without carrier. The core's (6.1 to 6.18 at least) turns the
 * carrier on whenever the lower has one, so a flap of the lower brought a
 * protodown macvlan back up; this is the fix proposed upstream ("net:
 * retain NOCARRIER on protodown interfaces", 2024), not merged there.
 */
void vmux_transfer_operstate(const struct net_device *lower,
			     struct net_device *dev)
{
	if (lower->operstate == IF_OPER_DORMANT)
		netif_dormant_on(dev);
	else
		netif_dormant_off(dev);

	if (lower->operstate == IF_OPER_TESTING)
		netif_testing_on(dev);
	else
		netif_testing_off(dev);

	if (netif_carrier_ok(lower) && !dev->proto_down)
		netif_carrier_on(dev);
	else
		netif_carrier_off(dev);
}

/* Lower events macvlan and ipvlan handle alike: operstate and offloads
 * follow the lower.
 */
void vmux_stacked_lower_event(struct vmux_dev *vdev, unsigned long event)
{
	struct net_device *dev = vdev->dev, *lower = vdev->lower;

	switch (event) {
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
		vmux_transfer_operstate(lower, dev);
		break;
	case NETDEV_FEAT_CHANGE:
		netif_inherit_tso_max(dev, lower);
		dev->needed_headroom = lower->needed_headroom;
		dev->needed_tailroom = lower->needed_tailroom;
		netdev_update_features(dev);
		break;
	}
}

/* IFF_ALLMULTI and IFF_PROMISC of a child (those in @mask: the kind's) are
 * counts it holds on the lower exactly while it is up: taken by ndo_open,
 * given back by ndo_stop, moved by ndo_change_rx_flags only while IFF_UP,
 * since the core calls that on a down device too. A netns move and a delete
 * close the device first, so the lower's counts come back whatever the order
 * of up, down, flag changes, moves and deletes. This is macvlan's rule; 6.1's
 * 8021q (which pushes the flags while down and never takes them back) and
 * ipvlan (which never takes back ALLMULTI) leak on delete.
 */
int vmux_rx_flags_open(struct vmux_dev *vdev, unsigned int mask)
{
	unsigned int flags = vdev->dev->flags & mask;
	int err;

	if (flags & IFF_ALLMULTI) {
		err = dev_set_allmulti(vdev->lower, 1);
		if (err < 0)
			return err;
	}
	if (flags & IFF_PROMISC) {
		err = dev_set_promiscuity(vdev->lower, 1);
		if (err < 0) {
			if (flags & IFF_ALLMULTI)
				dev_set_allmulti(vdev->lower, -1);
			return err;
		}
	}
	return 0;
}

void vmux_rx_flags_stop(struct vmux_dev *vdev, unsigned int mask)
{
	unsigned int flags = vdev->dev->flags & mask;

	if (flags & IFF_ALLMULTI)
		dev_set_allmulti(vdev->lower, -1);
	if (flags & IFF_PROMISC)
		dev_set_promiscuity(vdev->lower, -1);
}

void vmux_rx_flags_change(struct vmux_dev *vdev, int change, unsigned int mask)
{
	struct net_device *dev = vdev->dev;

	if (!(dev->flags & IFF_UP))
		return;
	change &= mask;
	if (change & IFF_ALLMULTI)
		dev_set_allmulti(vdev->lower, dev->flags & IFF_ALLMULTI ? 1 : -1);
	if (change & IFF_PROMISC)
		dev_set_promiscuity(vdev->lower, dev->flags & IFF_PROMISC ? 1 : -1);
}

void vmux_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->priv_flags |= IFF_NO_QUEUE | IFF_UNICAST_FLT;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	vmux_set_lltx(dev);
	netif_keep_dst(dev);
	dev->needs_free_netdev = true;
	dev->priv_destructor = vmux_dev_free;
	dev->ethtool_ops = &vmux_ethtool_ops;
	dev->max_mtu = ETH_MAX_MTU;
}

/* Register @vdev->dev on its lower and publish it in the port tables last,
 * once nothing can fail any more.
 */
int vmux_attach(struct vmux_dev *vdev, const struct vmux_kind_ops *ops,
		struct netlink_ext_ack *extack)
{
	struct net_device *dev = vdev->dev;
	struct vmux_port *port;
	int err;

	err = vmux_lower_capable(vdev->lower, VMUX_CAP_NEW_CHILD, extack);
	if (err)
		return err;
	port = vmux_port_get(vdev->lower, extack);
	if (IS_ERR(port))
		return PTR_ERR(port);
	vdev->port = port;

	err = register_netdevice(dev);
	if (err) {
		/* The core's own unwind (ndo_uninit) dropped the port already
		 * if ndo_init got that far; it may be gone now.
		 */
		if (!vdev->init_done)
			vmux_port_put_unused(port);
		vdev->port = NULL;
		return err;
	}
	err = netdev_upper_dev_link(vdev->lower, dev, extack);
	if (err)
		goto unregister;
	err = ops->add_keys(vdev, extack);
	if (err)
		goto unlink;

	list_add_tail_rcu(&vdev->list, &port->children);
	WRITE_ONCE(port->count[vdev->kind], port->count[vdev->kind] + 1);
	vmux_transfer_operstate(vdev->lower, dev);
	return 0;

unlink:
	netdev_upper_dev_unlink(vdev->lower, dev);
unregister:
	/* ndo_uninit drops the port; the core frees dev after the grace period */
	unregister_netdevice(dev);
	return err;
}

static void vmux_dellink(struct net_device *dev, struct list_head *head)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	struct vmux_port *port = vdev->port;

	/* Off the list first: del_keys may change the lower (passthru MAC
	 * restore), whose events must no longer reach this child.
	 */
	list_del_rcu(&vdev->list);
	WRITE_ONCE(port->count[vdev->kind], port->count[vdev->kind] - 1);
	vmux_kind_ops(vdev->kind)->del_keys(vdev);
	netdev_upper_dev_unlink(vdev->lower, dev);
	unregister_netdevice_queue(dev, head);
}

/* What the core lets the caller do on the child (CAP_NET_ADMIN in the
 * child's netns) says nothing about the lower, which may be the host's NIC
 * while the child sits in a container. Forwarded: what the in-kernel
 * counterpart forwards (8021q: MII and timestamping; macvlan: timestamping
 * only), and a change of the lower only for a caller with CAP_NET_ADMIN
 * over the lower's netns (8021q and macvlan want init_net instead).
 */
int vmux_eth_ioctl(struct net_device *dev, struct ifreq *ifr, int cmd)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	struct net_device *lower = vdev->lower;
	const struct net_device_ops *ops = lower->netdev_ops;
	struct ifreq ifrr;
	int err = -EOPNOTSUPP;

	strscpy_pad(ifrr.ifr_name, lower->name, IFNAMSIZ);
	ifrr.ifr_ifru = ifr->ifr_ifru;

	switch (cmd) {
	case SIOCGMIIPHY:
	case SIOCGMIIREG:
	case SIOCSMIIREG:
		if (vdev->kind != VMUX_T_VLAN)
			return -EOPNOTSUPP;
		if (cmd == SIOCSMIIREG && !vmux_lower_ns_capable(lower))
			return -EPERM;
		break;
	case SIOCSHWTSTAMP:	/* before 6.6; then vmux_hwtstamp_set() */
		if (!vmux_lower_ns_capable(lower))
			return -EPERM;
		break;
	case SIOCGHWTSTAMP:
		break;
	default:
		return -EOPNOTSUPP;
	}
	if (netif_device_present(lower) && ops->ndo_eth_ioctl)
		err = ops->ndo_eth_ioctl(lower, &ifrr, cmd);
	if (!err)
		ifr->ifr_ifru = ifrr.ifr_ifru;
	return err;
}

/* Hardware time stamping from 6.6 on: the core asks these, no longer
 * ndo_eth_ioctl, and they ask the lower through whichever interface its
 * driver has, as 8021q and macvlan do. A change needs CAP_NET_ADMIN over
 * the lower's netns, as in vmux_eth_ioctl().
 */
int vmux_hwtstamp_get(struct net_device *dev,
		      struct kernel_hwtstamp_config *cfg)
{
	return generic_hwtstamp_get_lower(vmux_priv(dev)->lower, cfg);
}

int vmux_hwtstamp_set(struct net_device *dev,
		      struct kernel_hwtstamp_config *cfg,
		      struct netlink_ext_ack *extack)
{
	struct net_device *lower = vmux_priv(dev)->lower;

	if (!vmux_lower_ns_capable(lower))
		return -EPERM;
	return generic_hwtstamp_set_lower(lower, cfg, extack);
}

static void vmux_ethtool_get_drvinfo(struct net_device *dev,
				     struct ethtool_drvinfo *info)
{
	strscpy(info->driver, dev->rtnl_link_ops->kind, sizeof(info->driver));
	strscpy(info->version, VMUX_VERSION, sizeof(info->version));
	strscpy(info->fw_version, "N/A", sizeof(info->fw_version));
}

static int vmux_ethtool_get_link_ksettings(struct net_device *dev,
					   struct ethtool_link_ksettings *cmd)
{
	return __ethtool_get_link_ksettings(vmux_priv(dev)->lower, cmd);
}

static int vmux_ethtool_get_ts_info(struct net_device *dev,
				    struct kernel_ethtool_ts_info *info)
{
	return ethtool_get_ts_info_by_layer(vmux_priv(dev)->lower, info);
}

const struct ethtool_ops vmux_ethtool_ops = {
	.get_drvinfo		= vmux_ethtool_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_link_ksettings	= vmux_ethtool_get_link_ksettings,
	.get_ts_info		= vmux_ethtool_get_ts_info,
};

/* What every kind's rtnl_link_ops has in common, filled in before
 * registration so the three tables cannot drift apart.
 */
void vmux_link_ops_init(struct rtnl_link_ops *ops)
{
	ops->priv_size = sizeof(struct vmux_dev);
	ops->dellink = vmux_dellink;
	ops->get_link_net = vmux_get_link_net;
	ops->get_xstats_size = vmux_get_xstats_size;
	ops->fill_xstats = vmux_fill_xstats;
}

#ifdef CONFIG_NET_POLL_CONTROLLER
/* netconsole on a child: the frame goes straight to the lower's netpoll,
 * uncounted, as 8021q and macvlan do (this may run in any context).
 */
netdev_tx_t vmux_netpoll_xmit(struct vmux_dev *vdev, struct sk_buff *skb)
{
	skb->dev = vdev->lower;
	return netpoll_send_skb(vdev->netpoll, skb);
}

void vmux_poll_controller(struct net_device *dev)
{
}

int vmux_netpoll_setup(struct net_device *dev, struct netpoll_info *npinfo)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	struct netpoll *netpoll;
	int err;

	netpoll = kzalloc(sizeof(*netpoll), GFP_KERNEL);
	if (!netpoll)
		return -ENOMEM;
	err = __netpoll_setup(netpoll, vdev->lower);
	if (err) {
		kfree(netpoll);
		return err;
	}
	vdev->netpoll = netpoll;
	return 0;
}

void vmux_netpoll_cleanup(struct net_device *dev)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	struct netpoll *netpoll = vdev->netpoll;

	if (!netpoll)
		return;
	vdev->netpoll = NULL;
	__netpoll_free(netpoll);
}
#endif
