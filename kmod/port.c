// SPDX-License-Identifier: GPL-2.0
/*
 * The port: one per lower device, shared by every vmux kind. It owns the
 * lower's rx_handler and the demux tables, and turns lower device events
 * into each kind's rule.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>

#include "vmux.h"

static rx_handler_result_t vmux_port_rx(struct sk_buff **pskb);

bool vmux_is_port(const struct net_device *dev)
{
	return rcu_access_pointer(dev->rx_handler) == vmux_port_rx;
}

struct vmux_port *vmux_port_rtnl(const struct net_device *dev)
{
	return vmux_is_port(dev) ? rtnl_dereference(dev->rx_handler_data) : NULL;
}

void vmux_port_drop(struct vmux_port *port, enum vmux_drop_reason reason)
{
	this_cpu_inc(port->drops[reason]);
}

/* Can @lower carry a vmux port? Same rules as the in-kernel macvlan. */
int vmux_lower_check(struct net_device *lower, struct netlink_ext_ack *extack)
{
	if (lower->type != ARPHRD_ETHER || lower->flags & IFF_LOOPBACK) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Lower device is a loopback or not Ethernet");
		return -EINVAL;
	}
	if (vmux_is_port(lower))
		return 0;
	if (lower->priv_flags & IFF_NO_RX_HANDLER) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Lower device cannot carry sub-devices (it is an ipvlan device)");
		return -EINVAL;
	}
	if (netdev_is_rx_handler_busy(lower)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Lower device is already in use by another driver (bridge, bond, team, macvlan, ipvlan, ...)");
		return -EBUSY;
	}
	return 0;
}

/* Broadcast queue entries remember the kind and local sender (held). */
struct vmux_bc_cb {
	struct vmux_dev *src;
	u8 kind;
	bool tx;
};

#define VMUX_BC_CB(skb) ((struct vmux_bc_cb *)&((skb)->cb[0]))

/* One bounded queue per port for every kind's group delivery: the clones
 * are made in a worker, never in the softirq of the frame. False: the
 * queue was full, @skb is freed and the drop counted.
 */
bool vmux_port_bc_enqueue(struct vmux_port *port, struct sk_buff *skb,
			  struct net_device *rxdev, struct vmux_dev *src,
			  enum vmux_kind kind, bool tx, u32 limit)
{
	bool queued = false;

	VMUX_BC_CB(skb)->src = src;
	VMUX_BC_CB(skb)->kind = kind;
	VMUX_BC_CB(skb)->tx = tx;

	spin_lock(&port->bc_queue.lock);
	if (skb_queue_len(&port->bc_queue) < limit) {
		if (src)
			dev_hold(src->dev);
		__skb_queue_tail(&port->bc_queue, skb);
		queued = true;
	}
	spin_unlock(&port->bc_queue.lock);

	if (queued) {
		queue_work(system_unbound_wq, &port->bc_work);
		return true;
	}
	/* As macvlan/ipvlan, on the receiving device; by reason on the port
	 * (once a frame) and on every child that would have had a copy (the
	 * in-kernel drivers count it on the lower only).
	 */
	dev_core_stats_rx_dropped_inc(rxdev);
	vmux_port_drop(port, VMUX_DROP_BC_QUEUE_FULL);
	if (src)
		this_cpu_inc(src->stats->drops[VMUX_DROP_BC_QUEUE_FULL]);
	vmux_kind_ops(kind)->bc_lost(port, skb, src, tx);
	kfree_skb(skb);
	return false;
}

static void vmux_port_bc_work(struct work_struct *w)
{
	struct vmux_port *port = container_of(w, struct vmux_port, bc_work);
	struct sk_buff_head list;
	struct sk_buff *skb;

	__skb_queue_head_init(&list);
	spin_lock_bh(&port->bc_queue.lock);
	skb_queue_splice_tail_init(&port->bc_queue, &list);
	spin_unlock_bh(&port->bc_queue.lock);

	while ((skb = __skb_dequeue(&list))) {
		struct vmux_dev *src = VMUX_BC_CB(skb)->src;

		local_bh_disable();
		vmux_kind_ops(VMUX_BC_CB(skb)->kind)->bc_deliver(port, skb, src,
								 VMUX_BC_CB(skb)->tx);
		local_bh_enable();
		if (src)
			dev_put(src->dev);
		cond_resched();
	}
}

static void vmux_port_bc_purge(struct vmux_port *port)
{
	struct sk_buff *skb;

	while ((skb = skb_dequeue(&port->bc_queue))) {
		if (VMUX_BC_CB(skb)->src)
			dev_put(VMUX_BC_CB(skb)->src->dev);
		kfree_skb(skb);
	}
}

