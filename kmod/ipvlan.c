// SPDX-License-Identifier: GPL-2.0
/*
 * vmux_ipvlan: sub-devices sharing the lower's MAC, demuxed by IP address,
 * with the modes (l2, l3, l3s) and flags (bridge, private, vepa) of
 * drivers/net/ipvlan/. Mode and flags belong to the port (the lower).
 */
#include <linux/etherdevice.h>
#include <linux/inetdevice.h>
#include <linux/if_arp.h>
#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/addrconf.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/l3mdev.h>
#include <net/ndisc.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/route.h>
#include <net/rtnetlink.h>

#include "vmux.h"

#define VMUX_IPV_FEATURES \
	(NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_HIGHDMA | NETIF_F_FRAGLIST | \
	 NETIF_F_GSO | NETIF_F_ALL_TSO | NETIF_F_GSO_ROBUST | NETIF_F_GRO | \
	 NETIF_F_RXCSUM | NETIF_F_HW_VLAN_CTAG_FILTER | \
	 NETIF_F_HW_VLAN_STAG_FILTER)
#define VMUX_IPV_ALWAYS_ON_OFFLOADS \
	(NETIF_F_SG | NETIF_F_HW_CSUM | NETIF_F_GSO_ROBUST | \
	 NETIF_F_GSO_SOFTWARE | NETIF_F_GSO_ENCAP_ALL)
#define VMUX_IPV_ALWAYS_ON \
	(VMUX_IPV_ALWAYS_ON_OFFLOADS | VMUX_F_LLTX | NETIF_F_VLAN_CHALLENGED)

enum {
	VMUX_IPV_BACKLOG_LIMIT = 1000,	/* IPVLAN_QBACKLOG_LIMIT */
	VMUX_IPV_MAX_DEV_ID = 0xFFFD,	/* 0xFFFE is the lower's */
	VMUX_IPV_ALL_FLAGS = VMUX_IPVLAN_F_PRIVATE | VMUX_IPVLAN_F_VEPA,
	/* private delivery refused; values no NET_XMIT_* has */
	VMUX_IPV_XMIT_ISOLATED = NET_XMIT_MASK + 1,
	/* dropped, and counted where it was dropped */
	VMUX_IPV_XMIT_COUNTED,
};

/* Inline hash and compare, by family: the generic ones (out-of-line
 * jhash2() over all 20 bytes, a byte-wise memcmp() per entry) cost a
 * receive about 100 instructions (make bench). IPv4: one multiply; IPv6:
 * jhash of the folded address, which no child can aim at a sibling's
 * bucket without the seed. Either way a rehash (new seed) breaks up a
 * chain.
 */
static u32 vmux_ip_rht_hash(const void *data, u32 len, u32 seed)
{
	const struct vmux_ip_key *k = data;

	if (k->family == AF_INET)
		return hash_64((__force u32)k->v4 ^ (u64)seed << 16, 32);
	return jhash_3words((__force u32)(k->v6.s6_addr32[0] ^ k->v6.s6_addr32[1]),
			    (__force u32)k->v6.s6_addr32[2],
			    (__force u32)k->v6.s6_addr32[3], seed);
}

static int vmux_ip_rht_cmp(struct rhashtable_compare_arg *arg,
			   const void *obj)
{
	const struct vmux_ip_key *a = &((const struct vmux_ipaddr *)obj)->key;
	const struct vmux_ip_key *k = arg->key;

	if (a->family != k->family)
		return 1;
	if (k->family == AF_INET)
		return a->v4 != k->v4;
	return !ipv6_addr_equal(&a->v6, &k->v6);
}

static const struct rhashtable_params vmux_ip_params = {
	.key_len		= sizeof(struct vmux_ip_key),
	.key_offset		= offsetof(struct vmux_ipaddr, key),
	.head_offset		= offsetof(struct vmux_ipaddr, node),
	.hashfn			= vmux_ip_rht_hash,
	.obj_cmpfn		= vmux_ip_rht_cmp,
	.automatic_shrinking	= true,
};

static bool vmux_is_ipvlan(const struct net_device *dev)
{
	return dev->rtnl_link_ops == vmux_ipvlan_kind.link_ops;
}

static void vmux_ip_key_v4(struct vmux_ip_key *k, __be32 addr)
{
	memset(k, 0, sizeof(*k));
	k->family = AF_INET;
	k->v4 = addr;
}

static void vmux_ip_key_v6(struct vmux_ip_key *k, const struct in6_addr *addr)
{
	memset(k, 0, sizeof(*k));
	k->family = AF_INET6;
	k->v6 = *addr;
}

/* One call, the hash inline in it (rhashtable's own helpers are not). */
static __attribute__((__flatten__))
struct vmux_ipaddr *vmux_ip_lookup(struct vmux_port *port,
				   const struct vmux_ip_key *k)
{
	return rhashtable_lookup(&port->ips, k, vmux_ip_params);
}

int vmux_ipvlan_port_init(struct vmux_port *port)
{
	spin_lock_init(&port->addrs_lock);
	ida_init(&port->ida);
	port->dev_id_start = 1;
	port->ipvlan_mode = VMUX_IPVLAN_MODE_L3;
	write_pnet(&port->pnet, dev_net(port->dev));
	return rhashtable_init(&port->ips, &vmux_ip_params);
}

void vmux_ipvlan_port_free(struct vmux_port *port)
{
	rhashtable_destroy(&port->ips);
	ida_destroy(&port->ida);
}

static bool vmux_ipv_private(const struct vmux_port *port)
{
	return READ_ONCE(port->ipvlan_flags) & VMUX_IPVLAN_F_PRIVATE;
}

static bool vmux_ipv_vepa(const struct vmux_port *port)
{
	return READ_ONCE(port->ipvlan_flags) & VMUX_IPVLAN_F_VEPA;
}

/* The demux key of @skb as ipvlan_get_L3_hdr() + ipvlan_addr_lookup() see
 * it: the IP destination (or source), the ARP target (or sender), the
 * target of a DAD neighbour solicitation. Every read is from the network
 * header, pulled from there (on transmit skb->data is the MAC header).
 */
static bool vmux_ipv_skb_key(struct vmux_port *port, struct sk_buff *skb,
			     bool use_dest, struct vmux_ip_key *k)
{
	switch (skb->protocol) {
	case htons(ETH_P_ARP): {
		unsigned char *p;
		__be32 ip;

		if (unlikely(!pskb_network_may_pull(skb, arp_hdr_len(port->dev))))
			return false;
		p = (unsigned char *)(arp_hdr(skb) + 1);
		p += use_dest ? 2 * port->dev->addr_len + 4 : port->dev->addr_len;
		memcpy(&ip, p, 4);
		vmux_ip_key_v4(k, ip);
		return true;
	}
	case htons(ETH_P_IP): {
		const struct iphdr *ip4h;
		u32 len;

		if (unlikely(!pskb_network_may_pull(skb, sizeof(*ip4h))))
			return false;
		ip4h = ip_hdr(skb);
		/* A BIG TCP GSO packet (6.3+) carries 0 in tot_len. */
		len = skb_ip_totlen(skb);
		if (ip4h->ihl < 5 || ip4h->version != 4 ||
		    skb->len < len || len < ip4h->ihl * 4)
			return false;
		vmux_ip_key_v4(k, use_dest ? ip4h->daddr : ip4h->saddr);
		return true;
	}
#if IS_ENABLED(CONFIG_IPV6)
	case htons(ETH_P_IPV6): {
		const struct ipv6hdr *ip6h;
		const struct nd_msg *ns;

		if (unlikely(!pskb_network_may_pull(skb, sizeof(*ip6h))))
			return false;
		ip6h = ipv6_hdr(skb);
		if (ip6h->version != 6)
			return false;
		if (!ipv6_addr_any(&ip6h->saddr) || ip6h->nexthdr != NEXTHDR_ICMP) {
			vmux_ip_key_v6(k, use_dest ? &ip6h->daddr : &ip6h->saddr);
			return true;
		}
		/* DAD: only the solicitation's target says who it is for. */
		if (unlikely(!pskb_network_may_pull(skb, sizeof(*ip6h) + sizeof(*ns))))
			return false;
		ns = (const struct nd_msg *)(ipv6_hdr(skb) + 1);
		if (ns->icmph.icmp6_type != NDISC_NEIGHBOUR_SOLICITATION)
			return false;
		vmux_ip_key_v6(k, &ns->target);
		return true;
	}
#endif
	}
	return false;
}

