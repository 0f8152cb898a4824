// SPDX-License-Identifier: GPL-2.0
//
// One link of an RTM_GETLINK dump or an RTM_NEWLINK/RTM_DELLINK
// notification, decoded into what `vmux link show` prints.

#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/vmux.h>

#include "attrs.hpp"
#include "message.hpp"

namespace vmux {

// IFLA_INFO_XSTATS of a vmux device: drops by enum vmux_drop_reason.
using DropCounters = std::array<std::uint64_t, VMUX_DROP_MAX + 1>;
std::string_view drop_reason_name(std::size_t reason);
// One nest of IFLA_INFO_XSTATS (IFLA_VMUX_XSTATS_DEV or _PORT), decoded.
std::optional<DropCounters> parse_drop_counters(const Attrs &xstats, std::uint16_t type);

// IFLA_XDP of a dump: the attach mode (XDP_ATTACHED_*) and program ids.
struct XdpInfo {
	std::uint8_t attached = 0;
	std::optional<std::uint32_t> prog_id, skb_prog_id, drv_prog_id, hw_prog_id;
};

struct LinkInfo {
	bool deleted = false;		// RTM_DELLINK notification
	int ifindex = 0;
	unsigned int type = 0;		// ARPHRD_*
	unsigned int flags = 0;		// IFF_*
	std::string name;
	std::optional<std::uint32_t> link;	// IFLA_LINK: ifindex of the lower
	std::optional<std::int32_t> link_netnsid;	// the lower is in that netns
	std::optional<std::uint32_t> mtu, min_mtu, max_mtu;
	std::optional<std::string> qdisc;
	std::optional<std::uint8_t> operstate, linkmode;
	std::optional<std::uint32_t> group, txqlen;
	std::optional<std::uint32_t> master;		// IFLA_MASTER: its ifindex
	std::optional<std::uint8_t> proto_down;
	std::optional<std::string> ifalias;
	std::optional<std::uint32_t> carrier_changes;
	std::optional<XdpInfo> xdp;
	std::optional<std::uint32_t> promiscuity, allmulti;
	std::optional<std::uint8_t> addr_gen_mode;	// IFLA_AF_SPEC/AF_INET6
	std::optional<std::uint32_t> num_tx_queues, num_rx_queues;
	std::optional<std::uint32_t> gso_max_size, gso_max_segs;
	std::optional<std::uint32_t> tso_max_size, tso_max_segs, gro_max_size;
	Bytes address, broadcast;
	std::string kind;		// IFLA_INFO_KIND, empty without linkinfo
	std::optional<Attrs> info_data;	// IFLA_INFO_DATA, kind-specific
	std::optional<rtnl_link_stats64> stats64;
	std::optional<DropCounters> dev_drops, port_drops;

	bool is_vmux() const { return kind.starts_with("vmux_"); }
};

// nullopt for anything that is not a well-formed link message.
std::optional<LinkInfo> parse_link(const nlmsghdr &hdr);

// The RTM_GETLINK dump request `link show` sends. Statistics cost the
// kernel work per device: they are asked for only when shown.
Message link_dump_request(bool with_stats);
// RTM_GETLINK of one device by name, without statistics; the kernel
// answers ENODEV if the current netns has none of that name.
Message link_get_request(std::string_view name);

} // namespace vmux
