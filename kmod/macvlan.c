// SPDX-License-Identifier: GPL-2.0
/*
 * vmux_macvlan: sub-devices demuxed by destination MAC, with the modes,
 * flags and delivery rules of drivers/net/macvlan.c (bc_cutoff with the
 * 6.4+ semantics), living in the port shared with the other vmux kinds.
 */
#include <linux/etherdevice.h>
#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/ip.h>
#include <net/rtnetlink.h>

#include "vmux.h"

#define VMUX_MV_ALWAYS_ON_OFFLOADS \
	(NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_GSO_SOFTWARE | \
	 NETIF_F_GSO_ROBUST | NETIF_F_GSO_ENCAP_ALL)
#define VMUX_MV_ALWAYS_ON (VMUX_MV_ALWAYS_ON_OFFLOADS | VMUX_F_LLTX)
#define VMUX_MV_FEATURES \
	(NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA | NETIF_F_FRAGLIST | \
	 NETIF_F_GSO | NETIF_F_TSO | NETIF_F_LRO | NETIF_F_TSO_ECN | \
	 NETIF_F_TSO6 | NETIF_F_GRO | NETIF_F_RXCSUM | \
	 NETIF_F_HW_VLAN_CTAG_FILTER | NETIF_F_HW_VLAN_STAG_FILTER)

enum {
	VMUX_MV_ALL_MODES = VMUX_MACVLAN_MODE_PRIVATE | VMUX_MACVLAN_MODE_VEPA |
			    VMUX_MACVLAN_MODE_BRIDGE | VMUX_MACVLAN_MODE_PASSTHRU |
			    VMUX_MACVLAN_MODE_SOURCE,
	VMUX_MV_ALL_FLAGS = VMUX_MACVLAN_FLAG_NOPROMISC | VMUX_MACVLAN_FLAG_NODST,
};

struct vmux_source {
	struct hlist_node hnode;		/* port->sources, RTNL + RCU */
	struct vmux_dev *vdev;
	u8 addr[ETH_ALEN];
	struct rcu_head rcu;
};

static bool vmux_is_macvlan(const struct net_device *dev)
{
	return dev->rtnl_link_ops == vmux_macvlan_kind.link_ops;
}

u32 vmux_mac_hash(const unsigned char *addr, unsigned int bits)
{
	return hash_32(get_unaligned((const u32 *)(addr + 2)), bits);
}

/* ---- the MAC table ---------------------------------------------------
 *
 * UP macvlans by address: a power-of-two array of RCU hlists, grown (never
 * shrunk) under RTNL to keep chains at about one entry, so a lookup costs
 * the same at 4,096 children as at one, and as little as macvlan's fixed
 * 256 buckets (make bench). Readers need any RCU read side, the
 * rcu_read_lock_bh() of transmit included: an hlist, unlike rhashtable,
 * lets lockdep see that. Each entry has two nodes: a resize links every
 * entry into the new array by the other one, publishes it, and waits for
 * readers of the old one before it is freed; all under RTNL, as are inserts
 * and deletes.
 */
struct vmux_mac_table {
	unsigned int bits;
	unsigned int idx;			/* the node entries use here */
	u32 seed;				/* new with each table */
	struct hlist_head buckets[];
};

enum {
	VMUX_MAC_MIN_BITS = 4,
	VMUX_MAC_MAX_BITS = 16,
};

/* All six bytes, one multiply; the seed goes in first, so chains that
 * collide in one table do not in the next.
 */
static inline u32 vmux_mac_bucket(const struct vmux_mac_table *t,
				  const unsigned char *addr)
{
	u64 k = get_unaligned((const u32 *)addr) |
		(u64)get_unaligned((const u16 *)(addr + 4)) << 32;

	return hash_64(k ^ t->seed, t->bits);
}

static struct vmux_mac_table *vmux_mac_table_alloc(unsigned int bits,
						   unsigned int idx)
{
	struct vmux_mac_table *t;

	t = kvzalloc(struct_size(t, buckets, 1U << bits), GFP_KERNEL_ACCOUNT);
	if (!t)
		return NULL;
	t->bits = bits;
	t->idx = idx;
	t->seed = get_random_u32();
	return t;
}

static struct vmux_dev *vmux_mac_lookup(struct vmux_port *port,
					const unsigned char *addr)
{
	const struct vmux_mac_table *t;
	struct hlist_node *n;

	t = rcu_dereference_check(port->macs, rcu_read_lock_bh_held() ||
				  lockdep_rtnl_is_held());
	for (n = rcu_dereference_raw(hlist_first_rcu(&t->buckets[vmux_mac_bucket(t, addr)]));
	     n; n = rcu_dereference_raw(hlist_next_rcu(n))) {
		struct vmux_dev *v = container_of(n - t->idx, struct vmux_dev,
						  mv.node[0]);

		if (ether_addr_equal(v->mv.key, addr))
			return v;
	}
	return NULL;
}

/* Doubles the table when it has more entries than buckets; a failed
 * allocation keeps the old one (longer chains, nothing lost).
 */
static void vmux_mac_table_grow(struct vmux_port *port)
{
	struct vmux_mac_table *old = rtnl_dereference(port->macs), *t;
	struct hlist_node *tmp;
	struct vmux_dev *v;
	unsigned int i;

	if (port->nr_macs <= (1U << old->bits) || old->bits >= VMUX_MAC_MAX_BITS)
		return;
	t = vmux_mac_table_alloc(old->bits + 1, !old->idx);
	if (!t)
		return;
	for (i = 0; i < (1U << old->bits); i++)
		hlist_for_each_entry_safe(v, tmp, &old->buckets[i], mv.node[old->idx])
			hlist_add_head_rcu(&v->mv.node[t->idx],
					   &t->buckets[vmux_mac_bucket(t, v->mv.key)]);
	rcu_assign_pointer(port->macs, t);
	/* Readers of @old walk node[old->idx]: once they are gone, unhash
	 * it for the next resize (and hlist_unhashed() of the current one
	 * says whether an entry is in the table).
	 */
	synchronize_net();
	for (i = 0; i < (1U << t->bits); i++)
		hlist_for_each_entry(v, &t->buckets[i], mv.node[t->idx])
			INIT_HLIST_NODE(&v->mv.node[old->idx]);
	kvfree(old);
}

int vmux_macvlan_port_init(struct vmux_port *port)
{
	struct vmux_mac_table *t = vmux_mac_table_alloc(VMUX_MAC_MIN_BITS, 0);

	if (!t)
		return -ENOMEM;
	port->bc_cutoff = 1;
	RCU_INIT_POINTER(port->macs, t);
	return 0;
}

/* The rx_handler is gone and no child is left: no reader. */
void vmux_macvlan_port_free(struct vmux_port *port)
{
	kvfree(rcu_dereference_protected(port->macs, true));
	kfree(port->sources);
}

/* An address no other device of the port may take. */
static bool vmux_mac_busy(struct vmux_port *port, const unsigned char *addr)
{
	bool busy;

	if (!port->passthru && !port->addr_change &&
	    ether_addr_equal_64bits(port->dev->dev_addr, addr))
		return true;
	rcu_read_lock();
	busy = vmux_mac_lookup(port, addr);
	rcu_read_unlock();
	return busy;
}

/* Any macvlan of the port, up or not, already using @addr? */
static bool vmux_mac_taken(struct vmux_port *port, const unsigned char *addr,
			   const struct vmux_dev *self)
{
	struct vmux_dev *v;

	list_for_each_entry(v, &port->children, list)
		if (v != self && v->kind == VMUX_T_MACVLAN &&
		    ether_addr_equal(v->dev->dev_addr, addr))
			return true;
	return false;
}

