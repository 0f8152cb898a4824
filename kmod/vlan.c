// SPDX-License-Identifier: GPL-2.0
/*
 * vmux_vlan: 802.1Q / 802.1ad sub-devices, demuxed by the port from the
 * tag the core already moved into skb->vlan_tci. Behaviour follows the
 * in-kernel 8021q driver (net/8021q/) unless a comment says otherwise.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/netdevice.h>
#include <linux/netpoll.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <net/rtnetlink.h>

#include "vmux.h"

enum {
	VMUX_VLAN_KNOWN_FLAGS = VMUX_VLAN_FLAG_REORDER_HDR |
				VMUX_VLAN_FLAG_GVRP |
				VMUX_VLAN_FLAG_LOOSE_BINDING |
				VMUX_VLAN_FLAG_MVRP |
				VMUX_VLAN_FLAG_BRIDGE_BINDING,
	/* GVRP/MVRP need 8021q's applicant state, bridge_binding needs the
	 * bridge to recognise the device as a vlan (IFF_802_1Q_VLAN, which we
	 * must not set): a clone cannot provide them.
	 */
	VMUX_VLAN_UNSUPPORTED_FLAGS = VMUX_VLAN_FLAG_GVRP |
				      VMUX_VLAN_FLAG_MVRP |
				      VMUX_VLAN_FLAG_BRIDGE_BINDING,
};

/* Tag insertion offered to upper devices, always on: an upper vlan's tag
 * must reach vmux_vlan_xmit() as metadata, to go inside ours. Without it
 * the core puts it in front of everything (validate_xmit_vlan()), in front
 * of our in-band tag too (reorder_hdr off).
 */
#define VMUX_VLAN_UPPER_TAGS	(NETIF_F_HW_VLAN_CTAG_TX | NETIF_F_HW_VLAN_STAG_TX)

static struct rtnl_link_ops vmux_vlan_link_ops;

/* ---- the port's VLAN table ------------------------------------------- */

static int vmux_vlan_proto_idx(__be16 proto)
{
	switch (proto) {
	case htons(ETH_P_8021Q):
		return VMUX_VLAN_PROTO_8021Q;
	case htons(ETH_P_8021AD):
		return VMUX_VLAN_PROTO_8021AD;
	default:
		return -1;
	}
}

static struct vmux_dev __rcu **vmux_vlan_slot(struct vmux_port *port,
					      __be16 proto, u16 vid)
{
	struct vmux_dev __rcu **block;
	int p = vmux_vlan_proto_idx(proto);

	if (p < 0)
		return NULL;
	/* Pairs with smp_store_release() in vmux_vlan_add_keys(). */
	block = smp_load_acquire(&port->vlans[p][vid / VMUX_VLAN_BLOCK_LEN]);
	return block ? &block[vid % VMUX_VLAN_BLOCK_LEN] : NULL;
}

struct vmux_dev *vmux_vlan_lookup_rcu(struct vmux_port *port, __be16 proto,
				      u16 vid)
{
	struct vmux_dev __rcu **slot = vmux_vlan_slot(port, proto, vid);

	return slot ? rcu_dereference(*slot) : NULL;
}

static struct vmux_dev *vmux_vlan_lookup_rtnl(struct vmux_port *port,
					      __be16 proto, u16 vid)
{
	struct vmux_dev __rcu **slot = vmux_vlan_slot(port, proto, vid);

	return slot ? rtnl_dereference(*slot) : NULL;
}

static int vmux_vlan_add_keys(struct vmux_dev *vdev,
			      struct netlink_ext_ack *extack)
{
	struct vmux_vlan *v = &vdev->vlan;
	int p = vmux_vlan_proto_idx(v->proto);
	struct vmux_dev __rcu ***blockp;
	int err;

	blockp = &vdev->port->vlans[p][v->id / VMUX_VLAN_BLOCK_LEN];
	if (!*blockp) {
		struct vmux_dev __rcu **block;

		block = kcalloc(VMUX_VLAN_BLOCK_LEN, sizeof(*block),
				GFP_KERNEL_ACCOUNT);
		if (!block)
			return -ENOMEM;
		/* Pairs with smp_load_acquire() in vmux_vlan_slot(). */
		smp_store_release(blockp, block);
	}
	/* Without this, NICs filtering VIDs (rx-vlan-filter) drop our frames. */
	err = vlan_vid_add(vdev->lower, v->proto, v->id);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Lower device refused the VLAN id in its filter");
		return err;
	}
	rcu_assign_pointer((*blockp)[v->id % VMUX_VLAN_BLOCK_LEN], vdev);
	return 0;
}

static void vmux_vlan_del_keys(struct vmux_dev *vdev)
{
	struct vmux_vlan *v = &vdev->vlan;

	RCU_INIT_POINTER(*vmux_vlan_slot(vdev->port, v->proto, v->id), NULL);
	vlan_vid_del(vdev->lower, v->proto, v->id);
}

/* ---- QoS maps ------------------------------------------------------- */

static u16 vmux_vlan_egress_tci(const struct vmux_vlan *v, u32 prio)
{
	const struct vmux_qos_map *m;
	u16 tci = 0;

	if (!READ_ONCE(v->nr_egress))
		return 0;
	rcu_read_lock();
	hlist_for_each_entry_rcu(m, &v->egress[prio % VMUX_QOS_HASH], node) {
		if (m->priority == prio) {
			tci = READ_ONCE(m->tci);
			break;
		}
	}
	rcu_read_unlock();
	return tci;
}

static struct vmux_qos_map *vmux_vlan_egress_find(struct vmux_vlan *v, u32 prio)
{
	struct vmux_qos_map *m;

	hlist_for_each_entry(m, &v->egress[prio % VMUX_QOS_HASH], node)
		if (m->priority == prio)
			return m;
	return NULL;
}

static void vmux_vlan_free_egress(struct vmux_vlan *v)
{
	struct hlist_node *tmp;
	struct vmux_qos_map *m;
	int i;

	for (i = 0; i < VMUX_QOS_HASH; i++) {
		hlist_for_each_entry_safe(m, tmp, &v->egress[i], node) {
			hlist_del_rcu(&m->node);
			kfree_rcu(m, rcu);
		}
	}
	WRITE_ONCE(v->nr_egress, 0);
}