static void vmux_port_free(struct vmux_port *port)
{
	int p, b;

	/* The rx_handler is gone: nothing queues any more. */
	cancel_work_sync(&port->bc_work);
	vmux_port_bc_purge(port);
	vmux_ipvlan_port_free(port);

	vmux_macvlan_port_free(port);
	for (p = 0; p < VMUX_VLAN_PROTO_NUM; p++)
		for (b = 0; b < VMUX_VLAN_BLOCKS; b++)
			kfree(port->vlans[p][b]);
	free_percpu(port->drops);
	kfree(port);
}

/* The port of @lower, created with the first child of any kind. */
struct vmux_port *vmux_port_get(struct net_device *lower,
				struct netlink_ext_ack *extack)
{
	struct vmux_port *port;
	int err;

	ASSERT_RTNL();
	port = vmux_port_rtnl(lower);
	if (port && port->passthru) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Lower device is taken by a passthru vmux_macvlan device");
		return ERR_PTR(-EBUSY);
	}
	if (port)
		return port;

	err = vmux_lower_check(lower, extack);
	if (err)
		return ERR_PTR(err);

	port = kzalloc(sizeof(*port), GFP_KERNEL_ACCOUNT);
	if (!port)
		return ERR_PTR(-ENOMEM);
	port->drops = __alloc_percpu(sizeof(*port->drops) * __VMUX_DROP_MAX,
				     __alignof__(*port->drops));
	if (!port->drops) {
		kfree(port);
		return ERR_PTR(-ENOMEM);
	}
	port->dev = lower;
	INIT_LIST_HEAD(&port->children);
	skb_queue_head_init(&port->bc_queue);
	INIT_WORK(&port->bc_work, vmux_port_bc_work);
	err = vmux_macvlan_port_init(port);
	if (!err) {
		err = vmux_ipvlan_port_init(port);
		if (err)
			vmux_macvlan_port_free(port);
	}
	if (err) {
		free_percpu(port->drops);
		kfree(port);
		return ERR_PTR(err);
	}

	err = netdev_rx_handler_register(lower, vmux_port_rx, port);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "Cannot attach to the lower device");
		vmux_port_free(port);
		return ERR_PTR(err);
	}
	return port;
}

/* Frees the port once its last child is gone. */
void vmux_port_put_unused(struct vmux_port *port)
{
	ASSERT_RTNL();
	if (port->nr_children)
		return;
	/* Waits for every rx_handler run that may still see the port. */
	netdev_rx_handler_unregister(port->dev);
	vmux_port_free(port);
}

/* Demux in the order of DESIGN.md: VLAN tag, MAC, then IP for frames to the
 * lower's MAC, and everything else to the lower's own stack. A tagged frame
 * no vmux_vlan takes still goes through the MAC step: VLANs stacked on a
 * macvlan.
 */