/* Frames to the lower's own MAC skip the MAC table (the host's traffic,
 * and every ipvlan frame on a shared lower) unless a child has that
 * address: the lower took a child's MAC after it (macvlan lets it; the
 * lookup gives that child the frames, here as in macvlan). Under RTNL,
 * after every change to the table or to the lower's address.
 */
static void vmux_mac_shadow_update(struct vmux_port *port)
{
	bool shadow;

	ASSERT_RTNL();
	rcu_read_lock();
	shadow = vmux_mac_lookup(port, port->dev->dev_addr);
	rcu_read_unlock();
	WRITE_ONCE(port->mac_shadow, shadow);
}

static int vmux_mac_hash_add(struct vmux_dev *vdev)
{
	struct vmux_port *port = vdev->port;
	struct vmux_mac_table *t = rtnl_dereference(port->macs);

	if (vmux_mac_lookup(port, vdev->dev->dev_addr))
		return -EEXIST;
	ether_addr_copy(vdev->mv.key, vdev->dev->dev_addr);
	hlist_add_head_rcu(&vdev->mv.node[t->idx],
			   &t->buckets[vmux_mac_bucket(t, vdev->mv.key)]);
	port->nr_macs++;
	vmux_mac_table_grow(port);
	vmux_mac_shadow_update(port);
	return 0;
}

static void vmux_mac_hash_del(struct vmux_dev *vdev)
{
	struct vmux_port *port = vdev->port;
	struct vmux_mac_table *t = rtnl_dereference(port->macs);

	if (hlist_unhashed(&vdev->mv.node[t->idx]))
		return;
	hlist_del_init_rcu(&vdev->mv.node[t->idx]);
	port->nr_macs--;
	vmux_mac_shadow_update(port);
}

/* ---- source-mode MAC list ------------------------------------------- */

/* The port's source table, made with the first source-mode entry and kept
 * with the port: published with release, as the VLAN blocks are.
 */
static int vmux_sources_alloc(struct vmux_port *port)
{
	struct hlist_head *sources;

	if (port->sources)
		return 0;
	sources = kcalloc(1 << VMUX_SOURCE_HASH_BITS, sizeof(*sources),
			  GFP_KERNEL_ACCOUNT);
	if (!sources)
		return -ENOMEM;
	/* Pairs with smp_load_acquire() in vmux_mv_forward_source(). */
	smp_store_release(&port->sources, sources);
	return 0;
}

static struct vmux_source *vmux_source_find(struct vmux_dev *vdev,
					    const unsigned char *addr)
{
	struct vmux_port *port = vdev->port;
	struct vmux_source *e;

	if (!port->sources)
		return NULL;
	hlist_for_each_entry_rcu(e, &port->sources[vmux_mac_hash(addr, VMUX_SOURCE_HASH_BITS)],
				 hnode, lockdep_rtnl_is_held())
		if (e->vdev == vdev && ether_addr_equal_64bits(e->addr, addr))
			return e;
	return NULL;
}

static void vmux_source_del(struct vmux_source *e)
{
	hlist_del_rcu(&e->hnode);
	e->vdev->mv.nr_sources--;
	WRITE_ONCE(e->vdev->port->nr_sources, e->vdev->port->nr_sources - 1);
	kfree_rcu(e, rcu);
}

static void vmux_source_flush(struct vmux_dev *vdev)
{
	struct vmux_port *port = vdev->port;
	struct hlist_node *tmp;
	struct vmux_source *e;
	int i;

	if (!port->sources)
		return;
	for (i = 0; i < 1 << VMUX_SOURCE_HASH_BITS; i++)
		hlist_for_each_entry_safe(e, tmp, &port->sources[i], hnode)
			if (e->vdev == vdev)
				vmux_source_del(e);
}

/* Publishes a preallocated entry unless the address is listed already. */
static void vmux_source_add(struct vmux_dev *vdev, struct vmux_source *e)
{
	struct vmux_port *port = vdev->port;

	if (vmux_source_find(vdev, e->addr)) {
		kfree(e);
		return;
	}
	e->vdev = vdev;
	hlist_add_head_rcu(&e->hnode,
			   &port->sources[vmux_mac_hash(e->addr, VMUX_SOURCE_HASH_BITS)]);
	vdev->mv.nr_sources++;
	WRITE_ONCE(port->nr_sources, port->nr_sources + 1);
}

/* A requested change of the source list, checked and allocated up front so
 * that applying it cannot fail.
 */
struct vmux_source_change {
	u32 op;
	bool valid;
	const u8 *del;			/* VMUX_MACVLAN_MACADDR_DEL */
	struct hlist_head add;		/* entries to add, in order */
};

static void vmux_source_change_free(struct vmux_source_change *c)
{
	struct hlist_node *tmp;
	struct vmux_source *e;

	hlist_for_each_entry_safe(e, tmp, &c->add, hnode)
		kfree(e);
	INIT_HLIST_HEAD(&c->add);
}

static int vmux_source_queue(struct vmux_source_change *c, const u8 *addr)
{
	struct vmux_source *e = kzalloc(sizeof(*e), GFP_KERNEL_ACCOUNT);

	if (!e)
		return -ENOMEM;
	ether_addr_copy(e->addr, addr);
	hlist_add_head(&e->hnode, &c->add);
	return 0;
}

/* The number of distinct addresses in @c not in @vdev's list already (or
 * in an empty list for SET).
 */
static unsigned int vmux_source_new_count(struct vmux_dev *vdev,
					  struct vmux_source_change *c)
{
	struct vmux_source *e, *f;
	unsigned int n = 0;
	bool dup;

	hlist_for_each_entry(e, &c->add, hnode) {
		dup = c->op != VMUX_MACVLAN_MACADDR_SET && vdev->port &&
		      vmux_source_find(vdev, e->addr);
		hlist_for_each_entry(f, &c->add, hnode) {
			if (f == e)
				break;
			dup |= ether_addr_equal(f->addr, e->addr);
		}
		n += !dup;
	}
	return n;
}

static int vmux_source_prepare(struct vmux_dev *vdev, u32 new_mode,
			       struct nlattr *data[],
			       struct vmux_source_change *c,
			       struct netlink_ext_ack *extack)
{
	struct nlattr *mattr = data ? data[IFLA_VMUX_MACVLAN_MACADDR] : NULL;
	struct nlattr *nla;
	unsigned int have;
	int rem, err;

	INIT_HLIST_HEAD(&c->add);
	c->valid = false;
	if (!data || !data[IFLA_VMUX_MACVLAN_MACADDR_MODE])
		return 0;
	c->op = nla_get_u32(data[IFLA_VMUX_MACVLAN_MACADDR_MODE]);
	if (new_mode != VMUX_MACVLAN_MODE_SOURCE) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VMUX_MACVLAN_MACADDR_MODE],
				    "macaddr lists need mode source");
		return -EINVAL;
	}
	switch (c->op) {
	case VMUX_MACVLAN_MACADDR_ADD:
	case VMUX_MACVLAN_MACADDR_DEL:
		if (!mattr) {
			NL_SET_ERR_MSG_MOD(extack,
					   "macaddr add/del needs an address");
			return -EINVAL;
		}
		if (c->op == VMUX_MACVLAN_MACADDR_DEL) {
			c->del = nla_data(mattr);
			c->valid = true;
			return 0;
		}
		err = vmux_source_queue(c, nla_data(mattr));
		break;
	case VMUX_MACVLAN_MACADDR_FLUSH:
		c->valid = true;
		return 0;
	case VMUX_MACVLAN_MACADDR_SET:
		err = mattr ? vmux_source_queue(c, nla_data(mattr)) : 0;
		if (data[IFLA_VMUX_MACVLAN_MACADDR_DATA])
			nla_for_each_nested(nla, data[IFLA_VMUX_MACVLAN_MACADDR_DATA], rem)
				err = err ?: vmux_source_queue(c, nla_data(nla));
		break;
	default:
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VMUX_MACVLAN_MACADDR_MODE],
				    "Invalid macaddr mode");
		return -EINVAL;
	}
	if (err)
		goto fail;
	have = c->op == VMUX_MACVLAN_MACADDR_SET ? 0 : vdev->mv.nr_sources;
	if (have + vmux_source_new_count(vdev, c) > VMUX_MACVLAN_MAX_SOURCES) {
		/* 6.1 has no NL_SET_ERR_MSG_FMT: the cap is in the uapi. */
		NL_SET_ERR_MSG_MOD(extack,
				   "Source MAC list is full (VMUX_MACVLAN_MAX_SOURCES = 1024)");
		err = -ENOSPC;
		goto fail;
	}
	if (!hlist_empty(&c->add) && vdev->port) {
		err = vmux_sources_alloc(vdev->port);
		if (err)
			goto fail;
	}
	c->valid = true;
	return 0;