static struct vmux_ipaddr *vmux_ipv_skb_addr(struct vmux_port *port,
					     struct sk_buff *skb, bool use_dest)
{
	struct vmux_ip_key k;

	return vmux_ipv_skb_key(port, skb, use_dest, &k) ?
	       vmux_ip_lookup(port, &k) : NULL;
}

static void vmux_ipv_crossing_ns(struct sk_buff *skb, struct net_device *dev)
{
	bool xnet = true;

	if (dev)
		xnet = !net_eq(dev_net(skb->dev), dev_net(dev));
	skb_scrub_packet(skb, xnet);
	if (dev)
		skb->dev = dev;
}

/* Hands @skb from the wire to the child owning @a. */
static rx_handler_result_t vmux_ipv_rcv(struct vmux_ipaddr *a,
					struct sk_buff *skb)
{
	struct vmux_dev *vdev = a->vdev;

	skb->dev = vdev->dev;
	vmux_count_rx(vdev, skb->len + ETH_HLEN, false);
	return RX_HANDLER_ANOTHER;
}

/* Hands @skb, sent by a sibling, to the child owning @a (under RCU):
 * NET_XMIT_SUCCESS only if that child took it, so the sender does not
 * count a dropped frame as sent.
 */
static int vmux_ipv_deliver_local(struct vmux_ipaddr *a, struct sk_buff *skb)
{
	struct vmux_dev *vdev = a->vdev;
	struct net_device *dev = vdev->dev;
	unsigned int len = skb->len + ETH_HLEN;

	if (unlikely(!(dev->flags & IFF_UP))) {
		vmux_drop(vdev, VMUX_DROP_CHILD_DOWN);
		kfree_skb(skb);
		return NET_XMIT_DROP;
	}
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb) {
		vmux_drop(vdev, VMUX_DROP_NOMEM);
		return NET_XMIT_DROP;
	}
	skb->pkt_type = PACKET_HOST;
	/* A refusal (too big, down) is counted on @dev by the core. */
	if (dev_forward_skb(dev, skb) != NET_RX_SUCCESS)
		return NET_XMIT_DROP;
	vmux_count_rx(vdev, len, false);
	return NET_XMIT_SUCCESS;
}

/* Not a frame one of our children sent (it would carry a child's source
 * address with the lower's MAC): the children get a copy.
 */
static bool vmux_ipv_external(struct vmux_port *port, struct sk_buff *skb)
{
	if (!ether_addr_equal(eth_hdr(skb)->h_source, skb->dev->dev_addr))
		return true;
	return !vmux_ipv_skb_addr(port, skb, false);
}

rx_handler_result_t vmux_ipvlan_rx(struct vmux_port *port,
				   struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	const struct ethhdr *eth = eth_hdr(skb);
	u16 mode = READ_ONCE(port->ipvlan_mode);
	struct vmux_ipaddr *a;
	struct sk_buff *nskb;

	/* l3s delivers from the l3mdev and netfilter hooks, not here. A tag
	 * no vmux_vlan took goes on as ipvlan lets it: a priority tag (VID
	 * 0) is stripped by the core above the child; with another VID the
	 * child counts the frame and its stack drops it (OTHERHOST).
	 */
	if (mode == VMUX_IPVLAN_MODE_L3S)
		return RX_HANDLER_PASS;

	if (is_multicast_ether_addr(eth->h_dest)) {
		if (mode == VMUX_IPVLAN_MODE_L2) {
			/* The lower keeps the original; children get theirs
			 * from the port's queue.
			 */
			if (skb->protocol == htons(ETH_P_PAUSE) ||
			    !vmux_ipv_external(port, skb))
				return RX_HANDLER_PASS;
			nskb = skb_clone(skb, GFP_ATOMIC);
			if (!nskb) {
				vmux_port_drop(port, VMUX_DROP_NOMEM);
				return RX_HANDLER_PASS;
			}
			vmux_ipv_crossing_ns(nskb, NULL);
			vmux_port_bc_enqueue(port, nskb, skb->dev, NULL,
					     VMUX_T_IPVLAN, false,
					     VMUX_IPV_BACKLOG_LIMIT);
			return RX_HANDLER_PASS;
		}
		/* l3: ARP and DAD solicitations go to the target's owner. */
	} else if (!ether_addr_equal_64bits(eth->h_dest, port->dev->dev_addr)) {
		return RX_HANDLER_PASS;
	}
	a = vmux_ipv_skb_addr(port, skb, true);
	return a ? vmux_ipv_rcv(a, skb) : RX_HANDLER_PASS;
}

/* @v gets a copy of a group frame hashed to @hash (a sender, @tx, not). */
static bool vmux_ipv_bc_wants(const struct vmux_dev *v, const struct vmux_dev *src,
			      bool tx, unsigned int hash)
{
	return v->kind == VMUX_T_IPVLAN && !(tx && v == src) &&
	       test_bit(hash, v->ipv.mc_filter) && (v->dev->flags & IFF_UP);
}

/* The port worker: a queued group frame to every subscribed UP child. */
static void vmux_ipvlan_bc_deliver(struct vmux_port *port, struct sk_buff *skb,
				   struct vmux_dev *src, bool tx)
{
	const struct ethhdr *eth = eth_hdr(skb);
	unsigned int hash = vmux_mac_hash(eth->h_dest, VMUX_MC_FILTER_BITS);
	u8 pkt_type = ether_addr_equal(eth->h_dest, port->dev->broadcast) ?
		      PACKET_BROADCAST : PACKET_MULTICAST;
	bool consumed = false;
	struct sk_buff *nskb;
	struct vmux_dev *v;
	int ret;

	rcu_read_lock();
	list_for_each_entry_rcu(v, &port->children, list) {
		if (!vmux_ipv_bc_wants(v, src, tx, hash))
			continue;
		nskb = skb_clone(skb, GFP_ATOMIC);
		if (!nskb) {
			vmux_drop(v, VMUX_DROP_NOMEM);
			continue;
		}
		consumed = true;
		nskb->pkt_type = pkt_type;
		nskb->dev = v->dev;
		ret = tx ? dev_forward_skb(v->dev, nskb) : netif_rx(nskb);
		if (ret == NET_RX_SUCCESS)
			vmux_count_rx(v, skb->len + ETH_HLEN, true);
		else if (!tx)	/* dev_forward_skb() counted it on v */
			vmux_drop(v, VMUX_DROP_NOMEM);
	}
	rcu_read_unlock();

