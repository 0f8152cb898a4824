/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmux netlink ABI: IFLA_INFO_DATA attributes of the link kinds
 * "vmux_vlan", "vmux_macvlan" and "vmux_ipvlan", the IFLA_INFO_XSTATS
 * drop counters every vmux device reports, and the "vmux" generic netlink
 * family that lists a port's children across namespaces.
 *
 * Attribute numbers and value encodings are those of the in-kernel
 * IFLA_VLAN_*, IFLA_MACVLAN_* and IFLA_IPVLAN_* (include/uapi/linux/if_link.h),
 * so that tools written for the in-kernel kinds map one to one.
 */
#ifndef _UAPI_LINUX_VMUX_H
#define _UAPI_LINUX_VMUX_H

#include <linux/types.h>

#define VMUX_KIND_VLAN		"vmux_vlan"
#define VMUX_KIND_MACVLAN	"vmux_macvlan"
#define VMUX_KIND_IPVLAN	"vmux_ipvlan"

/* ---- vmux_vlan ------------------------------------------------------- */

enum {
	IFLA_VMUX_VLAN_UNSPEC,
	/* u16: VLAN id 0..4094. Required on create; cannot be changed. */
	IFLA_VMUX_VLAN_ID,
	/* struct vmux_vlan_flags: new = (old & ~mask) | (flags & mask). */
	IFLA_VMUX_VLAN_FLAGS,
	/* nest of IFLA_VMUX_VLAN_QOS_MAPPING: skb->priority -> PCP (to & 7). */
	IFLA_VMUX_VLAN_EGRESS_QOS,
	/* nest of IFLA_VMUX_VLAN_QOS_MAPPING: PCP (from, 0..7) -> skb->priority. */
	IFLA_VMUX_VLAN_INGRESS_QOS,
	/* __be16: TPID, ETH_P_8021Q (default) or ETH_P_8021AD. Cannot be changed. */
	IFLA_VMUX_VLAN_PROTOCOL,
	__IFLA_VMUX_VLAN_MAX,
};
#define IFLA_VMUX_VLAN_MAX (__IFLA_VMUX_VLAN_MAX - 1)

struct vmux_vlan_flags {
	__u32 flags;
	__u32 mask;
};

/* Same bits as VLAN_FLAG_* of <linux/if_vlan.h>. */
enum vmux_vlan_flag {
	VMUX_VLAN_FLAG_REORDER_HDR	= 0x1,	/* tag in skb metadata, not in data */
	VMUX_VLAN_FLAG_GVRP		= 0x2,	/* refused: needs 8021q internals */
	VMUX_VLAN_FLAG_LOOSE_BINDING	= 0x4,	/* admin state not bound to lower */
	VMUX_VLAN_FLAG_MVRP		= 0x8,	/* refused: needs 8021q internals */
	VMUX_VLAN_FLAG_BRIDGE_BINDING	= 0x10,	/* refused: needs bridge internals */
};

enum {
	IFLA_VMUX_VLAN_QOS_UNSPEC,
	IFLA_VMUX_VLAN_QOS_MAPPING,	/* struct vmux_vlan_qos_mapping */
	__IFLA_VMUX_VLAN_QOS_MAX,
};
#define IFLA_VMUX_VLAN_QOS_MAX (__IFLA_VMUX_VLAN_QOS_MAX - 1)

/* A mapping with to == 0 deletes the entry for from. A device holds at most
 * VMUX_VLAN_MAX_EGRESS_QOS egress mappings (ENOSPC beyond); 8021q has no
 * cap, and past about 5,400 its dump no longer fits IFLA_LINKINFO.
 */
#define VMUX_VLAN_MAX_EGRESS_QOS	1024

struct vmux_vlan_qos_mapping {
	__u32 from;
	__u32 to;
};

/* ---- vmux_macvlan ---------------------------------------------------- */