fail:
	vmux_source_change_free(c);
	return err;
}

static void vmux_source_commit(struct vmux_dev *vdev,
			       struct vmux_source_change *c)
{
	struct vmux_source *e;
	struct hlist_node *tmp;
	HLIST_HEAD(rev);

	if (!c->valid)
		return;
	switch (c->op) {
	case VMUX_MACVLAN_MACADDR_DEL:
		e = vmux_source_find(vdev, c->del);
		if (e)
			vmux_source_del(e);
		return;
	case VMUX_MACVLAN_MACADDR_FLUSH:
	case VMUX_MACVLAN_MACADDR_SET:
		vmux_source_flush(vdev);
		break;
	}
	/* Queued head first: reverse to keep the user's order in dumps. */
	hlist_for_each_entry_safe(e, tmp, &c->add, hnode) {
		hlist_del(&e->hnode);
		hlist_add_head(&e->hnode, &rev);
	}
	INIT_HLIST_HEAD(&c->add);
	hlist_for_each_entry_safe(e, tmp, &rev, hnode) {
		hlist_del(&e->hnode);
		vmux_source_add(vdev, e);
	}
}

/* ---- receive ---------------------------------------------------------- */

static void vmux_mv_count_rx(struct vmux_dev *vdev, unsigned int len,
			     bool ok, bool mcast)
{
	if (likely(ok))
		vmux_count_rx(vdev, len, mcast);
	else
		vmux_drop(vdev, VMUX_DROP_NOMEM);
}

static int vmux_mv_broadcast_one(struct sk_buff *skb, struct vmux_dev *vdev,
				 const struct ethhdr *eth, bool local)
{
	struct net_device *dev = vdev->dev;

	if (local)
		return __dev_forward_skb(dev, skb);
	skb->dev = dev;
	if (ether_addr_equal_64bits(eth->h_dest, dev->broadcast))
		skb->pkt_type = PACKET_BROADCAST;
	else
		skb->pkt_type = PACKET_MULTICAST;
	return 0;
}

/* A copy to every UP macvlan in @modes (but @src) that subscribes. */
/* Copies of a group frame to the macvlans @modes lets have it, less @src;
 * @lost: the port's queue had no room for it, count it on each instead.
 */
static void vmux_mv_broadcast(struct sk_buff *skb, struct vmux_port *port,
			      struct net_device *src, u32 modes, bool lost)
{
	const struct ethhdr *eth = eth_hdr(skb);
	unsigned int hash = vmux_mac_hash(eth->h_dest, VMUX_MC_FILTER_BITS);
	struct vmux_dev *v;
	struct sk_buff *nskb;
	int err;

	if (skb->protocol == htons(ETH_P_PAUSE))
		return;

	list_for_each_entry_rcu(v, &port->children, list) {
		if (v->kind != VMUX_T_MACVLAN || v->dev == src ||
		    !(READ_ONCE(v->mv.mode) & modes) ||
		    !(v->dev->flags & IFF_UP) ||
		    !test_bit(hash, v->mv.mc_filter))
			continue;
		if (unlikely(lost)) {
			this_cpu_inc(v->stats->drops[VMUX_DROP_BC_QUEUE_FULL]);
			continue;
		}
		err = NET_RX_DROP;
		nskb = skb_clone(skb, GFP_ATOMIC);
		if (likely(nskb))
			err = vmux_mv_broadcast_one(nskb, v, eth,
						    modes == VMUX_MACVLAN_MODE_BRIDGE) ?:
			      netif_rx(nskb);
		vmux_mv_count_rx(v, skb->len + ETH_HLEN, err == NET_RX_SUCCESS,
				 true);
	}
}

/* The flooding rules of macvlan_process_broadcast(). */
static void vmux_mv_multicast_rx(struct sk_buff *skb, struct vmux_port *port,
				 struct vmux_dev *src, bool lost)
{
	if (!src)
		vmux_mv_broadcast(skb, port, NULL,
				  VMUX_MACVLAN_MODE_PRIVATE | VMUX_MACVLAN_MODE_VEPA |
				  VMUX_MACVLAN_MODE_PASSTHRU | VMUX_MACVLAN_MODE_BRIDGE,
				  lost);
	else if (READ_ONCE(src->mv.mode) == VMUX_MACVLAN_MODE_VEPA)
		vmux_mv_broadcast(skb, port, src->dev,
				  VMUX_MACVLAN_MODE_VEPA | VMUX_MACVLAN_MODE_BRIDGE, lost);
	else	/* bridge ports saw it on the way out already */
		vmux_mv_broadcast(skb, port, src->dev, VMUX_MACVLAN_MODE_VEPA, lost);
}

/* The port's queue worker hands us what vmux_mv_enqueue() queued. */
static void vmux_macvlan_bc_deliver(struct vmux_port *port, struct sk_buff *skb,
				    struct vmux_dev *src, bool tx)
{
	rcu_read_lock();
	vmux_mv_multicast_rx(skb, port, src, false);
	rcu_read_unlock();
	consume_skb(skb);
}

/* The queue was full: each macvlan that would have had a copy counts it. */
static void vmux_macvlan_bc_lost(struct vmux_port *port, struct sk_buff *skb,
				 struct vmux_dev *src, bool tx)
{
	vmux_mv_multicast_rx(skb, port, src, true);
}

static void vmux_mv_enqueue(struct vmux_port *port, struct vmux_dev *src,
			    struct sk_buff *skb)
{
	struct sk_buff *nskb = skb_clone(skb, GFP_ATOMIC);

	if (!nskb) {
		vmux_port_drop(port, VMUX_DROP_NOMEM);
		dev_core_stats_rx_dropped_inc(skb->dev);
		return;
	}
	vmux_port_bc_enqueue(port, nskb, skb->dev, src, VMUX_T_MACVLAN, false,
			     READ_ONCE(port->bc_queue_len_used));
}

static void vmux_mv_source_one(struct sk_buff *skb, struct vmux_dev *vdev)
{
	struct net_device *dev = vdev->dev;
	struct sk_buff *nskb;
	unsigned int len;

	if (unlikely(!(dev->flags & IFF_UP))) {
		vmux_drop(vdev, VMUX_DROP_CHILD_DOWN);
		return;
	}
	nskb = skb_clone(skb, GFP_ATOMIC);
	if (!nskb) {
		vmux_drop(vdev, VMUX_DROP_NOMEM);
		return;
	}
	len = nskb->len + ETH_HLEN;
	nskb->dev = dev;
	if (ether_addr_equal_64bits(eth_hdr(skb)->h_dest, dev->dev_addr))
		nskb->pkt_type = PACKET_HOST;
	vmux_mv_count_rx(vdev, len, __netif_rx(nskb) == NET_RX_SUCCESS, false);
}