	if (tx) {
		/* Sent by a child: after its siblings, the wire. */
		skb->dev = port->dev;
		skb->pkt_type = pkt_type;
		dev_queue_xmit(skb);
	} else if (consumed) {
		consume_skb(skb);
	} else {
		kfree_skb(skb);
	}
}

/* The queue was full: each ipvlan that would have had a copy counts it. */
static void vmux_ipvlan_bc_lost(struct vmux_port *port, struct sk_buff *skb,
				struct vmux_dev *src, bool tx)
{
	unsigned int hash = vmux_mac_hash(eth_hdr(skb)->h_dest, VMUX_MC_FILTER_BITS);
	struct vmux_dev *v;

	list_for_each_entry_rcu(v, &port->children, list)
		if (vmux_ipv_bc_wants(v, src, tx, hash))
			this_cpu_inc(v->stats->drops[VMUX_DROP_BC_QUEUE_FULL]);
}

/* ---- transmit --------------------------------------------------------- */

/* The route lookups keep their flow keys in frames of their own, gone
 * before the packet goes down the stack again: stacked devices each add
 * a transmit path to the stack (CVE-2023-52796, ipvlan_route_v6_outbound).
 */
static noinline struct dst_entry *vmux_ipv_route_v4(struct sk_buff *skb)
{
	const struct iphdr *ip4h = ip_hdr(skb);
	struct net_device *dev = skb->dev;
	struct rtable *rt;
	struct flowi4 fl4 = {
		.flowi4_oif = dev->ifindex,
		.flowi4_flags = FLOWI_FLAG_ANYSRC,
		.flowi4_mark = skb->mark,
		.flowi4_tos = inet_dscp_to_dsfield(ip4h_dscp(ip4h)),
		.daddr = ip4h->daddr,
		.saddr = ip4h->saddr,
	};

	rt = ip_route_output_flow(dev_net(dev), &fl4, NULL);
	if (IS_ERR(rt))
		return NULL;
	if (rt->rt_type != RTN_UNICAST && rt->rt_type != RTN_LOCAL) {
		ip_rt_put(rt);
		return NULL;
	}
	return &rt->dst;
}

static int vmux_ipv_out_v4(struct sk_buff *skb)
{
	struct net *net = dev_net(skb->dev);
	struct dst_entry *dst;
	int err;

	if (!pskb_network_may_pull(skb, sizeof(struct iphdr)))
		goto drop;
	dst = vmux_ipv_route_v4(skb);
	if (!dst)
		goto drop;
	skb_dst_set(skb, dst);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	/* Not inside net_xmit_eval(): the macro evaluates its argument twice. */
	err = ip_local_out(net, NULL, skb);
	return net_xmit_eval(err) ? NET_XMIT_DROP : NET_XMIT_SUCCESS;
drop:
	kfree_skb(skb);
	return NET_XMIT_DROP;
}

#if IS_ENABLED(CONFIG_IPV6)
static noinline struct dst_entry *vmux_ipv_route_v6(struct sk_buff *skb)
{
	const struct ipv6hdr *ip6h = ipv6_hdr(skb);
	struct net_device *dev = skb->dev;
	struct dst_entry *dst;
	struct flowi6 fl6 = {
		.flowi6_oif = dev->ifindex,
		.daddr = ip6h->daddr,
		.saddr = ip6h->saddr,
		.flowi6_flags = FLOWI_FLAG_ANYSRC,
		.flowlabel = ip6_flowinfo(ip6h),
		.flowi6_mark = skb->mark,
		.flowi6_proto = ip6h->nexthdr,
	};

	dst = ip6_route_output(dev_net(dev), NULL, &fl6);
	if (dst->error) {
		dst_release(dst);
		return NULL;
	}
	return dst;
}

static int vmux_ipv_out_v6(struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	struct dst_entry *dst;
	int err;

	if (!pskb_network_may_pull(skb, sizeof(struct ipv6hdr)))
		goto drop;
	dst = vmux_ipv_route_v6(skb);
	if (!dst)
		goto drop;
	skb_dst_set(skb, dst);
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	err = ip6_local_out(dev_net(dev), NULL, skb);
	return net_xmit_eval(err) ? NET_XMIT_DROP : NET_XMIT_SUCCESS;
drop:
	kfree_skb(skb);
	return NET_XMIT_DROP;
}
#endif

/* l3/l3s: strip L2 and route in the lower's netns. */
static int vmux_ipv_outbound(struct sk_buff *skb)
{
	if (skb_mac_header_was_set(skb)) {
		/* As ipvlan: no L2 group traffic in these modes. */
		if (is_multicast_ether_addr(eth_hdr(skb)->h_dest)) {
			kfree_skb(skb);
			return NET_XMIT_DROP;
		}
		skb_pull(skb, sizeof(struct ethhdr));
		skb->mac_header = (typeof(skb->mac_header))~0U;
		skb_reset_network_header(skb);
	}
	if (skb->protocol == htons(ETH_P_IP))
		return vmux_ipv_out_v4(skb);
#if IS_ENABLED(CONFIG_IPV6)
	if (skb->protocol == htons(ETH_P_IPV6))
		return vmux_ipv_out_v6(skb);
#endif
	kfree_skb(skb);
	return NET_XMIT_DROP;
}

/* A sibling owning the destination takes @skb: a NET_XMIT_* code, or
 * VMUX_IPV_XMIT_ISOLATED, or -ENOENT when no sibling owns it (@skb is
 * still ours then). The address entry lives only under RCU.
 */
static int vmux_ipv_xmit_local(struct sk_buff *skb, struct vmux_port *port)
{
	struct vmux_ipaddr *a;
	int ret = -ENOENT;

	rcu_read_lock();
	a = vmux_ipv_skb_addr(port, skb, true);
	if (a && vmux_ipv_private(port)) {
		consume_skb(skb);
		ret = VMUX_IPV_XMIT_ISOLATED;
	} else if (a) {
		ret = vmux_ipv_deliver_local(a, skb);
	}
	rcu_read_unlock();
	return ret;
}

static int vmux_ipv_xmit_l3(struct sk_buff *skb, struct vmux_dev *vdev)
{
	int ret;

	if (!vmux_ipv_vepa(vdev->port)) {
		ret = vmux_ipv_xmit_local(skb, vdev->port);
		if (ret != -ENOENT)
			return ret;
	}
	vmux_ipv_crossing_ns(skb, vdev->lower);
	return vmux_ipv_outbound(skb);
}

static int vmux_ipv_xmit_l2(struct sk_buff *skb, struct vmux_dev *vdev)
{
	struct vmux_port *port = vdev->port;
	const struct ethhdr *eth = skb_eth_hdr(skb);
	int ret;

	if (!vmux_ipv_vepa(port) && ether_addr_equal(eth->h_dest, eth->h_source)) {
		ret = vmux_ipv_xmit_local(skb, port);
		if (ret != -ENOENT)
			return ret;
		/* For the lower's own stack: it gets it as if received. */
		skb = skb_share_check(skb, GFP_ATOMIC);
		if (!skb)
			return NET_XMIT_DROP;
		return dev_forward_skb(vdev->lower, skb) == NET_RX_SUCCESS ?
		       NET_XMIT_SUCCESS : NET_XMIT_DROP;
	}
	if (is_multicast_ether_addr(eth->h_dest)) {
		skb_reset_mac_header(skb);
		if (skb->protocol == htons(ETH_P_PAUSE)) {
			kfree_skb(skb);
			return NET_XMIT_DROP;
		}
		vmux_ipv_crossing_ns(skb, NULL);
		/* A full queue counted the drop on us already. */
		if (!vmux_port_bc_enqueue(port, skb, vdev->dev, vdev,
					  VMUX_T_IPVLAN, true,
					  VMUX_IPV_BACKLOG_LIMIT))
			return VMUX_IPV_XMIT_COUNTED;
		return NET_XMIT_SUCCESS;
	}
	skb->dev = vdev->lower;
	return dev_queue_xmit(skb);
}