/* One egress mapping of a request, after the later ones for the same
 * priority overrode the earlier.
 */
struct vmux_qos_stage {
	u32 priority;
	u32 order;			/* position in the request */
	u16 tci;
	bool alloc;			/* @m is new */
	struct vmux_qos_map *m;		/* the entry to change, or new */
};

static int vmux_qos_stage_cmp(const void *a, const void *b)
{
	const struct vmux_qos_stage *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return x->order < y->order ? -1 : 1;
}

/* Stages the egress mappings of @nest: counts what the map would hold,
 * refuses more than VMUX_VLAN_MAX_EGRESS_QOS, allocates the new entries.
 * Returns the number of staged mappings, or an error with nothing changed.
 */
static int vmux_vlan_egress_stage(struct vmux_vlan *v, const struct nlattr *nest,
				  struct vmux_qos_stage **pstage,
				  struct netlink_ext_ack *extack)
{
	const struct vmux_vlan_qos_mapping *qm;
	struct vmux_qos_stage *stage, *st;
	unsigned int n = 0, k = 0, i, total;
	const struct nlattr *attr;
	int rem;

	nla_for_each_nested(attr, nest, rem)
		n++;
	*pstage = NULL;
	if (!n)
		return 0;
	stage = kvcalloc(n, sizeof(*stage), GFP_KERNEL);
	if (!stage)
		return -ENOMEM;
	nla_for_each_nested(attr, nest, rem) {
		qm = nla_data(attr);
		stage[k].priority = qm->from;
		stage[k].order = k;
		stage[k].tci = (qm->to << VLAN_PRIO_SHIFT) & VLAN_PRIO_MASK;
		k++;
	}
	/* The last mapping of a priority in the request wins, as in 8021q. */
	sort(stage, n, sizeof(*stage), vmux_qos_stage_cmp, NULL);
	for (i = 0, k = 0; i < n; i++) {
		if (i + 1 < n && stage[i + 1].priority == stage[i].priority)
			continue;
		stage[k++] = stage[i];
	}
	total = v->nr_egress;
	for (i = 0; i < k; i++) {
		st = &stage[i];
		st->m = vmux_vlan_egress_find(v, st->priority);
		if (st->m && !st->tci)
			total--;
		else if (!st->m && st->tci)
			total++;
	}
	if (total > VMUX_VLAN_MAX_EGRESS_QOS) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Egress QoS map is full (VMUX_VLAN_MAX_EGRESS_QOS = 1024)");
		kvfree(stage);
		return -ENOSPC;
	}
	for (i = 0; i < k; i++) {
		st = &stage[i];
		if (st->m || !st->tci)
			continue;
		st->m = kzalloc(sizeof(*st->m), GFP_KERNEL_ACCOUNT);
		if (!st->m)
			goto nomem;
		st->alloc = true;
	}
	*pstage = stage;
	return k;

nomem:
	while (i--)
		if (stage[i].alloc)
			kfree(stage[i].m);
	kvfree(stage);
	return -ENOMEM;
}

/* Cannot fail: a cleared mapping's entry goes (after a grace period), so
 * set/clear cycles cannot grow the map (8021q kept them until 6.1.y's
 * "delete cleared egress QoS mappings").
 */
static void vmux_vlan_egress_commit(struct vmux_vlan *v,
				    struct vmux_qos_stage *stage, int k)
{
	struct vmux_qos_stage *st;
	int i;

	for (i = 0; i < k; i++) {
		st = &stage[i];
		if (!st->m)
			continue;
		if (st->alloc) {
			st->m->priority = st->priority;
			st->m->tci = st->tci;
			hlist_add_head_rcu(&st->m->node,
					   &v->egress[st->priority % VMUX_QOS_HASH]);
			WRITE_ONCE(v->nr_egress, v->nr_egress + 1);
		} else if (st->tci) {
			WRITE_ONCE(st->m->tci, st->tci);
		} else {
			hlist_del_rcu(&st->m->node);
			kfree_rcu(st->m, rcu);
			WRITE_ONCE(v->nr_egress, v->nr_egress - 1);
		}
	}
}

static void vmux_vlan_set_ingress(struct vmux_vlan *v, u32 pcp, u32 prio)
{
	if (v->ingress[pcp] && !prio)
		v->nr_ingress--;
	else if (!v->ingress[pcp] && prio)
		v->nr_ingress++;
	WRITE_ONCE(v->ingress[pcp], prio);
}

static const struct nla_policy vmux_vlan_qos_policy[IFLA_VMUX_VLAN_QOS_MAX + 1] = {
	[IFLA_VMUX_VLAN_QOS_MAPPING] =
		NLA_POLICY_EXACT_LEN(sizeof(struct vmux_vlan_qos_mapping)),
};

static int vmux_vlan_validate_qos(const struct nlattr *nest, bool ingress,
				  struct netlink_ext_ack *extack)
{
	const struct vmux_vlan_qos_mapping *m;
	const struct nlattr *attr;
	int rem, err;

	err = nla_validate_nested(nest, IFLA_VMUX_VLAN_QOS_MAX,
				  vmux_vlan_qos_policy, extack);
	if (err)
		return err;
	nla_for_each_nested(attr, nest, rem) {
		if (nla_type(attr) != IFLA_VMUX_VLAN_QOS_MAPPING) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "Invalid QoS map entry");
			return -EINVAL;
		}
		m = nla_data(attr);
		/* 8021q masks the PCP to 3 bits silently; we refuse instead. */
		if (ingress && m->from > 7) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "Ingress QoS map FROM is a PCP: 0-7");
			return -ERANGE;
		}
		if (!ingress && m->to > 7) {
			NL_SET_ERR_MSG_ATTR(extack, attr,
					    "Egress QoS map TO is a PCP: 0-7");
			return -ERANGE;
		}
	}
	return 0;
}

/* ---- netlink -------------------------------------------------------- */

static const struct nla_policy vmux_vlan_policy[IFLA_VMUX_VLAN_MAX + 1] = {
	[IFLA_VMUX_VLAN_ID]		= { .type = NLA_U16 },
	[IFLA_VMUX_VLAN_FLAGS]		=
		NLA_POLICY_EXACT_LEN(sizeof(struct vmux_vlan_flags)),
	[IFLA_VMUX_VLAN_EGRESS_QOS]	= { .type = NLA_NESTED },
	[IFLA_VMUX_VLAN_INGRESS_QOS]	= { .type = NLA_NESTED },
	[IFLA_VMUX_VLAN_PROTOCOL]	= { .type = NLA_U16 },
};