enum {
	IFLA_VMUX_MACVLAN_UNSPEC,
	IFLA_VMUX_MACVLAN_MODE,		/* u32: enum vmux_macvlan_mode, default VEPA */
	IFLA_VMUX_MACVLAN_FLAGS,	/* u16: VMUX_MACVLAN_FLAG_*, replaced whole */
	IFLA_VMUX_MACVLAN_MACADDR_MODE,	/* u32: enum vmux_macvlan_macaddr_mode */
	IFLA_VMUX_MACVLAN_MACADDR,	/* 6 bytes: one source MAC (add/del/set) */
	IFLA_VMUX_MACVLAN_MACADDR_DATA,	/* nest of IFLA_VMUX_MACVLAN_MACADDR */
	IFLA_VMUX_MACVLAN_MACADDR_COUNT, /* u32, read-only: source list size */
	IFLA_VMUX_MACVLAN_BC_QUEUE_LEN,	/* u32: requested bc queue length */
	IFLA_VMUX_MACVLAN_BC_QUEUE_LEN_USED, /* u32, read-only: port's max */
	IFLA_VMUX_MACVLAN_BC_CUTOFF,	/* s32: per port, default 1, <0: no queue */
	__IFLA_VMUX_MACVLAN_MAX,
};
#define IFLA_VMUX_MACVLAN_MAX (__IFLA_VMUX_MACVLAN_MAX - 1)

enum vmux_macvlan_mode {
	VMUX_MACVLAN_MODE_PRIVATE	= 1,
	VMUX_MACVLAN_MODE_VEPA		= 2,
	VMUX_MACVLAN_MODE_BRIDGE	= 4,
	VMUX_MACVLAN_MODE_PASSTHRU	= 8,
	VMUX_MACVLAN_MODE_SOURCE	= 16,
};

enum vmux_macvlan_macaddr_mode {
	VMUX_MACVLAN_MACADDR_ADD,
	VMUX_MACVLAN_MACADDR_DEL,
	VMUX_MACVLAN_MACADDR_FLUSH,
	VMUX_MACVLAN_MACADDR_SET,
};

enum vmux_macvlan_flag {
	VMUX_MACVLAN_FLAG_NOPROMISC	= 1,	/* passthru: lower not promisc */
	VMUX_MACVLAN_FLAG_NODST		= 2,	/* source: no dst-MAC delivery */
};

/* Upper bound of a source-mode MAC list; keeps the dump in one message. */
#define VMUX_MACVLAN_MAX_SOURCES	1024
#define VMUX_MACVLAN_DEFAULT_BC_QUEUE_LEN 1000
/* Upper bound of IFLA_VMUX_MACVLAN_BC_QUEUE_LEN (frames); macvlan takes any
 * u32, which lets one child pin unbounded memory in the port's queue.
 */
#define VMUX_MACVLAN_MAX_BC_QUEUE_LEN	65536

/* ---- vmux_ipvlan ----------------------------------------------------- */

enum {
	IFLA_VMUX_IPVLAN_UNSPEC,
	IFLA_VMUX_IPVLAN_MODE,		/* u16: enum vmux_ipvlan_mode, per port */
	IFLA_VMUX_IPVLAN_FLAGS,		/* u16: VMUX_IPVLAN_F_*, per port */
	__IFLA_VMUX_IPVLAN_MAX,
};
#define IFLA_VMUX_IPVLAN_MAX (__IFLA_VMUX_IPVLAN_MAX - 1)

enum vmux_ipvlan_mode {
	VMUX_IPVLAN_MODE_L2,
	VMUX_IPVLAN_MODE_L3,
	VMUX_IPVLAN_MODE_L3S,
	VMUX_IPVLAN_MODE_MAX,
};

#define VMUX_IPVLAN_F_PRIVATE	0x01
#define VMUX_IPVLAN_F_VEPA	0x02

/* ---- IFLA_INFO_XSTATS of every vmux device --------------------------- */