static netdev_tx_t vmux_ipvlan_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	unsigned int len = skb->len;
	int ret;

	/* netpoll built the whole frame, with our (the lower's) MAC: it
	 * goes out as it is, in every mode. Routing it (l3) or switching it
	 * locally cannot be done where netpoll runs (IRQs may be off).
	 */
	if (unlikely(netpoll_tx_running(dev)))
		return vmux_netpoll_xmit(vdev, skb);
	if (unlikely(!pskb_may_pull(skb, sizeof(struct ethhdr)))) {
		kfree_skb(skb);
		ret = NET_XMIT_DROP;
		goto out;
	}
	/* A packet socket may leave the network header at the MAC header
	 * (or unset): demux reads the L3 header right after Ethernet.
	 */
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, ETH_HLEN);
	if (READ_ONCE(vdev->port->ipvlan_mode) == VMUX_IPVLAN_MODE_L2)
		ret = vmux_ipv_xmit_l2(skb, vdev);
	else
		ret = vmux_ipv_xmit_l3(skb, vdev);
out:
	if (ret == VMUX_IPV_XMIT_ISOLATED) {
		vmux_drop(vdev, VMUX_DROP_MODE);
		return NET_XMIT_DROP;
	}
	if (ret == VMUX_IPV_XMIT_COUNTED)
		return NET_XMIT_DROP;
	vmux_count_tx(vdev, len, ret);
	return ret;
}

static int vmux_ipvlan_hard_header(struct sk_buff *skb, struct net_device *dev,
				   unsigned short type, const void *daddr,
				   const void *saddr, unsigned int len)
{
	struct net_device *lower = vmux_priv(dev)->lower;

	return dev_hard_header(skb, lower, type, daddr,
			       saddr ?: lower->dev_addr, len);
}

static const struct header_ops vmux_ipvlan_header_ops = {
	.create		= vmux_ipvlan_hard_header,
	.parse		= eth_header_parse,
	.cache		= eth_header_cache,
	.cache_update	= eth_header_cache_update,
};

/* ---- l3s: the lower's l3mdev receive hook and netfilter LOCAL_IN ------ */

static unsigned int vmux_ipv_netid __read_mostly;

struct vmux_ipv_net {
	unsigned int hook_refcnt;
};

static struct vmux_ipaddr *vmux_ipv_l3s_addr(struct sk_buff *skb,
					     struct net_device *dev)
{
	struct vmux_port *port;

	if (!dev || !vmux_is_port(dev))
		return NULL;
	port = rcu_dereference(dev->rx_handler_data);
	if (READ_ONCE(port->ipvlan_mode) != VMUX_IPVLAN_MODE_L3S ||
	    !READ_ONCE(port->count[VMUX_T_IPVLAN]))
		return NULL;
	return vmux_ipv_skb_addr(port, skb, true);
}

/* Route input as if received on the child, so its netns rules apply. */
static struct sk_buff *vmux_ipv_l3_rcv(struct net_device *dev,
				       struct sk_buff *skb, u16 proto)
{
	struct vmux_ipaddr *a = vmux_ipv_l3s_addr(skb, dev);
	struct net_device *sdev;

	if (!a)
		return skb;
	sdev = a->vdev->dev;
	if (proto == AF_INET) {
		const struct iphdr *ip4h = ip_hdr(skb);

		ip_route_input_noref(skb, ip4h->daddr, ip4h->saddr, ip4h->tos,
				     sdev);
#if IS_ENABLED(CONFIG_IPV6)
	} else if (proto == AF_INET6) {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);
		struct flowi6 fl6 = {
			.flowi6_iif   = sdev->ifindex,
			.daddr        = ip6h->daddr,
			.saddr        = ip6h->saddr,
			.flowlabel    = ip6_flowinfo(ip6h),
			.flowi6_mark  = skb->mark,
			.flowi6_proto = ip6h->nexthdr,
		};

		skb_dst_drop(skb);
		skb_dst_set(skb, ip6_route_input_lookup(dev_net(sdev), sdev,
							&fl6, skb,
							RT6_LOOKUP_F_HAS_SADDR));
#endif
	}
	return skb;
}

static const struct l3mdev_ops vmux_ipv_l3mdev_ops = {
	.l3mdev_l3_rcv = vmux_ipv_l3_rcv,
};

/* After the lower's netns saw it (conntrack, INPUT): now the child's. */
static unsigned int vmux_ipv_nf_input(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	struct vmux_ipaddr *a = vmux_ipv_l3s_addr(skb, skb->dev);

	if (!a)
		return NF_ACCEPT;
	skb->dev = a->vdev->dev;
	skb->skb_iif = skb->dev->ifindex;
#if IS_ENABLED(CONFIG_IPV6)
	if (a->key.family == AF_INET6)
		IP6CB(skb)->iif = skb->dev->ifindex;
#endif
	vmux_count_rx(a->vdev, skb->len + ETH_HLEN, false);
	return NF_ACCEPT;
}

static const struct nf_hook_ops vmux_ipv_nfops[] = {
	{
		.hook     = vmux_ipv_nf_input,
		.pf       = NFPROTO_IPV4,
		.hooknum  = NF_INET_LOCAL_IN,
		.priority = INT_MAX,
	},
#if IS_ENABLED(CONFIG_IPV6)
	{
		.hook     = vmux_ipv_nf_input,
		.pf       = NFPROTO_IPV6,
		.hooknum  = NF_INET_LOCAL_IN,
		.priority = INT_MAX,
	},
#endif
};

static int vmux_ipv_hook_get(struct net *net)
{
	struct vmux_ipv_net *vn = net_generic(net, vmux_ipv_netid);
	int err;

	if (!vn->hook_refcnt) {
		err = nf_register_net_hooks(net, vmux_ipv_nfops,
					    ARRAY_SIZE(vmux_ipv_nfops));
		if (err)
			return err;
	}
	vn->hook_refcnt++;
	return 0;
}

static void vmux_ipv_hook_put(struct net *net)
{
	struct vmux_ipv_net *vn = net_generic(net, vmux_ipv_netid);

	if (WARN_ON(!vn->hook_refcnt))
		return;
	if (!--vn->hook_refcnt)
		nf_unregister_net_hooks(net, vmux_ipv_nfops,
					ARRAY_SIZE(vmux_ipv_nfops));
}

static int vmux_ipv_l3s_register(struct vmux_port *port,
				 struct netlink_ext_ack *extack)
{
	struct net_device *lower = port->dev;
	int err;