static int vmux_vlan_validate(struct nlattr *tb[], struct nlattr *data[],
			      struct netlink_ext_ack *extack)
{
	const struct vmux_vlan_flags *f;
	int err;

	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "Invalid link address length");
			return -EINVAL;
		}
		if (!is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS]))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "Link address is not a valid unicast address");
			return -EADDRNOTAVAIL;
		}
	}
	if (!data) {
		NL_SET_ERR_MSG_MOD(extack, "VLAN properties not specified");
		return -EINVAL;
	}
	if (data[IFLA_VMUX_VLAN_PROTOCOL] &&
	    vmux_vlan_proto_idx(nla_get_be16(data[IFLA_VMUX_VLAN_PROTOCOL])) < 0) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VMUX_VLAN_PROTOCOL],
				    "Invalid VLAN protocol (802.1Q or 802.1ad)");
		return -EPROTONOSUPPORT;
	}
	if (data[IFLA_VMUX_VLAN_ID] &&
	    nla_get_u16(data[IFLA_VMUX_VLAN_ID]) >= VLAN_VID_MASK) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VMUX_VLAN_ID],
				    "Invalid VLAN id (0-4094)");
		return -ERANGE;
	}
	if (data[IFLA_VMUX_VLAN_FLAGS]) {
		f = nla_data(data[IFLA_VMUX_VLAN_FLAGS]);
		if ((f->flags | f->mask) & ~VMUX_VLAN_KNOWN_FLAGS) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VMUX_VLAN_FLAGS],
					    "Invalid VLAN flags");
			return -EINVAL;
		}
		if (f->flags & f->mask & VMUX_VLAN_UNSUPPORTED_FLAGS) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VMUX_VLAN_FLAGS],
					    "gvrp, mvrp and bridge_binding are not supported by vmux_vlan");
			return -EOPNOTSUPP;
		}
	}
	if (data[IFLA_VMUX_VLAN_INGRESS_QOS]) {
		err = vmux_vlan_validate_qos(data[IFLA_VMUX_VLAN_INGRESS_QOS],
					     true, extack);
		if (err)
			return err;
	}
	if (data[IFLA_VMUX_VLAN_EGRESS_QOS]) {
		err = vmux_vlan_validate_qos(data[IFLA_VMUX_VLAN_EGRESS_QOS],
					     false, extack);
		if (err)
			return err;
	}
	return 0;
}

/* Applies flags and QoS maps (validated already); fails only before it
 * changes anything.
 */
static int vmux_vlan_apply(struct vmux_dev *vdev, struct nlattr *data[],
			   struct netlink_ext_ack *extack)
{
	struct vmux_vlan *v = &vdev->vlan;
	const struct vmux_vlan_qos_mapping *m;
	struct vmux_qos_stage *stage = NULL;
	struct nlattr *attr;
	int rem, k = 0;

	if (data[IFLA_VMUX_VLAN_EGRESS_QOS]) {
		k = vmux_vlan_egress_stage(v, data[IFLA_VMUX_VLAN_EGRESS_QOS],
					   &stage, extack);
		if (k < 0)
			return k;
	}

	if (data[IFLA_VMUX_VLAN_FLAGS]) {
		const struct vmux_vlan_flags *f =
			nla_data(data[IFLA_VMUX_VLAN_FLAGS]);

		WRITE_ONCE(v->flags, (v->flags & ~f->mask) | (f->flags & f->mask));
	}
	if (data[IFLA_VMUX_VLAN_INGRESS_QOS]) {
		nla_for_each_nested(attr, data[IFLA_VMUX_VLAN_INGRESS_QOS], rem) {
			m = nla_data(attr);
			vmux_vlan_set_ingress(v, m->from, m->to);
		}
	}
	vmux_vlan_egress_commit(v, stage, k);
	kvfree(stage);
	return 0;
}

static int vmux_vlan_check_lower(struct net_device *lower, __be16 proto,
				 u16 vid, struct netlink_ext_ack *extack)
{
	struct vmux_port *port;
	bool taken;
	int err;

	err = vmux_lower_check(lower, extack);
	if (err)
		return err;
	if (lower->features & NETIF_F_VLAN_CHALLENGED) {
		NL_SET_ERR_MSG_MOD(extack, "VLANs not supported on the lower device");
		return -EOPNOTSUPP;
	}
	port = vmux_port_rtnl(lower);
	if (port && vmux_vlan_lookup_rtnl(port, proto, vid)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "VLAN id already used on this lower by a vmux_vlan device");
		return -EEXIST;
	}
	/* 8021q's vlan_do_receive() runs before any rx_handler: it would win. */
	rcu_read_lock();
	taken = __vlan_find_dev_deep_rcu(lower, proto, vid);
	rcu_read_unlock();
	if (taken) {
		NL_SET_ERR_MSG_MOD(extack,
				   "VLAN id already used on this lower by an 8021q vlan device");
		return -EEXIST;
	}
	return 0;
}

static int vmux_vlan_newlink(struct net *src_net, struct net_device *dev,
			     struct nlattr *tb[], struct nlattr *data[],
			     struct netlink_ext_ack *extack)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	struct vmux_vlan *v = &vdev->vlan;
	struct net_device *lower;
	int err;

	if (!data[IFLA_VMUX_VLAN_ID]) {
		NL_SET_ERR_MSG_MOD(extack, "VLAN id not specified");
		return -EINVAL;
	}
	lower = vmux_lower_from_tb(src_net, tb, extack);
	if (IS_ERR(lower))
		return PTR_ERR(lower);

	v->id = nla_get_u16(data[IFLA_VMUX_VLAN_ID]);
	v->proto = data[IFLA_VMUX_VLAN_PROTOCOL] ?
		   nla_get_be16(data[IFLA_VMUX_VLAN_PROTOCOL]) :
		   htons(ETH_P_8021Q);
	v->flags = VMUX_VLAN_FLAG_REORDER_HDR;

	err = vmux_vlan_check_lower(lower, v->proto, v->id, extack);
	if (err)
		return err;

	if (!tb[IFLA_MTU]) {
		dev->mtu = lower->mtu;
	} else if (dev->mtu > lower->mtu) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_MTU],
				    "MTU exceeds the lower device's MTU");
		return -ERANGE;
	}

	vdev->dev = dev;
	vdev->lower = lower;
	vdev->kind = VMUX_T_VLAN;

	err = vmux_vlan_apply(vdev, data, extack);
	if (err)
		return err;
	err = vmux_attach(vdev, &vmux_vlan_kind, extack);
	if (err)
		vmux_vlan_free_egress(v);	/* idempotent with ndo_uninit */
	return err;
}

