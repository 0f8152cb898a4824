// SPDX-License-Identifier: GPL-2.0

#include "link_info.hpp"

#include <linux/rtnetlink.h>
#include <sys/socket.h>

namespace vmux {

std::string_view drop_reason_name(std::size_t reason)
{
	// Indexed by enum vmux_drop_reason.
	static constexpr std::string_view names[] = {
		"no_child", "child_down", "bc_queue_full", "source_filter", "mode", "nomem", "tx",
	};
	static_assert(std::size(names) == VMUX_DROP_MAX + 1, "a drop reason has no name");

	return reason < std::size(names) ? names[reason] : "unknown";
}

template <Plain T> static void get(const Attrs &attrs, std::uint16_t type, std::optional<T> &out)
{
	out = attrs.get<T>(type);
}

// Statistics structures grow at their end: take what the kernel has and
// leave newer fields zero.
template <Plain T> static std::optional<T> get_prefix(const Attrs &attrs, std::uint16_t type)
{
	const Bytes *payload = attrs.find(type);

	if (!payload)
		return std::nullopt;
	T value{};
	std::memcpy(&value, payload->data(), std::min(payload->size(), sizeof(T)));
	return value;
}

// A nest of u64 counters, attribute type = reason + 1; the kernel may pad
// with type 0 (IFLA_VMUX_XSTATS_UNSPEC) to align them.
std::optional<DropCounters> parse_drop_counters(const Attrs &xstats, std::uint16_t type)
{
	const Bytes *nest = xstats.find(type);

	if (!nest)
		return std::nullopt;
	DropCounters drops{};
	Attrs counters = Attrs::decode(*nest);
	for (std::size_t reason = 0; reason < drops.size(); reason++)
		drops[reason] = counters.get<std::uint64_t>(reason + 1).value_or(0);
	return drops;
}

static void parse_linkinfo(LinkInfo &link, const Bytes &nest)
{
	Attrs info = Attrs::decode(nest);

	link.kind = info.get_string(IFLA_INFO_KIND).value_or("");
	if (const Bytes *data = info.find(IFLA_INFO_DATA))
		link.info_data = Attrs::decode(*data);
	if (const Bytes *xstats = info.find(IFLA_INFO_XSTATS)) {
		Attrs nests = Attrs::decode(*xstats);
		link.dev_drops = parse_drop_counters(nests, IFLA_VMUX_XSTATS_DEV);
		link.port_drops = parse_drop_counters(nests, IFLA_VMUX_XSTATS_PORT);
	}
}

static std::optional<std::uint8_t> parse_addr_gen_mode(const Bytes &af_spec)
{
	const Attrs families = Attrs::decode(af_spec);
	const Bytes *inet6 = families.find(AF_INET6);

	if (!inet6)
		return std::nullopt;
	return Attrs::decode(*inet6).get<std::uint8_t>(IFLA_INET6_ADDR_GEN_MODE);
}

std::optional<LinkInfo> parse_link(const nlmsghdr &hdr)
{
	constexpr std::size_t fixed = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifinfomsg));

	if ((hdr.nlmsg_type != RTM_NEWLINK && hdr.nlmsg_type != RTM_DELLINK) ||
	    hdr.nlmsg_len < fixed)
		return std::nullopt;

	const auto *raw = reinterpret_cast<const std::uint8_t *>(&hdr);
	const auto *ifi = static_cast<const ifinfomsg *>(NLMSG_DATA(&hdr));
	Attrs attrs = Attrs::decode(ByteView(raw + fixed, hdr.nlmsg_len - fixed));
	LinkInfo link;

	link.deleted = hdr.nlmsg_type == RTM_DELLINK;
	link.ifindex = ifi->ifi_index;
	link.type = ifi->ifi_type;
	link.flags = ifi->ifi_flags;
	link.name = attrs.get_string(IFLA_IFNAME).value_or("");
	get(attrs, IFLA_LINK, link.link);
	get(attrs, IFLA_LINK_NETNSID, link.link_netnsid);
	get(attrs, IFLA_MTU, link.mtu);
	get(attrs, IFLA_MIN_MTU, link.min_mtu);
	get(attrs, IFLA_MAX_MTU, link.max_mtu);
	link.qdisc = attrs.get_string(IFLA_QDISC);
	get(attrs, IFLA_OPERSTATE, link.operstate);
	get(attrs, IFLA_LINKMODE, link.linkmode);
	get(attrs, IFLA_GROUP, link.group);
	get(attrs, IFLA_TXQLEN, link.txqlen);
	get(attrs, IFLA_MASTER, link.master);
	get(attrs, IFLA_PROTO_DOWN, link.proto_down);
	get(attrs, IFLA_CARRIER_CHANGES, link.carrier_changes);
	link.ifalias = attrs.get_string(IFLA_IFALIAS);
	get(attrs, IFLA_PROMISCUITY, link.promiscuity);
	get(attrs, IFLA_ALLMULTI, link.allmulti);
	get(attrs, IFLA_NUM_TX_QUEUES, link.num_tx_queues);
	get(attrs, IFLA_NUM_RX_QUEUES, link.num_rx_queues);
	get(attrs, IFLA_GSO_MAX_SIZE, link.gso_max_size);
	get(attrs, IFLA_GSO_MAX_SEGS, link.gso_max_segs);
	get(attrs, IFLA_TSO_MAX_SIZE, link.tso_max_size);
	get(attrs, IFLA_TSO_MAX_SEGS, link.tso_max_segs);
	get(attrs, IFLA_GRO_MAX_SIZE, link.gro_max_size);
	link.stats64 = get_prefix<rtnl_link_stats64>(attrs, IFLA_STATS64);
	if (const Bytes *address = attrs.find(IFLA_ADDRESS))
		link.address = *address;
	if (const Bytes *broadcast = attrs.find(IFLA_BROADCAST))
		link.broadcast = *broadcast;
	if (const Bytes *af_spec = attrs.find(IFLA_AF_SPEC))
		link.addr_gen_mode = parse_addr_gen_mode(*af_spec);
	if (const Bytes *linkinfo = attrs.find(IFLA_LINKINFO))
		parse_linkinfo(link, *linkinfo);
	if (const Bytes *xdp = attrs.find(IFLA_XDP)) {
		Attrs nest = Attrs::decode(*xdp);
		XdpInfo info;

		info.attached = nest.get<std::uint8_t>(IFLA_XDP_ATTACHED).value_or(0);
		get(nest, IFLA_XDP_PROG_ID, info.prog_id);
		get(nest, IFLA_XDP_SKB_PROG_ID, info.skb_prog_id);
		get(nest, IFLA_XDP_DRV_PROG_ID, info.drv_prog_id);
		get(nest, IFLA_XDP_HW_PROG_ID, info.hw_prog_id);
		link.xdp = info;
	}
	return link;
}

Message link_dump_request(bool with_stats)
{
	Message msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP);
	ifinfomsg ifi{};

	ifi.ifi_family = AF_UNSPEC;
	msg.append(ifi);
	if (!with_stats)
		msg.put_value(IFLA_EXT_MASK, std::uint32_t{RTEXT_FILTER_SKIP_STATS});
	return msg;
}

Message link_get_request(std::string_view name)
{
	Message msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK);
	ifinfomsg ifi{};

	ifi.ifi_family = AF_UNSPEC;
	msg.append(ifi);
	msg.put_string(IFLA_IFNAME, name);
	msg.put_value(IFLA_EXT_MASK, std::uint32_t{RTEXT_FILTER_SKIP_STATS});
	return msg;
}

} // namespace vmux