/* Copies to source-mode devices listing the sender; true: consume (nodst). */
static bool vmux_mv_forward_source(struct sk_buff *skb, struct vmux_port *port,
				   const unsigned char *addr)
{
	/* Pairs with smp_store_release() in vmux_sources_alloc(). */
	struct hlist_head *sources = smp_load_acquire(&port->sources);
	struct vmux_source *e;
	bool consume = false;

	if (!sources)
		return false;
	hlist_for_each_entry_rcu(e, &sources[vmux_mac_hash(addr, VMUX_SOURCE_HASH_BITS)],
				 hnode) {
		if (!ether_addr_equal_64bits(e->addr, addr))
			continue;
		if (READ_ONCE(e->vdev->mv.flags) & VMUX_MACVLAN_FLAG_NODST)
			consume = true;
		vmux_mv_source_one(skb, e->vdev);
	}
	return consume;
}

static struct vmux_dev *vmux_mv_passthru_child(struct vmux_port *port)
{
	return list_first_or_null_rcu(&port->children, struct vmux_dev, list);
}

rx_handler_result_t vmux_macvlan_rx(struct vmux_port *port,
				    struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	const struct ethhdr *eth = eth_hdr(skb);
	struct vmux_dev *vdev, *src;
	unsigned int len, hash;

	if (is_multicast_ether_addr(eth->h_dest)) {
		skb = ip_check_defrag(dev_net(skb->dev), skb, IP_DEFRAG_MACVLAN);
		*pskb = skb;
		if (!skb)
			return RX_HANDLER_CONSUMED;
		eth = eth_hdr(skb);
		if (READ_ONCE(port->nr_sources) &&
		    vmux_mv_forward_source(skb, port, eth->h_source)) {
			kfree_skb(skb);
			return RX_HANDLER_CONSUMED;
		}
		src = vmux_mac_lookup(port, eth->h_source);
		if (src && READ_ONCE(src->mv.mode) != VMUX_MACVLAN_MODE_VEPA &&
		    READ_ONCE(src->mv.mode) != VMUX_MACVLAN_MODE_BRIDGE) {
			/* Reflected from an isolated sender: back to it only. */
			vmux_port_drop(port, VMUX_DROP_MODE);
			len = skb->len + ETH_HLEN;
			vmux_mv_count_rx(src, len,
					 !vmux_mv_broadcast_one(skb, src, eth, false) &&
					 __netif_rx(skb) == NET_RX_SUCCESS, true);
			return RX_HANDLER_CONSUMED;
		}
		hash = vmux_mac_hash(eth->h_dest, VMUX_MC_FILTER_BITS);
		if (test_bit(hash, port->bc_filter))
			vmux_mv_enqueue(port, src, skb);
		else if (test_bit(hash, port->mc_filter))
			vmux_mv_multicast_rx(skb, port, src, false);
		return RX_HANDLER_PASS;
	}

	if (READ_ONCE(port->nr_sources) &&
	    vmux_mv_forward_source(skb, port, eth->h_source)) {
		kfree_skb(skb);
		return RX_HANDLER_CONSUMED;
	}
	if (READ_ONCE(port->passthru)) {
		vdev = vmux_mv_passthru_child(port);
	} else {
		/* The lower's own, unless a child has its address. */
		if (!READ_ONCE(port->mac_shadow) &&
		    ether_addr_equal_64bits(eth->h_dest, port->dev->dev_addr))
			return RX_HANDLER_PASS;
		vdev = vmux_mac_lookup(port, eth->h_dest);
	}
	if (!vdev)
		return RX_HANDLER_PASS;
	if (READ_ONCE(vdev->mv.mode) == VMUX_MACVLAN_MODE_SOURCE) {
		/* Only listed senders reach a source-mode device. */
		vmux_drop(vdev, VMUX_DROP_SOURCE_FILTER);
		return RX_HANDLER_PASS;
	}
	if (unlikely(!(vdev->dev->flags & IFF_UP))) {
		vmux_drop(vdev, VMUX_DROP_CHILD_DOWN);
		kfree_skb(skb);
		return RX_HANDLER_CONSUMED;
	}
	len = skb->len + ETH_HLEN;
	skb = skb_share_check(skb, GFP_ATOMIC);
	*pskb = skb;
	if (!skb) {
		vmux_drop(vdev, VMUX_DROP_NOMEM);
		return RX_HANDLER_CONSUMED;
	}
	skb->dev = vdev->dev;
	skb->pkt_type = PACKET_HOST;
	vmux_count_rx(vdev, len, false);
	return RX_HANDLER_ANOTHER;
}

/* ---- transmit --------------------------------------------------------- */

static netdev_tx_t vmux_macvlan_xmit(struct sk_buff *skb,
				     struct net_device *dev)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	unsigned int len = skb->len;
	struct vmux_dev *dest;
	int ret;

	/* Straight to the wire, as macvlan does: no local delivery. */
	if (unlikely(netpoll_tx_running(dev)))
		return vmux_netpoll_xmit(vdev, skb);
	if (READ_ONCE(vdev->mv.mode) == VMUX_MACVLAN_MODE_BRIDGE) {
		const struct ethhdr *eth = skb_eth_hdr(skb);

		if (is_multicast_ether_addr(eth->h_dest)) {
			/* Local bridge-mode siblings first, then the wire. */
			skb_reset_mac_header(skb);
			rcu_read_lock();
			vmux_mv_broadcast(skb, vdev->port, dev,
					  VMUX_MACVLAN_MODE_BRIDGE, false);
			rcu_read_unlock();
		} else {
			/* The core's rcu_read_lock_bh() covers the lookup. */
			dest = vmux_mac_lookup(vdev->port, eth->h_dest);
			if (dest && READ_ONCE(dest->mv.mode) == VMUX_MACVLAN_MODE_BRIDGE) {
				/* Through the lower, so its taps see it too. */
				ret = dev_forward_skb(vdev->lower, skb);
				vmux_count_tx(vdev, len, ret == NET_RX_SUCCESS ?
					      NET_XMIT_SUCCESS : NET_XMIT_DROP);
				return NETDEV_TX_OK;
			}
		}
	}
	skb->dev = vdev->lower;
	ret = dev_queue_xmit_accel(skb, NULL);
	vmux_count_tx(vdev, len, ret);
	return ret;
}

static int vmux_macvlan_hard_header(struct sk_buff *skb, struct net_device *dev,
				    unsigned short type, const void *daddr,
				    const void *saddr, unsigned int len)
{
	return dev_hard_header(skb, vmux_priv(dev)->lower, type, daddr,
			       saddr ?: dev->dev_addr, len);
}

static const struct header_ops vmux_macvlan_header_ops = {
	.create		= vmux_macvlan_hard_header,
	.parse		= eth_header_parse,
	.cache		= eth_header_cache,
	.cache_update	= eth_header_cache_update,
};

/* ---- net_device_ops ---------------------------------------------------- */

static const struct device_type vmux_macvlan_type = {
	.name = VMUX_KIND_MACVLAN,
};

static int vmux_macvlan_init(struct net_device *dev)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	struct net_device *lower = vdev->lower;

	netif_carrier_off(dev);
	vmux_inherit_features(dev, lower, VMUX_MV_FEATURES,
			      VMUX_MV_ALWAYS_ON_OFFLOADS, VMUX_MV_ALWAYS_ON);
	dev->hw_features |= NETIF_F_LRO;
	vdev->mv.set_features = VMUX_MV_FEATURES;
	SET_NETDEV_DEVTYPE(dev, &vmux_macvlan_type);
	return vmux_dev_common_init(dev);
}

/* By the mode, not port->passthru: dellink clears that before the device
 * is closed.
 */
static bool vmux_mv_passthru(const struct vmux_dev *vdev)
{
	return vdev->mv.mode == VMUX_MACVLAN_MODE_PASSTHRU;
}