static rx_handler_result_t vmux_port_rx(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct vmux_port *port;
	rx_handler_result_t res;

	if (unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;

	port = rcu_dereference(skb->dev->rx_handler_data);

	if (skb_vlan_tag_present(skb) && READ_ONCE(port->count[VMUX_T_VLAN])) {
		res = vmux_vlan_rx(port, pskb);
		if (res != RX_HANDLER_PASS)
			return res;
		skb = *pskb;
	}
	if (READ_ONCE(port->count[VMUX_T_MACVLAN])) {
		res = vmux_macvlan_rx(port, pskb);
		if (res != RX_HANDLER_PASS)
			return res;
		skb = *pskb;
	}
	if (READ_ONCE(port->count[VMUX_T_IPVLAN])) {
		res = vmux_ipvlan_rx(port, pskb);
		if (res != RX_HANDLER_PASS)
			return res;
		skb = *pskb;
	}
	/* Last, as the core strips an 802.1p priority tag after the
	 * rx_handler: the inner tag's vmux_vlan, if any.
	 */
	if (skb_vlan_tag_present(skb) && !skb_vlan_tag_get_id(skb) &&
	    eth_type_vlan(skb->protocol) && READ_ONCE(port->count[VMUX_T_VLAN])) {
		res = vmux_vlan_rx_priority(port, pskb);
		if (res != RX_HANDLER_PASS)
			return res;
		skb = *pskb;
	}
	/* The core drops a tagged frame nobody took (OTHERHOST); group
	 * frames macvlans or ipvlans may have taken from the queue are not
	 * counted.
	 */
	if (skb_vlan_tag_present(skb) && skb_vlan_tag_get_id(skb) &&
	    !((READ_ONCE(port->count[VMUX_T_MACVLAN]) ||
	       READ_ONCE(port->count[VMUX_T_IPVLAN])) &&
	      is_multicast_ether_addr(eth_hdr(skb)->h_dest)))
		vmux_port_drop(port, VMUX_DROP_NO_CHILD);
	return RX_HANDLER_PASS;
}

static int vmux_port_upper_check(struct vmux_port *port,
				 struct netdev_notifier_changeupper_info *info)
{
	struct netlink_ext_ack *extack = netdev_notifier_info_to_extack(&info->info);
	enum vmux_kind kind;
	int err;

	if (!info->linking)
		return 0;
	for (kind = 0; kind < __VMUX_T_MAX; kind++) {
		const struct vmux_kind_ops *ops = vmux_kind_ops(kind);

		if (!port->count[kind] || !ops->lower_upper_check)
			continue;
		err = ops->lower_upper_check(port, info->upper_dev, extack);
		if (err)
			return err;
	}
	return 0;
}

static void vmux_port_kill_all(struct vmux_port *port)
{
	struct vmux_dev *vdev, *tmp;
	LIST_HEAD(kill);

	/* The last child's ndo_uninit frees the port: do not touch it after. */
	list_for_each_entry_safe(vdev, tmp, &port->children, list)
		vdev->dev->rtnl_link_ops->dellink(vdev->dev, &kill);
	unregister_netdevice_many(&kill);
}

static bool vmux_is_child(const struct net_device *dev)
{
	enum vmux_kind kind;

	for (kind = 0; kind < __VMUX_T_MAX; kind++)
		if (dev->rtnl_link_ops == vmux_kind_ops(kind)->link_ops)
			return true;
	return false;
}

/* NETDEV_CHANGE follows every protodown change (do_setlink(), under RTNL).
 * "protodown off" turns the carrier on whatever the lower's (6.1 to 6.18
 * at least): the child takes the lower's again.
 */
static void vmux_child_change(struct net_device *dev)
{
	if (!vmux_can_change_proto_down(dev) ||
	    !(dev->flags & IFF_UP) || !vmux_is_child(dev))
		return;
	vmux_transfer_operstate(vmux_priv(dev)->lower, dev);
}

static int vmux_netdev_event(struct notifier_block *nb, unsigned long event,
			     void *ptr)
{
	struct net_device *lower = netdev_notifier_info_to_dev(ptr);
	struct vmux_port *port = vmux_port_rtnl(lower);
	struct vmux_dev *vdev, *tmp;
	LIST_HEAD(close_list);

	/* A child's own event first: it may be a lower too. */
	if (event == NETDEV_CHANGE)
		vmux_child_change(lower);
	if (!port)
		return NOTIFY_DONE;

	switch (event) {
	case NETDEV_PRE_TYPE_CHANGE:
		/* Children assume an Ethernet lower. */
		return NOTIFY_BAD;
	case NETDEV_PRECHANGEUPPER:
		return notifier_from_errno(vmux_port_upper_check(port, ptr));
	case NETDEV_PRE_CHANGEADDR:
		return notifier_from_errno(vmux_ipvlan_pre_changeaddr(port, ptr));
	case NETDEV_REGISTER:
		/* The lower arrived in another netns: port state follows. */
		vmux_ipvlan_port_event(port, event);
		break;
	case NETDEV_UNREGISTER:
		/* A netns move of the lower unregisters it too: keep all. */
		if (lower->reg_state != NETREG_UNREGISTERING)
			break;
		vmux_port_kill_all(port);
		break;
	case NETDEV_NOTIFY_PEERS:
	case NETDEV_BONDING_FAILOVER:
	case NETDEV_RESEND_IGMP:
		/* Each child announces itself too, as 8021q/macvlan/ipvlan do. */
		list_for_each_entry(vdev, &port->children, list)
			call_netdevice_notifiers(event, vdev->dev);
		break;
	case NETDEV_UP:
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
	case NETDEV_CHANGEMTU:
	case NETDEV_CHANGEADDR:
	case NETDEV_FEAT_CHANGE:
		/* Only these: walking every child on each CHANGEUPPER made
		 * adding N children cost O(N^2).
		 */
		list_for_each_entry_safe(vdev, tmp, &port->children, list)
			vmux_kind_ops(vdev->kind)->lower_event(vdev, event,
							       &close_list);
		if (list_empty(&close_list))
			break;
		dev_close_many(&close_list, false);
		list_for_each_entry_safe(vdev, tmp, &port->children, list) {
			if (list_empty(&vdev->dev->close_list))
				continue;
			list_del_init(&vdev->dev->close_list);
			vmux_transfer_operstate(lower, vdev->dev);
		}
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block vmux_notifier = {
	.notifier_call = vmux_netdev_event,
};

int vmux_port_init(void)
{
	return register_netdevice_notifier(&vmux_notifier);
}

void vmux_port_exit(void)
{
	unregister_netdevice_notifier(&vmux_notifier);
}
