// SPDX-License-Identifier: GPL-2.0

#include "route.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <fmt/core.h>

#include "args.hpp"

namespace vmux {

static std::size_t addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

std::string IpPrefix::addr_str() const
{
	char text[INET6_ADDRSTRLEN];

	if (addr.size() != addr_len(family) || !inet_ntop(family, addr.data(), text, sizeof(text)))
		return {};
	return text;
}

std::string IpPrefix::str() const
{
	return fmt::format("{}/{}", addr_str(), len);
}

IpPrefix IpPrefix::network() const
{
	IpPrefix net = *this;

	for (std::size_t i = 0; i < net.addr.size(); i++) {
		unsigned int bit = static_cast<unsigned int>(i) * 8;

		if (bit >= len)
			net.addr[i] = 0;
		else if (len - bit < 8)
			net.addr[i] &= static_cast<std::uint8_t>(0xff00 >> (len - bit));
	}
	return net;
}

std::optional<IpPrefix> parse_ip(std::string_view text)
{
	std::string s(text);
	IpPrefix ip;

	for (int family : {AF_INET, AF_INET6}) {
		ip.addr.assign(addr_len(family), 0);
		if (inet_pton(family, s.c_str(), ip.addr.data()) == 1) {
			ip.family = family;
			ip.len = static_cast<unsigned int>(addr_len(family) * 8);
			return ip;
		}
	}
	return std::nullopt;
}

std::optional<IpPrefix> parse_prefix(std::string_view text)
{
	std::size_t slash = text.find('/');

	if (slash == std::string_view::npos)
		return std::nullopt;
	auto ip = parse_ip(text.substr(0, slash));
	std::string_view len_text = text.substr(slash + 1);
	// Decimal only: "10.0.0.0/024" is no prefix length.
	auto len = len_text.starts_with('0') && len_text.size() > 1 ? std::nullopt
								     : parse_number<unsigned int>(len_text);
	if (!ip || !len || *len > ip->len)
		return std::nullopt;
	ip->len = *len;
	return ip;
}

Message addr_add_request(int ifindex, const IpPrefix &addr)
{
	Message msg(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	ifaddrmsg ifa{};

	ifa.ifa_family = static_cast<std::uint8_t>(addr.family);
	ifa.ifa_prefixlen = static_cast<std::uint8_t>(addr.len);
	ifa.ifa_index = static_cast<std::uint32_t>(ifindex);
	msg.append(ifa);
	msg.put(IFA_ADDRESS, addr.addr);
	msg.put(IFA_LOCAL, addr.addr);
	// As netlink's AddrAdd and `ip addr add ... brd +`: all host bits set,
	// unless the prefix leaves none (/31, /32).
	if (addr.family == AF_INET && addr.len < 31) {
		Bytes brd = addr.addr;

		for (std::size_t i = 0; i < brd.size(); i++) {
			unsigned int bit = static_cast<unsigned int>(i) * 8;

			if (bit >= addr.len)
				brd[i] = 0xff;
			else if (addr.len - bit < 8)
				brd[i] |= static_cast<std::uint8_t>(0xff >> (addr.len - bit));
		}
		msg.put(IFA_BROADCAST, brd);
	}
	return msg;
}

Message route_add_request(int ifindex, const IpPrefix &dst, const std::optional<IpPrefix> &gw)
{
	Message msg(RTM_NEWROUTE, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_APPEND);
	rtmsg rtm{};
	IpPrefix net = dst.network();

	rtm.rtm_family = static_cast<std::uint8_t>(dst.family);
	rtm.rtm_dst_len = static_cast<std::uint8_t>(dst.len);
	rtm.rtm_table = RT_TABLE_MAIN;
	rtm.rtm_protocol = RTPROT_BOOT;
	// Without a gateway the destination is on the link, as ip route's
	// "dev X" alone.
	rtm.rtm_scope = gw ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm.rtm_type = RTN_UNICAST;
	msg.append(rtm);
	if (dst.len)
		msg.put(RTA_DST, net.addr);
	if (gw)
		msg.put(RTA_GATEWAY, gw->addr);
	msg.put_value(RTA_OIF, static_cast<std::uint32_t>(ifindex));
	return msg;
}

Message route_dump_request(int family)
{
	Message msg(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP);
	rtmsg rtm{};

	rtm.rtm_family = static_cast<std::uint8_t>(family);
	msg.append(rtm);
	return msg;
}

std::optional<RouteInfo> parse_route(const nlmsghdr &hdr)
{
	constexpr std::size_t fixed = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(rtmsg));

	if (hdr.nlmsg_type != RTM_NEWROUTE || hdr.nlmsg_len < fixed)
		return std::nullopt;
	const auto *raw = reinterpret_cast<const std::uint8_t *>(&hdr);
	const auto *rtm = static_cast<const rtmsg *>(NLMSG_DATA(&hdr));
	std::size_t len = addr_len(rtm->rtm_family);
	if (!len)
		return std::nullopt;
	Attrs attrs = Attrs::decode(ByteView(raw + fixed, hdr.nlmsg_len - fixed));

	RouteInfo route;
	route.family = rtm->rtm_family;
	route.table = attrs.get<std::uint32_t>(RTA_TABLE).value_or(rtm->rtm_table);
	route.type = rtm->rtm_type;
	route.dst.family = rtm->rtm_family;
	route.dst.len = rtm->rtm_dst_len;
	const Bytes *dst = attrs.find(RTA_DST);
	route.dst.addr = dst && dst->size() == len ? *dst : Bytes(len, 0);
	if (const Bytes *gw = attrs.find(RTA_GATEWAY); gw && gw->size() == len)
		route.gateway = IpPrefix{rtm->rtm_family, *gw, static_cast<unsigned int>(len * 8)};
	route.oif = static_cast<int>(attrs.get<std::uint32_t>(RTA_OIF).value_or(0));
	return route;
}

} // namespace vmux
