/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmux: VLAN, MACVlan and IPVlan sub-devices sharing one rx_handler port
 * per lower device. Private types shared by the kmod/ files.
 */
#ifndef _VMUX_H
#define _VMUX_H

#include <linux/netdevice.h>
#include <linux/netpoll.h>
#include <linux/if_vlan.h>
#include <linux/rhashtable.h>
#include <linux/skbuff.h>
#include <linux/workqueue.h>
#include <linux/u64_stats_sync.h>
#include <net/rtnetlink.h>
#include <linux/vmux.h>

#include "compat.h"
/* VMUX_VERSION: kmod/Kbuild defines it from the top-level VERSION file. */
#ifndef VMUX_VERSION
#error "VMUX_VERSION is not defined: build the module with kmod/Kbuild"
#endif

enum vmux_kind {
	VMUX_T_VLAN,
	VMUX_T_MACVLAN,
	VMUX_T_IPVLAN,
	__VMUX_T_MAX,
};

/* VLAN table: like the kernel's vlan_group, one array of RCU pointers per
 * protocol, split into blocks allocated on first use.
 */
enum {
	VMUX_VLAN_PROTO_8021Q,
	VMUX_VLAN_PROTO_8021AD,
	VMUX_VLAN_PROTO_NUM,
};

enum {
	VMUX_VLAN_BLOCK_LEN = 256,
	VMUX_VLAN_BLOCKS = VLAN_N_VID / VMUX_VLAN_BLOCK_LEN,
};

enum {
	VMUX_MC_FILTER_BITS = 8,
	VMUX_MC_FILTER_SZ = 1 << VMUX_MC_FILTER_BITS,
	VMUX_SOURCE_HASH_BITS = 8,
};

struct vmux_dev;

struct vmux_port {
	struct net_device *dev;			/* the lower */
	struct list_head children;		/* vmux_dev.list, RTNL + RCU */
	unsigned int count[__VMUX_T_MAX];	/* children per kind, RTNL */
	unsigned int nr_children;		/* registered children, RTNL */
	/* blocks are published with smp_store_release, freed with the port */
	struct vmux_dev __rcu **vlans[VMUX_VLAN_PROTO_NUM][VMUX_VLAN_BLOCKS];
	unsigned long __percpu *drops;		/* [__VMUX_DROP_MAX] */

	/* macvlan: UP children by MAC, O(1) at any size (macvlan.c) */
	struct vmux_mac_table __rcu *macs;
	unsigned int nr_macs;			/* entries in @macs, RTNL */
	struct hlist_head *sources;		/* source-mode MACs, lazily */
	unsigned int nr_sources;		/* entries in @sources */
	bool passthru;				/* one passthru child owns all */
	bool addr_change;			/* we are changing the lower MAC */
	bool mac_shadow;			/* a child has the lower's MAC */
	u8 perm_addr[ETH_ALEN];			/* lower MAC to restore */
	DECLARE_BITMAP(mc_filter, VMUX_MC_FILTER_SZ);
	DECLARE_BITMAP(bc_filter, VMUX_MC_FILTER_SZ);	/* queued, not inline */
	int bc_cutoff;
	u32 bc_queue_len_used;
	struct sk_buff_head bc_queue;
	struct work_struct bc_work;

	/* ipvlan: mode and flags are per port, as in the kernel */
	struct rhashtable ips;			/* addresses of UP children */
	spinlock_t addrs_lock;			/* children's addr lists, @ips */
	u16 ipvlan_mode;
	u16 ipvlan_flags;
	bool ipvlan_l3s;			/* mode l3s: l3mdev ops set */
	bool ipvlan_l3s_hooked;			/* netfilter hooks in @pnet */
	possible_net_t pnet;			/* lower's netns, no reference */
	struct ida ida;				/* children's dev_id */
	u16 dev_id_start;
};

struct vmux_pcpu_stats {
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t rx_multicast;
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	struct u64_stats_sync syncp;
	unsigned long drops[__VMUX_DROP_MAX];
};

/* Egress map entries: RTNL writers, RCU readers (transmit). */
struct vmux_qos_map {
	struct hlist_node node;
	u32 priority;
	u16 tci;				/* PCP << VLAN_PRIO_SHIFT, != 0 */
	struct rcu_head rcu;
};

enum { VMUX_QOS_HASH = 16 };

struct vmux_vlan {
	u16 id;
	__be16 proto;
	u32 flags;				/* VMUX_VLAN_FLAG_* */
	u32 ingress[8];				/* PCP -> skb->priority */
	unsigned int nr_ingress;
	struct hlist_head egress[VMUX_QOS_HASH];
	unsigned int nr_egress;			/* entries, at most the uapi max */
	u8 lower_addr[ETH_ALEN];		/* lower MAC seen last */
};