static int vmux_vlan_changelink(struct net_device *dev, struct nlattr *tb[],
				struct nlattr *data[],
				struct netlink_ext_ack *extack)
{
	struct vmux_vlan *v = &vmux_priv(dev)->vlan;

	if (!data)
		return 0;
	/* 8021q ignores these silently; say no instead. */
	if (data[IFLA_VMUX_VLAN_ID] &&
	    nla_get_u16(data[IFLA_VMUX_VLAN_ID]) != v->id) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VMUX_VLAN_ID],
				    "VLAN id cannot be changed");
		return -EOPNOTSUPP;
	}
	if (data[IFLA_VMUX_VLAN_PROTOCOL] &&
	    nla_get_be16(data[IFLA_VMUX_VLAN_PROTOCOL]) != v->proto) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VMUX_VLAN_PROTOCOL],
				    "VLAN protocol cannot be changed");
		return -EOPNOTSUPP;
	}
	return vmux_vlan_apply(vmux_priv(dev), data, extack);
}

static size_t vmux_vlan_qos_size(unsigned int n)
{
	return n ? nla_total_size(0) +
		   n * nla_total_size(sizeof(struct vmux_vlan_qos_mapping)) : 0;
}

static size_t vmux_vlan_get_size(const struct net_device *dev)
{
	const struct vmux_vlan *v = &vmux_priv(dev)->vlan;

	/* A full map still fits one attribute (a u16 length). */
	BUILD_BUG_ON(nla_total_size(0) + VMUX_VLAN_MAX_EGRESS_QOS *
		     nla_total_size(sizeof(struct vmux_vlan_qos_mapping)) >
		     U16_MAX / 2);

	return nla_total_size(2) +	/* IFLA_VMUX_VLAN_PROTOCOL */
	       nla_total_size(2) +	/* IFLA_VMUX_VLAN_ID */
	       nla_total_size(sizeof(struct vmux_vlan_flags)) +
	       vmux_vlan_qos_size(v->nr_ingress) +
	       vmux_vlan_qos_size(v->nr_egress);
}

static int vmux_vlan_put_qos(struct sk_buff *skb, u32 from, u32 to)
{
	struct vmux_vlan_qos_mapping m = { .from = from, .to = to };

	return nla_put(skb, IFLA_VMUX_VLAN_QOS_MAPPING, sizeof(m), &m);
}