	ASSERT_RTNL();
	/* Its l3mdev_ops belong to the VRF: we must not replace them. */
	if (netif_is_l3_master(lower)) {
		NL_SET_ERR_MSG_MOD(extack, "mode l3s is not possible on an l3 master device (VRF)");
		return -EOPNOTSUPP;
	}
	err = vmux_ipv_hook_get(read_pnet(&port->pnet));
	if (err)
		return err;
	WRITE_ONCE(lower->l3mdev_ops, &vmux_ipv_l3mdev_ops);
	/* l3mdev_l3_rcv() tests the flag, then calls through the ops. */
	smp_wmb();
	lower->priv_flags |= IFF_L3MDEV_RX_HANDLER;
	port->ipvlan_l3s = true;
	port->ipvlan_l3s_hooked = true;
	return 0;
}

static void vmux_ipv_l3s_unregister(struct vmux_port *port)
{
	struct net_device *lower = port->dev;

	ASSERT_RTNL();
	lower->priv_flags &= ~IFF_L3MDEV_RX_HANDLER;
	/* Readers of the flag see it clear before the ops go (module unload). */
	synchronize_net();
	WRITE_ONCE(lower->l3mdev_ops, NULL);
	if (port->ipvlan_l3s_hooked)
		vmux_ipv_hook_put(read_pnet(&port->pnet));
	port->ipvlan_l3s_hooked = false;
	port->ipvlan_l3s = false;
}

static void __net_exit vmux_ipv_net_exit(struct net *net)
{
	struct vmux_ipv_net *vn = net_generic(net, vmux_ipv_netid);

	if (WARN_ON_ONCE(vn->hook_refcnt)) {
		vn->hook_refcnt = 0;
		nf_unregister_net_hooks(net, vmux_ipv_nfops,
					ARRAY_SIZE(vmux_ipv_nfops));
	}
}

static struct pernet_operations vmux_ipv_net_ops = {
	.id   = &vmux_ipv_netid,
	.size = sizeof(struct vmux_ipv_net),
	.exit = vmux_ipv_net_exit,
};

/* ---- port mode -------------------------------------------------------- */

static int vmux_ipv_noarp(struct net_device *dev, u16 mode,
			  struct netlink_ext_ack *extack)
{
	/* Not dev->flags: PROMISC and ALLMULTI there may be an upper's (a
	 * packet socket's), which dev_change_flags() would make the user's.
	 */
	unsigned int flags = dev_get_flags(dev);

	if (mode == VMUX_IPVLAN_MODE_L2)
		flags &= ~IFF_NOARP;
	else
		flags |= IFF_NOARP;
	return dev_change_flags(dev, flags, extack);
}

static int vmux_ipv_set_mode(struct vmux_port *port, u16 mode,
			     struct netlink_ext_ack *extack)
{
	u16 old = port->ipvlan_mode;
	struct vmux_dev *v;
	int err = 0;

	ASSERT_RTNL();
	if (old == mode && (mode != VMUX_IPVLAN_MODE_L3S ||
			    port->ipvlan_l3s_hooked))
		return 0;
	if (old == mode) {
		/* l3s whose hooks were lost on a netns move: try again. */
		err = vmux_ipv_hook_get(read_pnet(&port->pnet));
		port->ipvlan_l3s_hooked = !err;
		return err;
	}
	list_for_each_entry(v, &port->children, list) {
		if (v->kind != VMUX_T_IPVLAN)
			continue;
		err = vmux_ipv_noarp(v->dev, mode, extack);
		if (err)
			goto undo;
	}
	if (mode == VMUX_IPVLAN_MODE_L3S) {
		err = vmux_ipv_l3s_register(port, extack);
		if (err)
			goto undo;
	} else if (port->ipvlan_l3s) {
		vmux_ipv_l3s_unregister(port);
	}
	WRITE_ONCE(port->ipvlan_mode, mode);
	return 0;

undo:
	list_for_each_entry_continue_reverse(v, &port->children, list)
		if (v->kind == VMUX_T_IPVLAN)
			vmux_ipv_noarp(v->dev, old, NULL);
	return err;
}

/* NETDEV_REGISTER on a lower that moved netns: the l3s hooks follow it. */
void vmux_ipvlan_port_event(struct vmux_port *port, unsigned long event)
{
	struct net *oldnet = read_pnet(&port->pnet);
	struct net *newnet = dev_net(port->dev);

	if (event != NETDEV_REGISTER || net_eq(oldnet, newnet))
		return;
	/* @pnet holds no reference: it must always be the lower's netns,
	 * which may die once the lower has left it.
	 */
	write_pnet(&port->pnet, newnet);
	if (!port->ipvlan_l3s)
		return;
	if (port->ipvlan_l3s_hooked)
		vmux_ipv_hook_put(oldnet);
	port->ipvlan_l3s_hooked = !vmux_ipv_hook_get(newnet);
	if (!port->ipvlan_l3s_hooked)
		pr_warn_ratelimited("%s: l3s hooks could not follow the lower to its new netns: l3s children receive nothing until the mode is set again\n",
				    port->dev->name);
}

/* The children share the lower's MAC: each may veto its change. */
int vmux_ipvlan_pre_changeaddr(struct vmux_port *port, void *ptr)
{
	struct netdev_notifier_pre_changeaddr_info *info = ptr;
	struct netlink_ext_ack *extack = netdev_notifier_info_to_extack(ptr);
	struct vmux_dev *v;
	int err;

	list_for_each_entry(v, &port->children, list) {
		if (v->kind != VMUX_T_IPVLAN)
			continue;
		err = dev_pre_changeaddr_notify(v->dev, info->dev_addr, extack);
		if (err)
			return err;
	}
	return 0;
}

/* ---- addresses -------------------------------------------------------- */

static void vmux_ipv_hash_add(struct vmux_ipaddr *a)
{
	if (a->hashed)
		return;
	/* Unique by the busy check under addrs_lock: cannot collide. */
	if (!rhashtable_lookup_insert_fast(&a->vdev->port->ips, &a->node,
					   vmux_ip_params))
		a->hashed = true;
}

static void vmux_ipv_hash_del(struct vmux_ipaddr *a)
{
	if (!a->hashed)
		return;
	rhashtable_remove_fast(&a->vdev->port->ips, &a->node, vmux_ip_params);
	a->hashed = false;
}

static struct vmux_ipaddr *vmux_ipv_find(struct vmux_dev *vdev,
					 const struct vmux_ip_key *k)
{
	struct vmux_ipaddr *a;

	list_for_each_entry(a, &vdev->ipv.addrs, anode)
		if (!memcmp(&a->key, k, sizeof(*k)))
			return a;
	return NULL;
}

/* Any ipvlan of the port (UP or not, in any netns) has @k? */
static bool vmux_ipv_busy(struct vmux_port *port, const struct vmux_ip_key *k)
{
	struct vmux_dev *v;
	bool busy = false;

	lockdep_assert_held(&port->addrs_lock);
	rcu_read_lock();
	list_for_each_entry_rcu(v, &port->children, list) {
		if (v->kind == VMUX_T_IPVLAN && vmux_ipv_find(v, k)) {
			busy = true;
			break;
		}
	}
	rcu_read_unlock();
	return busy;
}