/* The flags a child holds on the lower while up (vmux_rx_flags_open()):
 * passthru makes the lower promiscuous for the device (unless nopromisc),
 * not for its flag, as macvlan. ALLMULTI in every mode: macvlan leaves it
 * out of open and stop for passthru but follows it while up, and
 * underflows.
 */
static unsigned int vmux_mv_rx_flags(const struct vmux_dev *vdev)
{
	return vmux_mv_passthru(vdev) ? IFF_ALLMULTI : IFF_ALLMULTI | IFF_PROMISC;
}

/* What an up child holds on the lower for its address: an entry in its
 * unicast filter or, passthru, its promiscuity (unless nopromisc).
 */
static int vmux_mv_hold_addr(struct vmux_dev *vdev, bool hold)
{
	struct net_device *lower = vdev->lower;

	if (!vmux_mv_passthru(vdev))
		return hold ? dev_uc_add(lower, vdev->dev->dev_addr) :
			      dev_uc_del(lower, vdev->dev->dev_addr);
	if (vdev->mv.flags & VMUX_MACVLAN_FLAG_NOPROMISC)
		return 0;
	return dev_set_promiscuity(lower, hold ? 1 : -1);
}

static int vmux_macvlan_open(struct net_device *dev)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	int err;

	if (!vmux_mv_passthru(vdev) && vmux_mac_busy(vdev->port, dev->dev_addr))
		return -EADDRINUSE;
	err = vmux_mv_hold_addr(vdev, true);
	if (err < 0)
		return err;
	err = vmux_rx_flags_open(vdev, vmux_mv_rx_flags(vdev));
	if (err < 0)
		goto release_addr;
	err = vmux_mac_hash_add(vdev);
	if (err < 0)
		goto release_flags;
	vmux_transfer_operstate(vdev->lower, dev);
	return 0;

release_flags:
	vmux_rx_flags_stop(vdev, vmux_mv_rx_flags(vdev));
release_addr:
	vmux_mv_hold_addr(vdev, false);
	return err == -EEXIST ? -EADDRINUSE : err;
}

static int vmux_macvlan_stop(struct net_device *dev)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	struct net_device *lower = vdev->lower;

	dev_uc_unsync(lower, dev);
	dev_mc_unsync(lower, dev);
	vmux_rx_flags_stop(vdev, vmux_mv_rx_flags(vdev));
	vmux_mv_hold_addr(vdev, false);
	vmux_mac_hash_del(vdev);
	netif_carrier_off(dev);
	return 0;
}

/* Takes @addr while keeping hash and lower filter right. */
static int vmux_macvlan_sync_address(struct net_device *dev,
				     const unsigned char *addr)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	struct vmux_port *port = vdev->port;
	struct net_device *lower = vdev->lower;
	int err;

	if (!(dev->flags & IFF_UP)) {
		eth_hw_addr_set(dev, addr);
	} else {
		u8 old[ETH_ALEN];

		if (vmux_mac_busy(port, addr))
			return -EADDRINUSE;
		if (!port->passthru) {
			err = dev_uc_add(lower, addr);
			if (err)
				return err;
		}
		ether_addr_copy(old, dev->dev_addr);
		vmux_mac_hash_del(vdev);
		eth_hw_addr_set(dev, addr);
		/* Busy was checked under RTNL, but an insert may still need
		 * memory: then everything goes back as it was.
		 */
		err = vmux_mac_hash_add(vdev);
		if (err) {
			eth_hw_addr_set(dev, old);
			if (vmux_mac_hash_add(vdev))
				netdev_warn(dev, "no memory to restore the MAC table entry\n");
			if (!port->passthru)
				dev_uc_del(lower, addr);
			return err == -EEXIST ? -EADDRINUSE : err;
		}
		if (!port->passthru)
			dev_uc_del(lower, old);
	}
	/* A change the user made on the lower itself: restore that one. */
	if (port->passthru && !port->addr_change)
		ether_addr_copy(port->perm_addr, lower->dev_addr);
	port->addr_change = false;
	return 0;
}

static int vmux_macvlan_set_mac_address(struct net_device *dev, void *p)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	struct sockaddr *addr = p;

	if (!is_valid_ether_addr(addr->sa_data))
		return -EADDRNOTAVAIL;
	if (ether_addr_equal(dev->dev_addr, addr->sa_data))
		return 0;
	if (vdev->mv.mode == VMUX_MACVLAN_MODE_PASSTHRU) {
		/* Passthru shares the lower's address: change that one. */
		vdev->port->addr_change = true;
		return dev_set_mac_address(vdev->lower, addr, NULL);
	}
	if (vmux_mac_busy(vdev->port, addr->sa_data) ||
	    vmux_mac_taken(vdev->port, addr->sa_data, vdev))
		return -EADDRINUSE;
	return vmux_macvlan_sync_address(dev, addr->sa_data);
}

static int vmux_macvlan_change_mtu(struct net_device *dev, int new_mtu)
{
	if (vmux_priv(dev)->lower->mtu < new_mtu)
		return -EINVAL;
	dev->mtu = new_mtu;
	return 0;
}

static void vmux_mv_compute_filter(unsigned long *filter,
				   struct net_device *dev)
{
	struct netdev_hw_addr *ha;

	if (dev->flags & (IFF_PROMISC | IFF_ALLMULTI)) {
		bitmap_fill(filter, VMUX_MC_FILTER_SZ);
		return;
	}
	bitmap_zero(filter, VMUX_MC_FILTER_SZ);
	netdev_for_each_mc_addr(ha, dev)
		__set_bit(vmux_mac_hash(ha->addr, VMUX_MC_FILTER_BITS), filter);
	__set_bit(vmux_mac_hash(dev->broadcast, VMUX_MC_FILTER_BITS), filter);
}

/* The port filters, from what the children synced to the lower (6.4+):
 * groups with more than bc_cutoff subscribers go through the queue.
 */
static void vmux_mv_port_filters(struct vmux_port *port)
{
	DECLARE_BITMAP(mc, VMUX_MC_FILTER_SZ);
	DECLARE_BITMAP(bc, VMUX_MC_FILTER_SZ);
	struct net_device *lower = port->dev;
	int cutoff = READ_ONCE(port->bc_cutoff);
	struct netdev_hw_addr *ha;
	unsigned int h;

	bitmap_zero(bc, VMUX_MC_FILTER_SZ);
	if (lower->flags & (IFF_PROMISC | IFF_ALLMULTI))
		bitmap_fill(mc, VMUX_MC_FILTER_SZ);
	else
		bitmap_zero(mc, VMUX_MC_FILTER_SZ);
	h = vmux_mac_hash(lower->broadcast, VMUX_MC_FILTER_BITS);
	__set_bit(h, mc);
	if (cutoff >= 0)
		__set_bit(h, bc);
	netif_addr_lock_bh(lower);
	netdev_for_each_mc_addr(ha, lower) {
		if (!ha->synced)
			continue;
		h = vmux_mac_hash(ha->addr, VMUX_MC_FILTER_BITS);
		__set_bit(h, mc);
		if (cutoff >= 0 && ha->synced > cutoff)
			__set_bit(h, bc);
	}
	netif_addr_unlock_bh(lower);
	bitmap_copy(port->mc_filter, mc, VMUX_MC_FILTER_SZ);
	bitmap_copy(port->bc_filter, bc, VMUX_MC_FILTER_SZ);
}

static void vmux_macvlan_set_rx_mode(struct net_device *dev)
{
	struct vmux_dev *vdev = vmux_priv(dev);

	vmux_mv_compute_filter(vdev->mv.mc_filter, dev);
	dev_uc_sync(vdev->lower, dev);
	dev_mc_sync(vdev->lower, dev);
	vmux_mv_port_filters(vdev->port);
}