static int vmux_vlan_fill_info(struct sk_buff *skb, const struct net_device *dev)
{
	const struct vmux_vlan *v = &vmux_priv(dev)->vlan;
	const struct vmux_qos_map *m;
	struct nlattr *nest;
	int i;

	if (nla_put_be16(skb, IFLA_VMUX_VLAN_PROTOCOL, v->proto) ||
	    nla_put_u16(skb, IFLA_VMUX_VLAN_ID, v->id))
		return -EMSGSIZE;
	if (v->flags) {
		struct vmux_vlan_flags f = { .flags = v->flags, .mask = ~0 };

		if (nla_put(skb, IFLA_VMUX_VLAN_FLAGS, sizeof(f), &f))
			return -EMSGSIZE;
	}
	if (v->nr_ingress) {
		nest = nla_nest_start_noflag(skb, IFLA_VMUX_VLAN_INGRESS_QOS);
		if (!nest)
			return -EMSGSIZE;
		for (i = 0; i < ARRAY_SIZE(v->ingress); i++)
			if (v->ingress[i] &&
			    vmux_vlan_put_qos(skb, i, v->ingress[i]))
				return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	if (v->nr_egress) {
		nest = nla_nest_start_noflag(skb, IFLA_VMUX_VLAN_EGRESS_QOS);
		if (!nest)
			return -EMSGSIZE;
		for (i = 0; i < VMUX_QOS_HASH; i++)
			hlist_for_each_entry(m, &v->egress[i], node)
				if (vmux_vlan_put_qos(skb, m->priority,
						      m->tci >> VLAN_PRIO_SHIFT))
					return -EMSGSIZE;
		nla_nest_end(skb, nest);
	}
	return 0;
}

/* ---- data path ------------------------------------------------------- */

/* Called by the port for a frame carrying a hwaccel tag. */
rx_handler_result_t vmux_vlan_rx(struct vmux_port *port, struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct vmux_dev *vdev;
	struct net_device *dev;
	u16 tci = skb_vlan_tag_get(skb);
	u32 flags;

	vdev = vmux_vlan_lookup_rcu(port, skb->vlan_proto, tci & VLAN_VID_MASK);
	if (!vdev)
		return RX_HANDLER_PASS;
	dev = vdev->dev;

	if (unlikely(!(dev->flags & IFF_UP))) {
		vmux_drop(vdev, VMUX_DROP_CHILD_DOWN);
		kfree_skb(skb);
		return RX_HANDLER_CONSUMED;
	}
	skb = skb_share_check(skb, GFP_ATOMIC);
	*pskb = skb;
	if (unlikely(!skb)) {
		vmux_drop(vdev, VMUX_DROP_NOMEM);
		return RX_HANDLER_CONSUMED;
	}

	skb->dev = dev;
	if (unlikely(skb->pkt_type == PACKET_OTHERHOST) &&
	    ether_addr_equal_64bits(eth_hdr(skb)->h_dest, dev->dev_addr))
		skb->pkt_type = PACKET_HOST;

	flags = READ_ONCE(vdev->vlan.flags);
	/* As 8021q: without reorder_hdr the stack above sees the tag, unless
	 * another rx_handler (a port on this vlan) wants it as metadata.
	 */
	if (!(flags & VMUX_VLAN_FLAG_REORDER_HDR) &&
	    !rcu_access_pointer(dev->rx_handler)) {
		unsigned int offset = skb->data - skb_mac_header(skb);

		skb_push(skb, offset);
		skb = vlan_insert_inner_tag(skb, skb->vlan_proto, skb->vlan_tci,
					    skb->mac_len);
		*pskb = skb;
		if (unlikely(!skb)) {
			vmux_drop(vdev, VMUX_DROP_NOMEM);
			return RX_HANDLER_CONSUMED;
		}
		skb_pull(skb, offset + VLAN_HLEN);
		skb_reset_mac_len(skb);
	}

	skb->priority = READ_ONCE(vdev->vlan.ingress[(tci >> VLAN_PRIO_SHIFT) & 7]);
	__vlan_hwaccel_clear_tag(skb);
	vmux_count_rx(vdev, skb->len, skb->pkt_type == PACKET_MULTICAST);
	return RX_HANDLER_ANOTHER;
}

/* Called by the port for a frame whose hwaccel tag is an 802.1p priority
 * tag (VID 0) nothing took, with another tag inside. The core strips such
 * a tag after the rx_handler and gives the inner one to 8021q
 * (__netif_receive_skb_core(), check_vlan_id); the same for a vmux_vlan:
 * if one serves the inner tag, the frame is stripped and goes to it. Else
 * it is left as it came, for the core.
 */
rx_handler_result_t vmux_vlan_rx_priority(struct vmux_port *port,
					  struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	__be16 *tci, _tci;

	tci = skb_header_pointer(skb, 0, sizeof(_tci), &_tci);
	if (!tci || !vmux_vlan_lookup_rcu(port, skb->protocol,
					  ntohs(*tci) & VLAN_VID_MASK))
		return RX_HANDLER_PASS;
	__vlan_hwaccel_clear_tag(skb);
	skb = skb_vlan_untag(skb);
	*pskb = skb;
	if (unlikely(!skb))
		return RX_HANDLER_CONSUMED;
	return vmux_vlan_rx(port, pskb);
}

/* One tag of a frame, as it is on the wire. */
struct vmux_vlan_tag {
	__be16 proto;
	u16 vid;
};

static const struct net_device_ops vmux_vlan_netdev_ops;

/* The tags the vlan devices below @vdev (vmux_vlan or 8021q) put in-band
 * in hard_header, i.e. those with reorder_hdr off, from @vdev down. Their
 * hard_header runs under ours: a frame built that way carries them in
 * front of our own tag, the deepest device's first.
 */
static unsigned int vmux_vlan_lower_tags(const struct vmux_dev *vdev,
					 struct vmux_vlan_tag *tags)
{
	const struct net_device *lower = vdev->lower;
	unsigned int n = 0, level;
	struct vmux_vlan_tag t;
	bool reorder;

	for (level = 0; level < MAX_NEST_DEV; level++) {
		if (lower->netdev_ops == &vmux_vlan_netdev_ops) {
			const struct vmux_dev *l = vmux_priv(lower);

			reorder = READ_ONCE(l->vlan.flags) & VMUX_VLAN_FLAG_REORDER_HDR;
			t.proto = l->vlan.proto;
			t.vid = l->vlan.id;
			lower = l->lower;
		} else if (is_vlan_dev(lower)) {
			const struct vlan_dev_priv *l = vlan_dev_priv(lower);

			reorder = READ_ONCE(l->flags) & VLAN_FLAG_REORDER_HDR;
			t.proto = l->vlan_proto;
			t.vid = l->vlan_id;
			lower = l->real_dev;
		} else {
			break;
		}
		if (!reorder)
			tags[n++] = t;
	}
	return n;
}

/* The in-band tag @depth tags into the frame (0: the outermost). */
static bool vmux_vlan_tag_at(const struct sk_buff *skb, unsigned int depth,
			     struct vmux_vlan_tag *t)
{
	__be16 buf[2];
	const __be16 *h;

	h = skb_header_pointer(skb, 2 * ETH_ALEN + depth * VLAN_HLEN,
			       sizeof(buf), buf);
	if (!h || !eth_type_vlan(h[0]))
		return false;
	t->proto = h[0];
	t->vid = ntohs(h[1]) & VLAN_VID_MASK;
	return true;
}

/* Where our tag goes: behind the tags of the lower vlan devices with
 * reorder_hdr off, if the frame carries them as their hard_header put
 * them. 0 if it does not (a packet socket's frame, a bridge's): then the
 * lowers add their tags on transmit, outside ours.
 */
static noinline unsigned int vmux_vlan_depth_stacked(const struct vmux_dev *vdev,
						    const struct sk_buff *skb)
{
	struct vmux_vlan_tag tags[MAX_NEST_DEV], t;
	unsigned int n, i;

	n = vmux_vlan_lower_tags(vdev, tags);
	for (i = 0; i < n; i++) {
		if (!vmux_vlan_tag_at(skb, i, &t) ||
		    t.proto != tags[n - 1 - i].proto ||
		    t.vid != tags[n - 1 - i].vid)
			return 0;
	}
	return n;
}

/* On a NIC, the common case, no tag is below ours: no walk, no array. */
static unsigned int vmux_vlan_depth(const struct vmux_dev *vdev,
				    const struct sk_buff *skb)
{
	const struct net_device *lower = vdev->lower;

	if (lower->netdev_ops != &vmux_vlan_netdev_ops && !is_vlan_dev(lower))
		return 0;
	return vmux_vlan_depth_stacked(vdev, skb);
}

/* An in-band tag @depth tags into the frame; frees @skb on failure. */
static struct sk_buff *vmux_vlan_insert(struct sk_buff *skb, __be16 proto,
					u16 tci, unsigned int depth)
{
	if (!depth)
		return vlan_insert_tag_set_proto(skb, proto, tci);
	return vlan_insert_inner_tag(skb, proto, tci, ETH_HLEN + depth * VLAN_HLEN);
}

/* An upper device's tag, handed down as metadata (we offer tag insertion):
 * it belongs inside ours, @depth tags into the frame. An 8021q upper with
 * reorder_hdr off has put it there already, and as metadata too.
 */
static struct sk_buff *vmux_vlan_nest_upper(struct sk_buff *skb,
					    unsigned int depth)
{
	__be16 proto = skb->vlan_proto;
	u16 tci = skb_vlan_tag_get(skb);
	struct vmux_vlan_tag t;

	__vlan_hwaccel_clear_tag(skb);
	if (vmux_vlan_tag_at(skb, depth, &t) && t.proto == proto &&
	    t.vid == (tci & VLAN_VID_MASK))
		return skb;
	return vmux_vlan_insert(skb, proto, tci, depth);
}

/* 8021q decides from the outermost in-band TPID alone whether the frame
 * carries its tag. Under a vlan with reorder_hdr off that TPID is the
 * lower's: QinQ frames left with the outer tag twice (88a8/100, 8100/10,
 * 88a8/100). We look for our tag where our hard_header left it, put it
 * there when it is missing, and nest an upper's tag inside it.
 */
static netdev_tx_t vmux_vlan_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	struct vmux_vlan *v = &vdev->vlan;
	unsigned int depth, len = skb->len;
	struct vmux_vlan_tag t;
	bool inband;
	u16 tci;
	int ret;

	/* Not all ndo_start_xmit() callers set the mac header. */
	skb_reset_mac_header(skb);
	depth = vmux_vlan_depth(vdev, skb);
	inband = !(READ_ONCE(v->flags) & VMUX_VLAN_FLAG_REORDER_HDR) &&
		 vmux_vlan_tag_at(skb, depth, &t) && t.proto == v->proto;

	if (skb_vlan_tag_present(skb)) {
		skb = vmux_vlan_nest_upper(skb, inband ? depth + 1 : depth);
		if (unlikely(!skb))
			goto drop;
	}
	if (!inband) {
		tci = v->id | vmux_vlan_egress_tci(v, skb->priority);
		if (!depth) {
			__vlan_hwaccel_put_tag(skb, v->proto, tci);
		} else {
			skb = vmux_vlan_insert(skb, v->proto, tci, depth);
			if (unlikely(!skb))
				goto drop;
		}
	} else if (!depth &&
		   skb_headlen(skb) >= VLAN_ETH_HLEN + sizeof(__be16) &&
		   !skb_shared(skb) && !skb_metadata_len(skb) &&
		   (skb->ip_summed != CHECKSUM_PARTIAL ||
		    skb_checksum_start_offset(skb) >= VLAN_ETH_HLEN) &&
		   vlan_hw_offload_capable(READ_ONCE(vdev->lower->features),
					   v->proto)) {
		/* In-band tag (reorder_hdr off) and the outermost: let a
		 * capable NIC insert it, as 8021q does since 6.1.192, so
		 * checksum/TSO offload works.
		 */
		if (unlikely(__skb_vlan_pop(skb, &tci))) {
			dev_kfree_skb_any(skb);
			goto drop;
		}
		__vlan_hwaccel_put_tag(skb, v->proto, tci);
	}

	skb->dev = vdev->lower;
	if (unlikely(netpoll_tx_running(dev)))
		return vmux_netpoll_xmit(vdev, skb);
	ret = dev_queue_xmit(skb);
	vmux_count_tx(vdev, len, ret);
	return ret;

drop:
	this_cpu_inc(vdev->stats->drops[VMUX_DROP_TX]);
	return NETDEV_TX_OK;
}