static int vmux_ipv_add_addr(struct vmux_dev *vdev, const struct vmux_ip_key *k)
{
	struct vmux_port *port = vdev->port;
	struct vmux_ipaddr *a;
	int err = 0;

	spin_lock_bh(&port->addrs_lock);
	if (vmux_ipv_busy(port, k)) {
		err = -EADDRINUSE;
		goto out;
	}
	a = kzalloc(sizeof(*a), GFP_ATOMIC | __GFP_ACCOUNT);
	if (!a) {
		err = -ENOMEM;
		goto out;
	}
	a->key = *k;
	a->vdev = vdev;
	list_add_tail_rcu(&a->anode, &vdev->ipv.addrs);
	/* Only an UP child is in the demux table; open adds the rest. */
	if (netif_running(vdev->dev))
		vmux_ipv_hash_add(a);
out:
	spin_unlock_bh(&port->addrs_lock);
	return err;
}

static void vmux_ipv_free_addr(struct vmux_ipaddr *a)
{
	vmux_ipv_hash_del(a);
	list_del_rcu(&a->anode);
	kfree_rcu(a, rcu);
}

static void vmux_ipv_del_addr(struct vmux_dev *vdev, const struct vmux_ip_key *k)
{
	struct vmux_port *port = vdev->port;
	struct vmux_ipaddr *a;

	spin_lock_bh(&port->addrs_lock);
	a = vmux_ipv_find(vdev, k);
	if (a)
		vmux_ipv_free_addr(a);
	spin_unlock_bh(&port->addrs_lock);
}

static struct vmux_dev *vmux_ipv_of(struct net_device *dev)
{
	struct vmux_dev *vdev;

	if (!vmux_is_ipvlan(dev))
		return NULL;
	vdev = vmux_priv(dev);
	return vdev->port ? vdev : NULL;
}

static int vmux_ipv_addr_event(struct vmux_dev *vdev, unsigned long event,
			       const struct vmux_ip_key *k)
{
	switch (event) {
	case NETDEV_UP:
		if (vmux_ipv_add_addr(vdev, k)) {
			netdev_warn_once(vdev->dev,
					 "address in use by another vmux_ipvlan of the lower\n");
			return NOTIFY_BAD;
		}
		break;
	case NETDEV_DOWN:
		vmux_ipv_del_addr(vdev, k);
		break;
	}
	return NOTIFY_OK;
}

static int vmux_ipv_validate(struct vmux_dev *vdev, unsigned long event,
			     const struct vmux_ip_key *k,
			     struct netlink_ext_ack *extack)
{
	struct vmux_port *port = vdev->port;
	bool busy;

	if (event != NETDEV_UP)
		return NOTIFY_OK;
	spin_lock_bh(&port->addrs_lock);
	busy = vmux_ipv_busy(port, k);
	spin_unlock_bh(&port->addrs_lock);
	if (!busy)
		return NOTIFY_OK;
	NL_SET_ERR_MSG(extack, "Address already assigned to an ipvlan device");
	return notifier_from_errno(-EADDRINUSE);
}

static int vmux_ipv_inet_event(struct notifier_block *nb, unsigned long event,
			       void *ptr)
{
	struct in_ifaddr *ifa = ptr;
	struct vmux_dev *vdev = vmux_ipv_of(ifa->ifa_dev->dev);
	struct vmux_ip_key k;

	if (!vdev)
		return NOTIFY_DONE;
	vmux_ip_key_v4(&k, ifa->ifa_address);
	return vmux_ipv_addr_event(vdev, event, &k);
}

static int vmux_ipv_inet_validator(struct notifier_block *nb,
				   unsigned long event, void *ptr)
{
	struct in_validator_info *ivi = ptr;
	struct vmux_dev *vdev = vmux_ipv_of(ivi->ivi_dev->dev);
	struct vmux_ip_key k;

	if (!vdev)
		return NOTIFY_DONE;
	vmux_ip_key_v4(&k, ivi->ivi_addr);
	return vmux_ipv_validate(vdev, event, &k, ivi->extack);
}

#if IS_ENABLED(CONFIG_IPV6)
static int vmux_ipv_inet6_event(struct notifier_block *nb, unsigned long event,
				void *ptr)
{
	struct inet6_ifaddr *ifa = ptr;
	struct vmux_dev *vdev = vmux_ipv_of(ifa->idev->dev);
	struct vmux_ip_key k;

	if (!vdev)
		return NOTIFY_DONE;
	vmux_ip_key_v6(&k, &ifa->addr);
	return vmux_ipv_addr_event(vdev, event, &k);
}

static int vmux_ipv_inet6_validator(struct notifier_block *nb,
				    unsigned long event, void *ptr)
{
	struct in6_validator_info *i6vi = ptr;
	struct vmux_dev *vdev = vmux_ipv_of(i6vi->i6vi_dev->dev);
	struct vmux_ip_key k;

	if (!vdev)
		return NOTIFY_DONE;
	vmux_ip_key_v6(&k, &i6vi->i6vi_addr);
	return vmux_ipv_validate(vdev, event, &k, i6vi->extack);
}
#endif

static struct notifier_block vmux_ipv_inet_nb = {
	.notifier_call = vmux_ipv_inet_event,
};

static struct notifier_block vmux_ipv_inet_vtor_nb = {
	.notifier_call = vmux_ipv_inet_validator,
};

#if IS_ENABLED(CONFIG_IPV6)
static struct notifier_block vmux_ipv_inet6_nb = {
	.notifier_call = vmux_ipv_inet6_event,
};

static struct notifier_block vmux_ipv_inet6_vtor_nb = {
	.notifier_call = vmux_ipv_inet6_validator,
};
#endif

/* ---- net_device_ops ---------------------------------------------------- */

static const struct device_type vmux_ipvlan_type = {
	.name = VMUX_KIND_IPVLAN,
};

static int vmux_ipvlan_dev_init(struct net_device *dev)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	struct net_device *lower = vdev->lower;

	netif_carrier_off(dev);
	vmux_inherit_features(dev, lower, VMUX_IPV_FEATURES,
			      VMUX_IPV_ALWAYS_ON_OFFLOADS, VMUX_IPV_ALWAYS_ON);
	vdev->ipv.set_features = VMUX_IPV_FEATURES;
	SET_NETDEV_DEVTYPE(dev, &vmux_ipvlan_type);
	return vmux_dev_common_init(dev);
}

static int vmux_ipvlan_open(struct net_device *dev)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	struct vmux_port *port = vdev->port;
	struct vmux_ipaddr *a;
	int err;

	err = vmux_rx_flags_open(vdev, IFF_ALLMULTI);
	if (err < 0)
		return err;
	if (port->ipvlan_mode == VMUX_IPVLAN_MODE_L2)
		dev->flags &= ~IFF_NOARP;
	else
		dev->flags |= IFF_NOARP;

	spin_lock_bh(&port->addrs_lock);
	list_for_each_entry(a, &vdev->ipv.addrs, anode)
		vmux_ipv_hash_add(a);
	spin_unlock_bh(&port->addrs_lock);
	vmux_transfer_operstate(vdev->lower, dev);
	return 0;
}

static int vmux_ipvlan_stop(struct net_device *dev)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	struct vmux_port *port = vdev->port;
	struct vmux_ipaddr *a;

	dev_uc_unsync(vdev->lower, dev);
	dev_mc_unsync(vdev->lower, dev);
	vmux_rx_flags_stop(vdev, IFF_ALLMULTI);
	spin_lock_bh(&port->addrs_lock);
	list_for_each_entry(a, &vdev->ipv.addrs, anode)
		vmux_ipv_hash_del(a);
	spin_unlock_bh(&port->addrs_lock);
	netif_carrier_off(dev);
	return 0;
}