static void vmux_macvlan_change_rx_flags(struct net_device *dev, int change)
{
	struct vmux_dev *vdev = vmux_priv(dev);

	vmux_rx_flags_change(vdev, change, vmux_mv_rx_flags(vdev));
}

static netdev_features_t vmux_macvlan_fix_features(struct net_device *dev,
						   netdev_features_t features)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	netdev_features_t lower_features = vdev->lower->features;
	netdev_features_t mask;

	features |= NETIF_F_ALL_FOR_ALL;
	features &= vdev->mv.set_features | ~VMUX_MV_FEATURES;
	mask = features;
	lower_features &= features | ~NETIF_F_LRO;
	features = netdev_increment_features(lower_features, features, mask);
	features |= VMUX_MV_ALWAYS_ON;
	return features & (VMUX_MV_ALWAYS_ON | VMUX_MV_FEATURES);
}

static int vmux_macvlan_vlan_rx_add_vid(struct net_device *dev, __be16 proto,
					u16 vid)
{
	return vlan_vid_add(vmux_priv(dev)->lower, proto, vid);
}

static int vmux_macvlan_vlan_rx_kill_vid(struct net_device *dev, __be16 proto,
					 u16 vid)
{
	vlan_vid_del(vmux_priv(dev)->lower, proto, vid);
	return 0;
}

static int vmux_macvlan_fdb_add(struct ndmsg *ndm, struct nlattr *tb[],
				struct net_device *dev,
				const unsigned char *addr, u16 vid, u16 flags,
				struct netlink_ext_ack *extack)
{
	/* Unicast filters only on passthru, multicast on every mode. */
	if (!vmux_priv(dev)->port->passthru && is_unicast_ether_addr(addr)) {
		NL_SET_ERR_MSG_MOD(extack,
				   "Unicast fdb entries need mode passthru");
		return -EOPNOTSUPP;
	}
	if (flags & NLM_F_REPLACE)
		return -EOPNOTSUPP;
	if (is_unicast_ether_addr(addr))
		return dev_uc_add_excl(dev, addr);
	if (is_multicast_ether_addr(addr))
		return dev_mc_add_excl(dev, addr);
	return -EINVAL;
}

static int vmux_macvlan_fdb_del(struct ndmsg *ndm, struct nlattr *tb[],
				struct net_device *dev,
				const unsigned char *addr, u16 vid,
				struct netlink_ext_ack *extack)
{
	if (is_unicast_ether_addr(addr))
		return dev_uc_del(dev, addr);
	if (is_multicast_ether_addr(addr))
		return dev_mc_del(dev, addr);
	return -EINVAL;
}

static const struct net_device_ops vmux_macvlan_netdev_ops = {
	.ndo_init		= vmux_macvlan_init,
	.ndo_uninit		= vmux_dev_common_uninit,
	.ndo_open		= vmux_macvlan_open,
	.ndo_stop		= vmux_macvlan_stop,
	.ndo_start_xmit		= vmux_macvlan_xmit,
	.ndo_change_mtu		= vmux_macvlan_change_mtu,
	.ndo_fix_features	= vmux_macvlan_fix_features,
	.ndo_change_rx_flags	= vmux_macvlan_change_rx_flags,
	.ndo_set_mac_address	= vmux_macvlan_set_mac_address,
	.ndo_set_rx_mode	= vmux_macvlan_set_rx_mode,
	.ndo_get_stats64	= vmux_get_stats64,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_vlan_rx_add_vid	= vmux_macvlan_vlan_rx_add_vid,
	.ndo_vlan_rx_kill_vid	= vmux_macvlan_vlan_rx_kill_vid,
	.ndo_fdb_add		= vmux_macvlan_fdb_add,
	.ndo_fdb_del		= vmux_macvlan_fdb_del,
	.ndo_fdb_dump		= ndo_dflt_fdb_dump,
	.ndo_eth_ioctl		= vmux_eth_ioctl,
	VMUX_NDO_HWTSTAMP
	.ndo_get_iflink		= vmux_get_iflink,
	.ndo_features_check	= passthru_features_check,
#ifdef CONFIG_NET_POLL_CONTROLLER
	.ndo_poll_controller	= vmux_poll_controller,
	.ndo_netpoll_setup	= vmux_netpoll_setup,
	.ndo_netpoll_cleanup	= vmux_netpoll_cleanup,
#endif
};

static void vmux_macvlan_setup(struct net_device *dev)
{
	vmux_setup(dev);
	vmux_set_change_proto_down(dev);
	dev->netdev_ops = &vmux_macvlan_netdev_ops;
	dev->header_ops = &vmux_macvlan_header_ops;
	dev->min_mtu = ETH_MIN_MTU;
}

/* ---- netlink ---------------------------------------------------------- */

static const struct nla_policy vmux_macvlan_policy[IFLA_VMUX_MACVLAN_MAX + 1] = {
	[IFLA_VMUX_MACVLAN_MODE]		= { .type = NLA_U32 },
	[IFLA_VMUX_MACVLAN_FLAGS]		= { .type = NLA_U16 },
	[IFLA_VMUX_MACVLAN_MACADDR_MODE]	= { .type = NLA_U32 },
	[IFLA_VMUX_MACVLAN_MACADDR]		= NLA_POLICY_ETH_ADDR,
	[IFLA_VMUX_MACVLAN_MACADDR_DATA]	= { .type = NLA_NESTED },
	[IFLA_VMUX_MACVLAN_MACADDR_COUNT]	= {
		.type = NLA_REJECT,
		.reject_message = "macaddr_count is read-only",
	},
	[IFLA_VMUX_MACVLAN_BC_QUEUE_LEN]	= { .type = NLA_U32 },
	[IFLA_VMUX_MACVLAN_BC_QUEUE_LEN_USED]	= {
		.type = NLA_REJECT,
		.reject_message = "usedbcqueuelen is read-only",
	},
	[IFLA_VMUX_MACVLAN_BC_CUTOFF]		= { .type = NLA_S32 },
};

static int vmux_mv_check_addr(struct nlattr *attr,
			      struct netlink_ext_ack *extack)
{
	if (nla_type(attr) != IFLA_VMUX_MACVLAN_MACADDR ||
	    nla_len(attr) != ETH_ALEN) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "Invalid source MAC entry");
		return -EINVAL;
	}
	if (!is_valid_ether_addr(nla_data(attr))) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "Source MAC is not a valid unicast address");
		return -EADDRNOTAVAIL;
	}
	return 0;
}

static int vmux_macvlan_validate(struct nlattr *tb[], struct nlattr *data[],
				 struct netlink_ext_ack *extack)
{
	struct nlattr *nla;
	int rem, err;
	u32 mode;

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
	if (!data)
		return 0;
	if (data[IFLA_VMUX_MACVLAN_FLAGS] &&
	    nla_get_u16(data[IFLA_VMUX_MACVLAN_FLAGS]) & ~VMUX_MV_ALL_FLAGS) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VMUX_MACVLAN_FLAGS],
				    "Invalid macvlan flags");
		return -EINVAL;
	}
	if (data[IFLA_VMUX_MACVLAN_MODE]) {
		mode = nla_get_u32(data[IFLA_VMUX_MACVLAN_MODE]);
		if (!is_power_of_2(mode) || mode & ~VMUX_MV_ALL_MODES) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VMUX_MACVLAN_MODE],
					    "Invalid macvlan mode");
			return -EINVAL;
		}
	}
	/* The s16 .max of a 6.1 policy cannot say it: checked here. */
	if (data[IFLA_VMUX_MACVLAN_BC_QUEUE_LEN] &&
	    nla_get_u32(data[IFLA_VMUX_MACVLAN_BC_QUEUE_LEN]) >
	    VMUX_MACVLAN_MAX_BC_QUEUE_LEN) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VMUX_MACVLAN_BC_QUEUE_LEN],
				    "bcqueuelen is at most 65536 (VMUX_MACVLAN_MAX_BC_QUEUE_LEN)");
		return -ERANGE;
	}
	if (data[IFLA_VMUX_MACVLAN_MACADDR_MODE] &&
	    nla_get_u32(data[IFLA_VMUX_MACVLAN_MACADDR_MODE]) > VMUX_MACVLAN_MACADDR_SET) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VMUX_MACVLAN_MACADDR_MODE],
				    "Invalid macaddr mode");
		return -EINVAL;
	}
	if (data[IFLA_VMUX_MACVLAN_MACADDR]) {
		err = vmux_mv_check_addr(data[IFLA_VMUX_MACVLAN_MACADDR], extack);
		if (err)
			return err;
	}
	if (data[IFLA_VMUX_MACVLAN_MACADDR_DATA]) {
		nla_for_each_nested(nla, data[IFLA_VMUX_MACVLAN_MACADDR_DATA], rem) {
			err = vmux_mv_check_addr(nla, extack);
			if (err)
				return err;
		}
	}
	return 0;
}