struct vmux_macvlan {
	/* in port->macs while UP: node[macs->idx]; the other one serves
	 * the next table while a resize builds it
	 */
	struct hlist_node node[2];
	u8 key[ETH_ALEN];			/* the hashed address */
	u32 mode;				/* VMUX_MACVLAN_MODE_* */
	u16 flags;				/* VMUX_MACVLAN_FLAG_* */
	u32 bc_queue_len_req;
	unsigned int nr_sources;
	netdev_features_t set_features;
	DECLARE_BITMAP(mc_filter, VMUX_MC_FILTER_SZ);
	struct hlist_head pending;		/* sources to publish at attach */
};

struct vmux_ip_key {
	u8 family;
	u8 pad[3];
	union {
		__be32 v4;
		struct in6_addr v6;
	};
};

struct vmux_ipaddr {
	struct rhash_head node;			/* port->ips while dev UP */
	struct list_head anode;			/* vmux_ipvlan.addrs */
	struct vmux_ip_key key;
	struct vmux_dev *vdev;
	bool hashed;
	struct rcu_head rcu;
};

struct vmux_ipvlan {
	struct list_head addrs;			/* under port->addrs_lock */
	int req_mode, req_flags;		/* newlink's, -1: the port's */
	netdev_features_t set_features;
	DECLARE_BITMAP(mc_filter, VMUX_MC_FILTER_SZ);
};

/* netdev_priv() of every vmux device, whatever its kind. */
struct vmux_dev {
	struct net_device *dev;
	struct net_device *lower;
	netdevice_tracker lower_tracker;
	struct vmux_port *port;
	struct list_head list;			/* in port->children */
	enum vmux_kind kind;
	struct vmux_pcpu_stats __percpu *stats;
	bool init_done;				/* ndo_init took the port */
#ifdef CONFIG_NET_POLL_CONTROLLER
	struct netpoll *netpoll;		/* netconsole through the lower */
#endif
	union {
		struct vmux_vlan vlan;
		struct vmux_macvlan mv;
		struct vmux_ipvlan ipv;
	};
};

/* What the port and the shared code need from a kind. */
struct vmux_kind_ops {
	struct rtnl_link_ops *link_ops;
	/* publish/unpublish @vdev in the port's demux tables, under RTNL */
	int (*add_keys)(struct vmux_dev *vdev, struct netlink_ext_ack *extack);
	void (*del_keys)(struct vmux_dev *vdev);
	/* lower event (UP, DOWN, CHANGE, CHANGEMTU, CHANGEADDR or
	 * FEAT_CHANGE), called under RTNL for each child of this kind
	 */
	void (*lower_event)(struct vmux_dev *vdev, unsigned long event,
			    struct list_head *kill);
	/* PRECHANGEUPPER on the lower: may veto another driver's upper */
	int (*lower_upper_check)(struct vmux_port *port,
				 struct net_device *upper,
				 struct netlink_ext_ack *extack);
	/* a frame this kind queued on the port; consumes @skb */
	void (*bc_deliver)(struct vmux_port *port, struct sk_buff *skb,
			   struct vmux_dev *src, bool tx);
	/* the port's queue had no room for @skb: count it on each child
	 * bc_deliver would have given it to (RCU read side, @skb kept)
	 */
	void (*bc_lost)(struct vmux_port *port, struct sk_buff *skb,
			struct vmux_dev *src, bool tx);
};

extern const struct vmux_kind_ops vmux_vlan_kind;
extern const struct vmux_kind_ops vmux_macvlan_kind;
extern const struct vmux_kind_ops vmux_ipvlan_kind;

static inline struct vmux_dev *vmux_priv(const struct net_device *dev)
{
	return netdev_priv(dev);
}

/* Changes beyond the child itself, gated by vmux_lower_capable(). */
enum vmux_cap_op {
	VMUX_CAP_NEW_CHILD,
	VMUX_CAP_IPVLAN_PORT,
	VMUX_CAP_MACVLAN_PORT,
	VMUX_CAP_MACVLAN_SOURCE,
	VMUX_CAP_MACVLAN_FLAGS,
};

/* port.c */
bool vmux_is_port(const struct net_device *dev);
struct vmux_port *vmux_port_rtnl(const struct net_device *dev);
int vmux_lower_check(struct net_device *lower, struct netlink_ext_ack *extack);
/* genl.c: the "vmux" generic netlink family */
int vmux_genl_init(void);
void vmux_genl_exit(void);
/* dev.c: a nest of per-reason drop counters (IFLA_VMUX_XSTATS_*) */
int vmux_fill_drops(struct sk_buff *skb, int type, unsigned long __percpu *drops);

struct vmux_port *vmux_port_get(struct net_device *lower,
				struct netlink_ext_ack *extack);
void vmux_port_put_unused(struct vmux_port *port);
void vmux_port_drop(struct vmux_port *port, enum vmux_drop_reason reason);
bool vmux_port_bc_enqueue(struct vmux_port *port, struct sk_buff *skb,
			  struct net_device *rxdev, struct vmux_dev *src,
			  enum vmux_kind kind, bool tx, u32 limit);
int vmux_port_init(void);
void vmux_port_exit(void);