static int vmux_vlan_hard_header(struct sk_buff *skb, struct net_device *dev,
				 unsigned short type, const void *daddr,
				 const void *saddr, unsigned int len)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	struct vmux_vlan *v = &vdev->vlan;
	unsigned int vhdrlen = 0;
	struct vlan_hdr *vhdr;
	int rc;

	if (!(READ_ONCE(v->flags) & VMUX_VLAN_FLAG_REORDER_HDR)) {
		unsigned int hlen = READ_ONCE(dev->hard_header_len) +
				    READ_ONCE(dev->needed_headroom);

		if (skb_cow_head(skb, hlen) < 0)
			return -ENOMEM;
		vhdr = skb_push(skb, VLAN_HLEN);
		vhdr->h_vlan_TCI = htons(v->id |
					 vmux_vlan_egress_tci(v, skb->priority));
		/* 802.3/802.2 frames carry their length in the type field. */
		if (type != ETH_P_802_3 && type != ETH_P_802_2)
			vhdr->h_vlan_encapsulated_proto = htons(type);
		else
			vhdr->h_vlan_encapsulated_proto = htons(len);
		skb->protocol = v->proto;
		type = ntohs(v->proto);
		vhdrlen = VLAN_HLEN;
	}
	if (!saddr)
		saddr = dev->dev_addr;
	rc = dev_hard_header(skb, vdev->lower, type, daddr, saddr,
			     len + vhdrlen);
	return rc > 0 ? rc + vhdrlen : rc;
}

static __be16 vmux_vlan_parse_protocol(const struct sk_buff *skb)
{
	struct vlan_ethhdr *veth = (struct vlan_ethhdr *)skb->data;

	return __vlan_get_protocol(skb, veth->h_vlan_proto, NULL);
}

static const struct header_ops vmux_vlan_header_ops = {
	.create		= vmux_vlan_hard_header,
	.parse		= eth_header_parse,
	.parse_protocol	= vmux_vlan_parse_protocol,
};

/* ---- net_device_ops ------------------------------------------------- */

static netdev_features_t vmux_vlan_tnl_features(struct net_device *lower)
{
	netdev_features_t ret;

	ret = lower->hw_enc_features &
	      (NETIF_F_CSUM_MASK | NETIF_F_GSO_SOFTWARE | NETIF_F_GSO_ENCAP_ALL);
	if ((ret & NETIF_F_GSO_ENCAP_ALL) && (ret & NETIF_F_CSUM_MASK))
		return (ret & ~NETIF_F_CSUM_MASK) | NETIF_F_HW_CSUM;
	return 0;
}

static const struct device_type vmux_vlan_type = {
	.name = VMUX_KIND_VLAN,
};