static void vmux_mv_update_bc_queue_len(struct vmux_port *port)
{
	struct vmux_dev *v;
	u32 max = 0;

	list_for_each_entry(v, &port->children, list)
		if (v->kind == VMUX_T_MACVLAN && v->mv.bc_queue_len_req > max)
			max = v->mv.bc_queue_len_req;
	WRITE_ONCE(port->bc_queue_len_used, max);
}

static void vmux_mv_set_bc_cutoff(struct vmux_port *port, int cutoff)
{
	if (port->bc_cutoff == cutoff)
		return;
	WRITE_ONCE(port->bc_cutoff, cutoff);
	vmux_mv_port_filters(port);
}

/* The in-kernel macvlan uses the real lower for a macvlan lower. */
static struct net_device *vmux_mv_real_lower(struct net_device *lower)
{
	return vmux_is_macvlan(lower) ? vmux_priv(lower)->lower : lower;
}

static int vmux_macvlan_newlink(struct net *src_net, struct net_device *dev,
				struct nlattr *tb[], struct nlattr *data[],
				struct netlink_ext_ack *extack)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	struct vmux_source_change chg;
	struct vmux_port *port;
	struct net_device *lower;
	int err;

	lower = vmux_lower_from_tb(src_net, tb, extack);
	if (IS_ERR(lower))
		return PTR_ERR(lower);
	lower = vmux_mv_real_lower(lower);

	vdev->dev = dev;
	vdev->lower = lower;
	vdev->kind = VMUX_T_MACVLAN;
	vdev->mv.mode = VMUX_MACVLAN_MODE_VEPA;
	vdev->mv.bc_queue_len_req = VMUX_MACVLAN_DEFAULT_BC_QUEUE_LEN;
	if (data && data[IFLA_VMUX_MACVLAN_MODE])
		vdev->mv.mode = nla_get_u32(data[IFLA_VMUX_MACVLAN_MODE]);
	if (data && data[IFLA_VMUX_MACVLAN_FLAGS])
		vdev->mv.flags = nla_get_u16(data[IFLA_VMUX_MACVLAN_FLAGS]);
	if (data && data[IFLA_VMUX_MACVLAN_BC_QUEUE_LEN])
		vdev->mv.bc_queue_len_req =
			nla_get_u32(data[IFLA_VMUX_MACVLAN_BC_QUEUE_LEN]);

	err = vmux_lower_check(lower, extack);
	if (err)
		return err;
	port = vmux_port_rtnl(lower);
	if (vdev->mv.mode == VMUX_MACVLAN_MODE_PASSTHRU && port) {
		NL_SET_ERR_MSG_MOD(extack,
				   "mode passthru needs a lower with no other vmux device");
		return -EINVAL;
	}
	if (!tb[IFLA_MTU]) {
		dev->mtu = lower->mtu;
	} else if (dev->mtu > lower->mtu) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_MTU],
				    "MTU exceeds the lower device's MTU");
		return -EINVAL;
	}
	dev->max_mtu = lower->max_mtu;

	if (vdev->mv.mode == VMUX_MACVLAN_MODE_PASSTHRU) {
		eth_hw_addr_inherit(dev, lower);
	} else if (!tb[IFLA_ADDRESS]) {
		eth_hw_addr_random(dev);
	} else if (port && (vmux_mac_taken(port, dev->dev_addr, vdev) ||
			    ether_addr_equal(dev->dev_addr, lower->dev_addr))) {
		NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
				    "Address already used on this lower");
		return -EADDRINUSE;
	}

	INIT_HLIST_HEAD(&vdev->mv.pending);
	err = vmux_source_prepare(vdev, vdev->mv.mode, data, &chg, extack);
	if (err)
		return err;
	hlist_move_list(&chg.add, &vdev->mv.pending);

	err = vmux_attach(vdev, &vmux_macvlan_kind, extack);
	if (err) {
		hlist_move_list(&vdev->mv.pending, &chg.add);
		vmux_source_change_free(&chg);
		return err;
	}
	port = vdev->port;
	if (data && data[IFLA_VMUX_MACVLAN_BC_CUTOFF])
		vmux_mv_set_bc_cutoff(port,
				      nla_get_s32(data[IFLA_VMUX_MACVLAN_BC_CUTOFF]));
	vmux_mv_update_bc_queue_len(port);
	return 0;
}

/* Called by vmux_attach(): the device is registered and linked. */
static int vmux_macvlan_add_keys(struct vmux_dev *vdev,
				 struct netlink_ext_ack *extack)
{
	struct vmux_port *port = vdev->port;
	struct vmux_source_change chg = {
		.op = VMUX_MACVLAN_MACADDR_ADD, .valid = true,
	};

	if (!hlist_empty(&vdev->mv.pending) && vmux_sources_alloc(port)) {
		NL_SET_ERR_MSG_MOD(extack, "No memory for the source list");
		return -ENOMEM;
	}
	if (vdev->mv.mode == VMUX_MACVLAN_MODE_PASSTHRU) {
		port->passthru = true;
		ether_addr_copy(port->perm_addr, vdev->lower->dev_addr);
	}
	hlist_move_list(&vdev->mv.pending, &chg.add);
	vmux_source_commit(vdev, &chg);
	return 0;
}

static void vmux_macvlan_del_keys(struct vmux_dev *vdev)
{
	struct vmux_port *port = vdev->port;
	struct net_device *lower = vdev->lower;
	struct sockaddr sa;

	vmux_source_flush(vdev);
	vmux_mv_update_bc_queue_len(port);
	if (vdev->mv.mode != VMUX_MACVLAN_MODE_PASSTHRU)
		return;
	port->passthru = false;
	/* As macvlan: give the lower back the address it had. */
	if (!ether_addr_equal(lower->dev_addr, port->perm_addr)) {
		sa.sa_family = lower->type;
		memcpy(sa.sa_data, port->perm_addr, lower->addr_len);
		dev_set_mac_address(lower, &sa, NULL);
	}
}

/* What a child's owner may change alone is the child's own business: its
 * mode among private, vepa and bridge. Everything else reaches the lower
 * or the other children: source entries copy (nodst: take) frames other
 * devices receive, bcqueuelen and bclim are the port's, nopromisc sets the
 * lower's promiscuity in passthru.
 */
static int vmux_macvlan_may_change(struct vmux_dev *vdev, struct nlattr *data[],
				   u32 mode, u16 flags,
				   struct netlink_ext_ack *extack)
{
	const struct vmux_macvlan *mv = &vdev->mv;
	struct nlattr *a;