static netdev_features_t vmux_ipvlan_fix_features(struct net_device *dev,
						  netdev_features_t features)
{
	struct vmux_dev *vdev = vmux_priv(dev);

	features |= NETIF_F_ALL_FOR_ALL;
	features &= vdev->ipv.set_features | ~VMUX_IPV_FEATURES;
	features = netdev_increment_features(vdev->lower->features, features,
					     features);
	features |= VMUX_IPV_ALWAYS_ON;
	return features & (VMUX_IPV_FEATURES | VMUX_IPV_ALWAYS_ON);
}

static void vmux_ipvlan_change_rx_flags(struct net_device *dev, int change)
{
	/* As ipvlan: ALLMULTI reaches the lower, PROMISC does not; but only
	 * while up (open and stop move it), or it does not come back.
	 */
	vmux_rx_flags_change(vmux_priv(dev), change, IFF_ALLMULTI);
}

static void vmux_ipvlan_set_rx_mode(struct net_device *dev)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	DECLARE_BITMAP(filter, VMUX_MC_FILTER_SZ);
	struct netdev_hw_addr *ha;

	if (dev->flags & (IFF_PROMISC | IFF_ALLMULTI)) {
		bitmap_fill(filter, VMUX_MC_FILTER_SZ);
	} else {
		bitmap_zero(filter, VMUX_MC_FILTER_SZ);
		netdev_for_each_mc_addr(ha, dev)
			__set_bit(vmux_mac_hash(ha->addr, VMUX_MC_FILTER_BITS),
				  filter);
		/* Broadcast always: it is queued, off the fast path. */
		__set_bit(vmux_mac_hash(dev->broadcast, VMUX_MC_FILTER_BITS),
			  filter);
	}
	bitmap_copy(vdev->ipv.mc_filter, filter, VMUX_MC_FILTER_SZ);
	dev_uc_sync(vdev->lower, dev);
	dev_mc_sync(vdev->lower, dev);
}

static int vmux_ipvlan_vlan_rx_add_vid(struct net_device *dev, __be16 proto,
				       u16 vid)
{
	return vlan_vid_add(vmux_priv(dev)->lower, proto, vid);
}

static int vmux_ipvlan_vlan_rx_kill_vid(struct net_device *dev, __be16 proto,
					u16 vid)
{
	vlan_vid_del(vmux_priv(dev)->lower, proto, vid);
	return 0;
}

static const struct net_device_ops vmux_ipvlan_netdev_ops = {
	.ndo_init		= vmux_ipvlan_dev_init,
	.ndo_uninit		= vmux_dev_common_uninit,
	.ndo_open		= vmux_ipvlan_open,
	.ndo_stop		= vmux_ipvlan_stop,
	.ndo_start_xmit		= vmux_ipvlan_xmit,
	.ndo_fix_features	= vmux_ipvlan_fix_features,
	.ndo_change_rx_flags	= vmux_ipvlan_change_rx_flags,
	.ndo_set_rx_mode	= vmux_ipvlan_set_rx_mode,
	.ndo_get_stats64	= vmux_get_stats64,
	.ndo_vlan_rx_add_vid	= vmux_ipvlan_vlan_rx_add_vid,
	.ndo_vlan_rx_kill_vid	= vmux_ipvlan_vlan_rx_kill_vid,
	.ndo_get_iflink		= vmux_get_iflink,
#ifdef CONFIG_NET_POLL_CONTROLLER
	.ndo_poll_controller	= vmux_poll_controller,
	.ndo_netpoll_setup	= vmux_netpoll_setup,
	.ndo_netpoll_cleanup	= vmux_netpoll_cleanup,
#endif
};

static void vmux_ipvlan_setup(struct net_device *dev)
{
	vmux_setup(dev);
	dev->priv_flags &= ~IFF_XMIT_DST_RELEASE;
	dev->netdev_ops = &vmux_ipvlan_netdev_ops;
	dev->header_ops = &vmux_ipvlan_header_ops;
}

/* ---- netlink ---------------------------------------------------------- */

static const struct nla_policy vmux_ipvlan_policy[IFLA_VMUX_IPVLAN_MAX + 1] = {
	[IFLA_VMUX_IPVLAN_MODE]		= { .type = NLA_U16 },
	[IFLA_VMUX_IPVLAN_FLAGS]	= { .type = NLA_U16 },
};

static int vmux_ipvlan_validate(struct nlattr *tb[], struct nlattr *data[],
				struct netlink_ext_ack *extack)
{
	u16 flags;

	if (!data)
		return 0;
	if (data[IFLA_VMUX_IPVLAN_MODE] &&
	    nla_get_u16(data[IFLA_VMUX_IPVLAN_MODE]) >= VMUX_IPVLAN_MODE_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VMUX_IPVLAN_MODE],
				    "Invalid ipvlan mode (l2, l3 or l3s)");
		return -EINVAL;
	}
	if (data[IFLA_VMUX_IPVLAN_FLAGS]) {
		flags = nla_get_u16(data[IFLA_VMUX_IPVLAN_FLAGS]);
		if (flags & ~VMUX_IPV_ALL_FLAGS ||
		    (flags & VMUX_IPV_ALL_FLAGS) == VMUX_IPV_ALL_FLAGS) {
			NL_SET_ERR_MSG_ATTR(extack, data[IFLA_VMUX_IPVLAN_FLAGS],
					    "Invalid ipvlan flags (one of bridge, private, vepa)");
			return -EINVAL;
		}
	}
	return 0;
}

static int vmux_ipvlan_newlink(struct net *src_net, struct net_device *dev,
			       struct nlattr *tb[], struct nlattr *data[],
			       struct netlink_ext_ack *extack)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	struct vmux_ipvlan *req = &vdev->ipv;
	struct net_device *lower;
	struct vmux_port *port;
	int err;

	lower = vmux_lower_from_tb(src_net, tb, extack);
	if (IS_ERR(lower))
		return PTR_ERR(lower);
	if (vmux_is_ipvlan(lower)) {
		/* An ipvlan as lower means its lower, as in the kernel. */
		lower = vmux_priv(lower)->lower;
	}
	err = vmux_lower_check(lower, extack);
	if (err)
		return err;

	/* Applied by add_keys, once the device exists. */
	req->req_mode = data && data[IFLA_VMUX_IPVLAN_MODE] ?
			nla_get_u16(data[IFLA_VMUX_IPVLAN_MODE]) : -1;
	req->req_flags = data && data[IFLA_VMUX_IPVLAN_FLAGS] ?
			 nla_get_u16(data[IFLA_VMUX_IPVLAN_FLAGS]) : -1;
	port = vmux_port_rtnl(lower);
	if (port && port->count[VMUX_T_IPVLAN] &&
	    ((req->req_mode >= 0 && req->req_mode != port->ipvlan_mode) ||
	     (req->req_flags >= 0 && req->req_flags != port->ipvlan_flags))) {
		/* Mode and flags are the whole lower's. */
		err = vmux_lower_capable(lower, VMUX_CAP_IPVLAN_PORT, extack);
		if (err)
			return err;
	}

	vdev->dev = dev;
	vdev->lower = lower;
	vdev->kind = VMUX_T_IPVLAN;
	INIT_LIST_HEAD(&vdev->ipv.addrs);
	if (!tb[IFLA_MTU])
		dev->mtu = lower->mtu;
	/* The lower's MAC, always: the children share it. */
	eth_hw_addr_set(dev, lower->dev_addr);
	dev->priv_flags |= IFF_NO_RX_HANDLER;
	return vmux_attach(vdev, &vmux_ipvlan_kind, extack);
}