static int vmux_vlan_init(struct net_device *dev)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	struct net_device *lower = vdev->lower;

	netif_carrier_off(dev);
	dev->flags = lower->flags & ~(IFF_UP | IFF_PROMISC | IFF_ALLMULTI |
				      IFF_MASTER | IFF_SLAVE);
	dev->hw_features = NETIF_F_HW_CSUM | NETIF_F_SG | NETIF_F_FRAGLIST |
			   NETIF_F_GSO_SOFTWARE | NETIF_F_GSO_ENCAP_ALL |
			   NETIF_F_HIGHDMA | NETIF_F_SCTP_CRC | VMUX_F_ALL_FCOE;
	dev->features |= dev->hw_features | VMUX_VLAN_UPPER_TAGS;
	vmux_set_fcoe_mtu(dev);
	netif_inherit_tso_max(dev, lower);
	dev->vlan_features = lower->vlan_features & ~VMUX_F_ALL_FCOE;
	dev->hw_enc_features = vmux_vlan_tnl_features(lower);
	dev->mpls_features = lower->mpls_features;
	dev->dev_id = lower->dev_id;

	/* Without an address of its own, it takes the lower's and follows. */
	if (is_zero_ether_addr(dev->dev_addr)) {
		eth_hw_addr_set(dev, lower->dev_addr);
		dev->addr_assign_type = NET_ADDR_STOLEN;
	}
	if (is_zero_ether_addr(dev->broadcast))
		memcpy(dev->broadcast, lower->broadcast, dev->addr_len);

	dev->needed_headroom = lower->needed_headroom + VLAN_HLEN;
	dev->needed_tailroom = lower->needed_tailroom;
	dev->header_ops = &vmux_vlan_header_ops;
	dev->hard_header_len = lower->hard_header_len;
	SET_NETDEV_DEVTYPE(dev, &vmux_vlan_type);

	return vmux_dev_common_init(dev);
}

static void vmux_vlan_uninit(struct net_device *dev)
{
	vmux_vlan_free_egress(&vmux_priv(dev)->vlan);
	vmux_dev_common_uninit(dev);
}

/* A stolen address follows the lower's: take it again. */
static bool vmux_vlan_inherit_address(struct net_device *dev,
				      struct net_device *lower)
{
	if (dev->addr_assign_type != NET_ADDR_STOLEN)
		return false;
	eth_hw_addr_set(dev, lower->dev_addr);
	call_netdevice_notifiers(NETDEV_CHANGEADDR, dev);
	return true;
}

static int vmux_vlan_open(struct net_device *dev)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	struct net_device *lower = vdev->lower;
	int err;

	if (!(lower->flags & IFF_UP) &&
	    !(vdev->vlan.flags & VMUX_VLAN_FLAG_LOOSE_BINDING))
		return -ENETDOWN;

	if (!ether_addr_equal(dev->dev_addr, lower->dev_addr) &&
	    !vmux_vlan_inherit_address(dev, lower)) {
		err = dev_uc_add(lower, dev->dev_addr);
		if (err < 0)
			return err;
	}
	err = vmux_rx_flags_open(vdev, IFF_ALLMULTI | IFF_PROMISC);
	if (err < 0) {
		if (!ether_addr_equal(dev->dev_addr, lower->dev_addr))
			dev_uc_del(lower, dev->dev_addr);
		return err;
	}
	ether_addr_copy(vdev->vlan.lower_addr, lower->dev_addr);
	if (netif_carrier_ok(lower))
		netif_carrier_on(dev);
	return 0;
}

static int vmux_vlan_stop(struct net_device *dev)
{
	struct net_device *lower = vmux_priv(dev)->lower;

	dev_mc_unsync(lower, dev);
	dev_uc_unsync(lower, dev);
	vmux_rx_flags_stop(vmux_priv(dev), IFF_ALLMULTI | IFF_PROMISC);
	if (!ether_addr_equal(dev->dev_addr, lower->dev_addr))
		dev_uc_del(lower, dev->dev_addr);
	netif_carrier_off(dev);
	return 0;
}

static int vmux_vlan_set_mac_address(struct net_device *dev, void *p)
{
	struct net_device *lower = vmux_priv(dev)->lower;
	struct sockaddr *addr = p;
	int err;

	if (!is_valid_ether_addr(addr->sa_data))
		return -EADDRNOTAVAIL;
	if (dev->flags & IFF_UP) {
		if (!ether_addr_equal(addr->sa_data, lower->dev_addr)) {
			err = dev_uc_add(lower, addr->sa_data);
			if (err < 0)
				return err;
		}
		if (!ether_addr_equal(dev->dev_addr, lower->dev_addr))
			dev_uc_del(lower, dev->dev_addr);
	}
	eth_hw_addr_set(dev, addr->sa_data);
	return 0;
}

static int vmux_vlan_change_mtu(struct net_device *dev, int new_mtu)
{
	if (new_mtu > vmux_priv(dev)->lower->mtu)
		return -ERANGE;
	dev->mtu = new_mtu;
	return 0;
}

/* Only while up, as 8021q before 6.1.135 ("net: vlan: don't propagate flags
 * on open"): since then it pushes them while down and never takes them
 * back, and a deleted promiscuous vlan leaves its lower promiscuous.
 */
static void vmux_vlan_change_rx_flags(struct net_device *dev, int change)
{
	vmux_rx_flags_change(vmux_priv(dev), change, IFF_ALLMULTI | IFF_PROMISC);
}

static void vmux_vlan_set_rx_mode(struct net_device *dev)
{
	struct net_device *lower = vmux_priv(dev)->lower;

	dev_mc_sync(lower, dev);
	dev_uc_sync(lower, dev);
}

static netdev_features_t vmux_vlan_fix_features(struct net_device *dev,
						netdev_features_t features)
{
	struct net_device *lower = vmux_priv(dev)->lower;
	netdev_features_t old = features, lower_features;

	lower_features = netdev_intersect_features(lower->vlan_features |
						   NETIF_F_RXCSUM,
						   lower->features);
	/* Keep the user's control of checksum offload on the vlan. */
	if (lower_features & (NETIF_F_IP_CSUM | NETIF_F_IPV6_CSUM))
		lower_features |= NETIF_F_HW_CSUM;
	features = netdev_intersect_features(features, lower_features);
	features |= old & (NETIF_F_SOFT_FEATURES | NETIF_F_GSO_SOFTWARE);
	return features | VMUX_F_LLTX | VMUX_VLAN_UPPER_TAGS;
}

static int vmux_vlan_neigh_setup(struct net_device *dev, struct neigh_parms *pa)
{
	struct net_device *lower = vmux_priv(dev)->lower;
	const struct net_device_ops *ops = lower->netdev_ops;

	if (netif_device_present(lower) && ops->ndo_neigh_setup)
		return ops->ndo_neigh_setup(lower, pa);
	return 0;
}