/* dev.c */
void vmux_setup(struct net_device *dev);
int vmux_attach(struct vmux_dev *vdev, const struct vmux_kind_ops *ops,
		struct netlink_ext_ack *extack);
void vmux_link_ops_init(struct rtnl_link_ops *ops);
void vmux_transfer_operstate(const struct net_device *lower,
			     struct net_device *dev);
void vmux_stacked_lower_event(struct vmux_dev *vdev, unsigned long event);
int vmux_rx_flags_open(struct vmux_dev *vdev, unsigned int mask);
void vmux_rx_flags_stop(struct vmux_dev *vdev, unsigned int mask);
void vmux_rx_flags_change(struct vmux_dev *vdev, int change, unsigned int mask);
void vmux_drop(struct vmux_dev *vdev, enum vmux_drop_reason reason);
struct net_device *vmux_lower_from_tb(struct net *net, struct nlattr **tb,
				      struct netlink_ext_ack *extack);
bool vmux_lower_ns_capable(const struct net_device *lower);
int vmux_lower_capable(const struct net_device *lower, enum vmux_cap_op op,
		       struct netlink_ext_ack *extack);
int vmux_dev_common_init(struct net_device *dev);
void vmux_dev_common_uninit(struct net_device *dev);
void vmux_inherit_features(struct net_device *dev, struct net_device *lower,
			   netdev_features_t mask, netdev_features_t offloads,
			   netdev_features_t always_on);
void vmux_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s);
int vmux_get_iflink(const struct net_device *dev);
int vmux_eth_ioctl(struct net_device *dev, struct ifreq *ifr, int cmd);
int vmux_hwtstamp_get(struct net_device *dev,
		      struct kernel_hwtstamp_config *cfg);
int vmux_hwtstamp_set(struct net_device *dev,
		      struct kernel_hwtstamp_config *cfg,
		      struct netlink_ext_ack *extack);

#ifdef CONFIG_NET_POLL_CONTROLLER
netdev_tx_t vmux_netpoll_xmit(struct vmux_dev *vdev, struct sk_buff *skb);
void vmux_poll_controller(struct net_device *dev);
int vmux_netpoll_setup(struct net_device *dev, struct netpoll_info *npinfo);
void vmux_netpoll_cleanup(struct net_device *dev);
#else
/* netpoll_tx_running() is constant false: never called. */
static inline netdev_tx_t vmux_netpoll_xmit(struct vmux_dev *vdev,
					    struct sk_buff *skb)
{
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}
#endif
extern const struct ethtool_ops vmux_ethtool_ops;

/* vlan.c */
rx_handler_result_t vmux_vlan_rx(struct vmux_port *port, struct sk_buff **pskb);
rx_handler_result_t vmux_vlan_rx_priority(struct vmux_port *port,
					  struct sk_buff **pskb);
struct vmux_dev *vmux_vlan_lookup_rcu(struct vmux_port *port, __be16 proto,
				      u16 vid);

/* macvlan.c */
int vmux_macvlan_port_init(struct vmux_port *port);
void vmux_macvlan_port_free(struct vmux_port *port);
rx_handler_result_t vmux_macvlan_rx(struct vmux_port *port,
				    struct sk_buff **pskb);

/* ipvlan.c */
int vmux_ipvlan_port_init(struct vmux_port *port);
void vmux_ipvlan_port_free(struct vmux_port *port);
rx_handler_result_t vmux_ipvlan_rx(struct vmux_port *port,
				   struct sk_buff **pskb);
void vmux_ipvlan_port_event(struct vmux_port *port, unsigned long event);
int vmux_ipvlan_pre_changeaddr(struct vmux_port *port, void *info);
int vmux_ipvlan_init(void);
void vmux_ipvlan_exit(void);
u32 vmux_mac_hash(const unsigned char *addr, unsigned int bits);

/* main.c */
const struct vmux_kind_ops *vmux_kind_ops(enum vmux_kind kind);

/* Per-packet counters, inline: every frame a child takes or sends. */
static inline void vmux_count_rx(struct vmux_dev *vdev, unsigned int len,
				 bool mcast)
{
	struct vmux_pcpu_stats *s = this_cpu_ptr(vdev->stats);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->rx_packets);
	u64_stats_add(&s->rx_bytes, len);
	if (mcast)
		u64_stats_inc(&s->rx_multicast);
	u64_stats_update_end(&s->syncp);
}

static inline void vmux_count_tx(struct vmux_dev *vdev, unsigned int len,
				 int ret)
{
	struct vmux_pcpu_stats *s = this_cpu_ptr(vdev->stats);

	if (likely(ret == NET_XMIT_SUCCESS || ret == NET_XMIT_CN)) {
		u64_stats_update_begin(&s->syncp);
		u64_stats_inc(&s->tx_packets);
		u64_stats_add(&s->tx_bytes, len);
		u64_stats_update_end(&s->syncp);
	} else {
		this_cpu_inc(vdev->stats->drops[VMUX_DROP_TX]);
	}
}

#endif /* _VMUX_H */