/* Why a frame was not delivered. */
enum vmux_drop_reason {
	VMUX_DROP_NO_CHILD,	/* port: tagged/addressed to no vmux device */
	VMUX_DROP_CHILD_DOWN,	/* matched a device that is not up */
	VMUX_DROP_BC_QUEUE_FULL, /* broadcast/multicast queue overflow */
	VMUX_DROP_SOURCE_FILTER, /* source mode: sender not in the list */
	VMUX_DROP_MODE,		/* private/vepa isolation forbade delivery */
	VMUX_DROP_NOMEM,	/* clone or allocation failed */
	VMUX_DROP_TX,		/* transmit refused by the lower or routing */
	__VMUX_DROP_MAX,
};
#define VMUX_DROP_MAX (__VMUX_DROP_MAX - 1)

enum {
	IFLA_VMUX_XSTATS_UNSPEC,
	/* nest: u64 per reason, attribute type = reason + 1 */
	IFLA_VMUX_XSTATS_DEV,
	/* nest: the same counters for the port (the lower) this device is on */
	IFLA_VMUX_XSTATS_PORT,
	__IFLA_VMUX_XSTATS_MAX,
};
#define IFLA_VMUX_XSTATS_MAX (__IFLA_VMUX_XSTATS_MAX - 1)

/* ---- generic netlink family "vmux" ----------------------------------- */

/*
 * VMUX_CMD_GET_PORT, a dump: request VMUX_A_PORT_IFINDEX, a lower device
 * of the requester's netns, or nothing for every port of that netns (no
 * privilege needed). One reply per child of the port(s), whatever netns
 * the child is in, in the order they were created. A child in another netns than the requester's is listed
 * only if the requester has CAP_NET_ADMIN over that netns (as for
 * RTM_GETLINK with IFLA_TARGET_NETNSID); the others are left out and
 * counted in VMUX_A_PORT_HIDDEN of a last reply without VMUX_A_CHILD_*.
 * Errors: ENODEV (no such device), ENOENT (no vmux port on it), with an
 * extack message.
 */
#define VMUX_GENL_NAME		"vmux"
#define VMUX_GENL_VERSION	1

enum {
	VMUX_CMD_UNSPEC,
	VMUX_CMD_GET_PORT,
	__VMUX_CMD_MAX,
};
#define VMUX_CMD_MAX (__VMUX_CMD_MAX - 1)

enum {
	VMUX_A_UNSPEC,
	VMUX_A_PORT_IFINDEX,	/* u32: the lower, in the requester's netns */
	VMUX_A_PORT_DROPS,	/* nest: u64 per reason, as IFLA_VMUX_XSTATS_PORT */
	VMUX_A_PORT_HIDDEN,	/* u32: children left out (last reply only) */
	VMUX_A_CHILD_IFINDEX,	/* u32: in the child's netns */
	VMUX_A_CHILD_IFNAME,	/* string */
	VMUX_A_CHILD_KIND,	/* string: VMUX_KIND_* */
	VMUX_A_CHILD_NETNSID,	/* s32: the child's netns as the requester's
				 * netns knows it; absent: the same netns */
	VMUX_A_CHILD_FLAGS,	/* u32: IFF_* as RTM_GETLINK's ifi_flags */
	VMUX_A_CHILD_ADDRESS,	/* binary: MAC address */
	VMUX_A_CHILD_DATA,	/* nest: the kind's IFLA_INFO_DATA */
	VMUX_A_CHILD_ADDRS,	/* nest of VMUX_A_ADDR_IN/_IN6: an ipvlan's
				 * addresses, as its port demuxes them */
	VMUX_A_ADDR_IN,		/* 4 bytes: IPv4 address */
	VMUX_A_ADDR_IN6,	/* 16 bytes: IPv6 address */
	VMUX_A_PAD,
	__VMUX_A_MAX,
};
#define VMUX_A_MAX (__VMUX_A_MAX - 1)

#endif /* _UAPI_LINUX_VMUX_H */