	if (data[IFLA_VMUX_MACVLAN_MACADDR_MODE] ||
	    (mode == VMUX_MACVLAN_MODE_SOURCE && mv->mode != mode))
		return vmux_lower_capable(vdev->lower, VMUX_CAP_MACVLAN_SOURCE,
					  extack);
	if (flags != mv->flags)
		return vmux_lower_capable(vdev->lower, VMUX_CAP_MACVLAN_FLAGS,
					  extack);
	a = data[IFLA_VMUX_MACVLAN_BC_QUEUE_LEN];
	if (a && nla_get_u32(a) != mv->bc_queue_len_req)
		return vmux_lower_capable(vdev->lower, VMUX_CAP_MACVLAN_PORT,
					  extack);
	a = data[IFLA_VMUX_MACVLAN_BC_CUTOFF];
	if (a && nla_get_s32(a) != vdev->port->bc_cutoff)
		return vmux_lower_capable(vdev->lower, VMUX_CAP_MACVLAN_PORT,
					  extack);
	return 0;
}

static int vmux_macvlan_changelink(struct net_device *dev, struct nlattr *tb[],
				   struct nlattr *data[],
				   struct netlink_ext_ack *extack)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	struct vmux_macvlan *mv = &vdev->mv;
	struct vmux_source_change chg;
	u32 mode = mv->mode;
	u16 flags = mv->flags;
	int err;

	if (!data)
		return 0;
	if (data[IFLA_VMUX_MACVLAN_MODE]) {
		mode = nla_get_u32(data[IFLA_VMUX_MACVLAN_MODE]);
		if ((mode == VMUX_MACVLAN_MODE_PASSTHRU) !=
		    (mv->mode == VMUX_MACVLAN_MODE_PASSTHRU)) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VMUX_MACVLAN_MODE],
					    "Mode passthru can be neither entered nor left");
			return -EINVAL;
		}
	}
	if (data[IFLA_VMUX_MACVLAN_FLAGS])
		flags = nla_get_u16(data[IFLA_VMUX_MACVLAN_FLAGS]);
	err = vmux_macvlan_may_change(vdev, data, mode, flags, extack);
	if (err)
		return err;

	err = vmux_source_prepare(vdev, mode, data, &chg, extack);
	if (err)
		return err;

	/* The only step that can fail once the rest is known good. */
	if (vdev->port->passthru && dev->flags & IFF_UP &&
	    (flags ^ mv->flags) & VMUX_MACVLAN_FLAG_NOPROMISC) {
		err = dev_set_promiscuity(vdev->lower,
					  flags & VMUX_MACVLAN_FLAG_NOPROMISC ? -1 : 1);
		if (err < 0) {
			vmux_source_change_free(&chg);
			return err;
		}
	}
	WRITE_ONCE(mv->flags, flags);
	/* Leaving source mode drops the list, as macvlan does. */
	if (mv->mode == VMUX_MACVLAN_MODE_SOURCE && mode != mv->mode)
		vmux_source_flush(vdev);
	WRITE_ONCE(mv->mode, mode);
	vmux_source_commit(vdev, &chg);
	if (data[IFLA_VMUX_MACVLAN_BC_QUEUE_LEN]) {
		mv->bc_queue_len_req = nla_get_u32(data[IFLA_VMUX_MACVLAN_BC_QUEUE_LEN]);
		vmux_mv_update_bc_queue_len(vdev->port);
	}
	if (data[IFLA_VMUX_MACVLAN_BC_CUTOFF])
		vmux_mv_set_bc_cutoff(vdev->port,
				      nla_get_s32(data[IFLA_VMUX_MACVLAN_BC_CUTOFF]));
	return 0;
}

static size_t vmux_macvlan_get_size(const struct net_device *dev)
{
	unsigned int n = vmux_priv(dev)->mv.nr_sources;

	return nla_total_size(4) +	/* MODE */
	       nla_total_size(2) +	/* FLAGS */
	       nla_total_size(4) +	/* MACADDR_COUNT */
	       (n ? nla_total_size(0) + n * nla_total_size(ETH_ALEN) : 0) +
	       nla_total_size(4) +	/* BC_QUEUE_LEN */
	       nla_total_size(4) +	/* BC_QUEUE_LEN_USED */
	       nla_total_size(4);	/* BC_CUTOFF */
}

static int vmux_macvlan_fill_sources(struct sk_buff *skb,
				     const struct vmux_dev *vdev)
{
	struct vmux_port *port = vdev->port;
	struct vmux_source *e;
	struct nlattr *nest;
	int i;

	nest = nla_nest_start_noflag(skb, IFLA_VMUX_MACVLAN_MACADDR_DATA);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < 1 << VMUX_SOURCE_HASH_BITS; i++)
		hlist_for_each_entry(e, &port->sources[i], hnode)
			if (e->vdev == vdev &&
			    nla_put(skb, IFLA_VMUX_MACVLAN_MACADDR, ETH_ALEN,
				    e->addr))
				return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int vmux_macvlan_fill_info(struct sk_buff *skb,
				  const struct net_device *dev)
{
	const struct vmux_dev *vdev = vmux_priv(dev);
	const struct vmux_macvlan *mv = &vdev->mv;
	struct vmux_port *port = vdev->port;

	if (nla_put_u32(skb, IFLA_VMUX_MACVLAN_MODE, mv->mode) ||
	    nla_put_u16(skb, IFLA_VMUX_MACVLAN_FLAGS, mv->flags) ||
	    nla_put_u32(skb, IFLA_VMUX_MACVLAN_MACADDR_COUNT, mv->nr_sources))
		return -EMSGSIZE;
	if (mv->nr_sources && vmux_macvlan_fill_sources(skb, vdev))
		return -EMSGSIZE;
	if (nla_put_u32(skb, IFLA_VMUX_MACVLAN_BC_QUEUE_LEN, mv->bc_queue_len_req) ||
	    nla_put_u32(skb, IFLA_VMUX_MACVLAN_BC_QUEUE_LEN_USED,
			port->bc_queue_len_used))
		return -EMSGSIZE;
	if (port->bc_cutoff != 1 &&
	    nla_put_s32(skb, IFLA_VMUX_MACVLAN_BC_CUTOFF, port->bc_cutoff))
		return -EMSGSIZE;
	return 0;
}

/* ---- lower events ------------------------------------------------------ */

static void vmux_macvlan_lower_event(struct vmux_dev *vdev, unsigned long event,
				     struct list_head *close_list)
{
	struct net_device *dev = vdev->dev, *lower = vdev->lower;

	switch (event) {
	case NETDEV_CHANGEMTU:
		if (dev->mtu > lower->mtu)
			dev_set_mtu(dev, lower->mtu);
		break;
	case NETDEV_CHANGEADDR:
		/* Passthru shares the lower's address, both ways. */
		if (vdev->port->passthru)
			vmux_macvlan_sync_address(dev, lower->dev_addr);
		vmux_mac_shadow_update(vdev->port);
		break;
	default:
		vmux_stacked_lower_event(vdev, event);
		break;
	}
}

static struct rtnl_link_ops vmux_macvlan_link_ops = {
	.kind		= VMUX_KIND_MACVLAN,
	.setup		= vmux_macvlan_setup,
	.maxtype	= IFLA_VMUX_MACVLAN_MAX,
	.policy		= vmux_macvlan_policy,
	.validate	= vmux_macvlan_validate,
	.newlink	= vmux_macvlan_newlink,
	.changelink	= vmux_macvlan_changelink,
	.get_size	= vmux_macvlan_get_size,
	.fill_info	= vmux_macvlan_fill_info,
};

const struct vmux_kind_ops vmux_macvlan_kind = {
	.link_ops	= &vmux_macvlan_link_ops,
	.bc_deliver	= vmux_macvlan_bc_deliver,
	.bc_lost	= vmux_macvlan_bc_lost,
	.add_keys	= vmux_macvlan_add_keys,
	.del_keys	= vmux_macvlan_del_keys,
	.lower_event	= vmux_macvlan_lower_event,
};