static const struct net_device_ops vmux_vlan_netdev_ops = {
	.ndo_init		= vmux_vlan_init,
	.ndo_uninit		= vmux_vlan_uninit,
	.ndo_open		= vmux_vlan_open,
	.ndo_stop		= vmux_vlan_stop,
	.ndo_start_xmit		= vmux_vlan_xmit,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_set_mac_address	= vmux_vlan_set_mac_address,
	.ndo_set_rx_mode	= vmux_vlan_set_rx_mode,
	.ndo_change_rx_flags	= vmux_vlan_change_rx_flags,
	.ndo_change_mtu		= vmux_vlan_change_mtu,
	.ndo_eth_ioctl		= vmux_eth_ioctl,
	VMUX_NDO_HWTSTAMP
	.ndo_neigh_setup	= vmux_vlan_neigh_setup,
	.ndo_get_stats64	= vmux_get_stats64,
	.ndo_fix_features	= vmux_vlan_fix_features,
	.ndo_get_iflink		= vmux_get_iflink,
#ifdef CONFIG_NET_POLL_CONTROLLER
	.ndo_poll_controller	= vmux_poll_controller,
	.ndo_netpoll_setup	= vmux_netpoll_setup,
	.ndo_netpoll_cleanup	= vmux_netpoll_cleanup,
#endif
};

static void vmux_vlan_setup(struct net_device *dev)
{
	vmux_setup(dev);
	dev->netdev_ops = &vmux_vlan_netdev_ops;
	dev->min_mtu = 0;	/* as 8021q; the lower bounds it from above */
}

/* ---- lower events ---------------------------------------------------- */

static void vmux_vlan_sync_address(struct vmux_dev *vdev)
{
	struct net_device *dev = vdev->dev, *lower = vdev->lower;
	u8 *old = vdev->vlan.lower_addr;

	if (ether_addr_equal(old, lower->dev_addr))
		return;
	if (!vmux_vlan_inherit_address(dev, lower)) {
		/* Our own address now equals the lower's, or stops to. */
		if (!ether_addr_equal(dev->dev_addr, old) &&
		    ether_addr_equal(dev->dev_addr, lower->dev_addr))
			dev_uc_del(lower, dev->dev_addr);
		if (ether_addr_equal(dev->dev_addr, old) &&
		    !ether_addr_equal(dev->dev_addr, lower->dev_addr))
			dev_uc_add(lower, dev->dev_addr);
	}
	ether_addr_copy(old, lower->dev_addr);
}

static void vmux_vlan_transfer_features(struct vmux_dev *vdev)
{
	struct net_device *dev = vdev->dev, *lower = vdev->lower;

	netif_inherit_tso_max(dev, lower);
	dev->needed_headroom = lower->needed_headroom + VLAN_HLEN;
	dev->needed_tailroom = lower->needed_tailroom;
	dev->hard_header_len = lower->hard_header_len;
	dev->priv_flags &= ~IFF_XMIT_DST_RELEASE;
	dev->priv_flags |= lower->priv_flags & IFF_XMIT_DST_RELEASE;
	dev->hw_enc_features = vmux_vlan_tnl_features(lower);
	netdev_update_features(dev);
}

/* 8021q's rules: admin state bound to the lower unless loose_binding, MTU
 * only shrinks, a stolen MAC follows.
 */
static void vmux_vlan_lower_event(struct vmux_dev *vdev, unsigned long event,
				  struct list_head *close_list)
{
	struct net_device *dev = vdev->dev, *lower = vdev->lower;
	bool loose = vdev->vlan.flags & VMUX_VLAN_FLAG_LOOSE_BINDING;

	switch (event) {
	case NETDEV_CHANGE:
		vmux_transfer_operstate(lower, dev);
		break;
	case NETDEV_CHANGEADDR:
		if (dev->flags & IFF_UP)
			vmux_vlan_sync_address(vdev);
		break;
	case NETDEV_CHANGEMTU:
		if (dev->mtu > lower->mtu)
			dev_set_mtu(dev, lower->mtu);
		break;
	case NETDEV_FEAT_CHANGE:
		vmux_vlan_transfer_features(vdev);
		break;
	case NETDEV_DOWN:
		if (dev->flags & IFF_UP && !loose)
			list_add(&dev->close_list, close_list);
		else
			vmux_transfer_operstate(lower, dev);
		break;
	case NETDEV_UP:
		/* dev_get_flags(), as 8021q: dev->flags holds PROMISC and
		 * ALLMULTI an upper (a bridge) set, which dev_change_flags()
		 * would take for the user's and add to the counts.
		 */
		if (!(dev->flags & IFF_UP) && !loose)
			dev_change_flags(dev, dev_get_flags(dev) | IFF_UP, NULL);
		vmux_transfer_operstate(lower, dev);
		break;
	}
}

/* 8021q would take frames for a (proto, id) we already serve: refuse it. */
static int vmux_vlan_lower_upper_check(struct vmux_port *port,
				       struct net_device *upper,
				       struct netlink_ext_ack *extack)
{
	if (!is_vlan_dev(upper) ||
	    !vmux_vlan_lookup_rtnl(port, vlan_dev_vlan_proto(upper),
				   vlan_dev_vlan_id(upper)))
		return 0;
	NL_SET_ERR_MSG_MOD(extack,
			   "VLAN id already used on this lower by a vmux_vlan device");
	return -EEXIST;
}

static struct rtnl_link_ops vmux_vlan_link_ops = {
	.kind		= VMUX_KIND_VLAN,
	.setup		= vmux_vlan_setup,
	.maxtype	= IFLA_VMUX_VLAN_MAX,
	.policy		= vmux_vlan_policy,
	.validate	= vmux_vlan_validate,
	.newlink	= vmux_vlan_newlink,
	.changelink	= vmux_vlan_changelink,
	.get_size	= vmux_vlan_get_size,
	.fill_info	= vmux_vlan_fill_info,
};

const struct vmux_kind_ops vmux_vlan_kind = {
	.link_ops		= &vmux_vlan_link_ops,
	.add_keys		= vmux_vlan_add_keys,
	.del_keys		= vmux_vlan_del_keys,
	.lower_event		= vmux_vlan_lower_event,
	.lower_upper_check	= vmux_vlan_lower_upper_check,
};