static int vmux_ipv_alloc_dev_id(struct vmux_port *port)
{
	int id;

	if (port->dev_id_start > VMUX_IPV_MAX_DEV_ID)
		port->dev_id_start = 1;
	/* Distinct dev_ids give distinct EUI-64 link-locals on one MAC. */
	id = ida_alloc_range(&port->ida, port->dev_id_start,
			     VMUX_IPV_MAX_DEV_ID, GFP_KERNEL);
	if (id < 0)
		id = ida_alloc_range(&port->ida, 1, VMUX_IPV_MAX_DEV_ID,
				     GFP_KERNEL);
	if (id >= 0)
		port->dev_id_start = id + 1;
	return id;
}

static int vmux_ipvlan_add_keys(struct vmux_dev *vdev,
				struct netlink_ext_ack *extack)
{
	struct vmux_port *port = vdev->port;
	int id, err;
	u16 mode;

	id = vmux_ipv_alloc_dev_id(port);
	if (id < 0) {
		NL_SET_ERR_MSG_MOD(extack, "No dev_id left on this lower");
		return id;
	}
	/* Unlike ipvlan, no mode means: keep the one the lower has. */
	if (vdev->ipv.req_mode >= 0)
		mode = vdev->ipv.req_mode;
	else
		mode = port->count[VMUX_T_IPVLAN] ? port->ipvlan_mode :
						     VMUX_IPVLAN_MODE_L3;
	err = vmux_ipv_set_mode(port, mode, extack);
	if (err) {
		ida_free(&port->ida, id);
		return err;
	}
	vdev->dev->dev_id = id;
	if (vdev->ipv.req_flags >= 0)
		WRITE_ONCE(port->ipvlan_flags, vdev->ipv.req_flags);
	return 0;
}

static void vmux_ipvlan_del_keys(struct vmux_dev *vdev)
{
	struct vmux_port *port = vdev->port;
	struct vmux_ipaddr *a, *tmp;

	spin_lock_bh(&port->addrs_lock);
	list_for_each_entry_safe(a, tmp, &vdev->ipv.addrs, anode)
		vmux_ipv_free_addr(a);
	spin_unlock_bh(&port->addrs_lock);
	ida_free(&port->ida, vdev->dev->dev_id);
	if (port->count[VMUX_T_IPVLAN])
		return;
	/* The last ipvlan is gone: the next one starts afresh. */
	if (port->ipvlan_l3s)
		vmux_ipv_l3s_unregister(port);
	WRITE_ONCE(port->ipvlan_mode, VMUX_IPVLAN_MODE_L3);
	WRITE_ONCE(port->ipvlan_flags, 0);
}

static int vmux_ipvlan_changelink(struct net_device *dev, struct nlattr *tb[],
				  struct nlattr *data[],
				  struct netlink_ext_ack *extack)
{
	struct vmux_dev *vdev = vmux_priv(dev);
	struct vmux_port *port = vdev->port;
	int err;

	if (!data)
		return 0;
	err = vmux_lower_capable(vdev->lower, VMUX_CAP_IPVLAN_PORT, extack);
	if (err)
		return err;
	if (data[IFLA_VMUX_IPVLAN_MODE]) {
		err = vmux_ipv_set_mode(port, nla_get_u16(data[IFLA_VMUX_IPVLAN_MODE]),
					extack);
		if (err)
			return err;
	}
	if (data[IFLA_VMUX_IPVLAN_FLAGS])
		WRITE_ONCE(port->ipvlan_flags,
			   nla_get_u16(data[IFLA_VMUX_IPVLAN_FLAGS]));
	return 0;
}

static size_t vmux_ipvlan_get_size(const struct net_device *dev)
{
	return nla_total_size(2) +	/* IFLA_VMUX_IPVLAN_MODE */
	       nla_total_size(2);	/* IFLA_VMUX_IPVLAN_FLAGS */
}

static int vmux_ipvlan_fill_info(struct sk_buff *skb,
				 const struct net_device *dev)
{
	struct vmux_port *port = vmux_priv(dev)->port;

	if (nla_put_u16(skb, IFLA_VMUX_IPVLAN_MODE, port->ipvlan_mode) ||
	    nla_put_u16(skb, IFLA_VMUX_IPVLAN_FLAGS, port->ipvlan_flags))
		return -EMSGSIZE;
	return 0;
}

/* ---- lower events ------------------------------------------------------ */

static void vmux_ipvlan_lower_event(struct vmux_dev *vdev, unsigned long event,
				    struct list_head *close_list)
{
	struct net_device *dev = vdev->dev, *lower = vdev->lower;

	switch (event) {
	case NETDEV_CHANGEMTU:
		/* As ipvlan: always the lower's, both ways. */
		dev_set_mtu(dev, lower->mtu);
		break;
	case NETDEV_CHANGEADDR:
		eth_hw_addr_set(dev, lower->dev_addr);
		call_netdevice_notifiers(NETDEV_CHANGEADDR, dev);
		break;
	default:
		vmux_stacked_lower_event(vdev, event);
		break;
	}
}

static struct rtnl_link_ops vmux_ipvlan_link_ops = {
	.kind		= VMUX_KIND_IPVLAN,
	.setup		= vmux_ipvlan_setup,
	.maxtype	= IFLA_VMUX_IPVLAN_MAX,
	.policy		= vmux_ipvlan_policy,
	.validate	= vmux_ipvlan_validate,
	.newlink	= vmux_ipvlan_newlink,
	.changelink	= vmux_ipvlan_changelink,
	.get_size	= vmux_ipvlan_get_size,
	.fill_info	= vmux_ipvlan_fill_info,
};

const struct vmux_kind_ops vmux_ipvlan_kind = {
	.link_ops	= &vmux_ipvlan_link_ops,
	.add_keys	= vmux_ipvlan_add_keys,
	.del_keys	= vmux_ipvlan_del_keys,
	.lower_event	= vmux_ipvlan_lower_event,
	.bc_deliver	= vmux_ipvlan_bc_deliver,
	.bc_lost	= vmux_ipvlan_bc_lost,
};

int vmux_ipvlan_init(void)
{
	int err;

	err = register_pernet_subsys(&vmux_ipv_net_ops);
	if (err)
		return err;
	register_inetaddr_notifier(&vmux_ipv_inet_nb);
	register_inetaddr_validator_notifier(&vmux_ipv_inet_vtor_nb);
#if IS_ENABLED(CONFIG_IPV6)
	register_inet6addr_notifier(&vmux_ipv_inet6_nb);
	register_inet6addr_validator_notifier(&vmux_ipv_inet6_vtor_nb);
#endif
	return 0;
}

void vmux_ipvlan_exit(void)
{
#if IS_ENABLED(CONFIG_IPV6)
	unregister_inet6addr_validator_notifier(&vmux_ipv_inet6_vtor_nb);
	unregister_inet6addr_notifier(&vmux_ipv_inet6_nb);
#endif
	unregister_inetaddr_validator_notifier(&vmux_ipv_inet_vtor_nb);
	unregister_inetaddr_notifier(&vmux_ipv_inet_nb);
	unregister_pernet_subsys(&vmux_ipv_net_ops);
}
