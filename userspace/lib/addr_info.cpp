// SPDX-License-Identifier: GPL-2.0

#include "addr_info.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

namespace vmux {

std::optional<AddrInfo> parse_addr(const nlmsghdr &hdr)
{
	constexpr std::size_t fixed = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(ifaddrmsg));

	if (hdr.nlmsg_type != RTM_NEWADDR || hdr.nlmsg_len < fixed)
		return std::nullopt;

	const auto *raw = reinterpret_cast<const std::uint8_t *>(&hdr);
	const auto *ifa = static_cast<const ifaddrmsg *>(NLMSG_DATA(&hdr));
	Attrs attrs = Attrs::decode(ByteView(raw + fixed, hdr.nlmsg_len - fixed));
	// IFA_LOCAL is the device's own address on point-to-point links,
	// where IFA_ADDRESS is the peer's; elsewhere they are equal.
	const Bytes *addr = attrs.find(IFA_LOCAL) ? attrs.find(IFA_LOCAL) : attrs.find(IFA_ADDRESS);
	std::size_t len = ifa->ifa_family == AF_INET ? 4 : ifa->ifa_family == AF_INET6 ? 16 : 0;
	char text[INET6_ADDRSTRLEN];

	if (!len || !addr || addr->size() != len ||
	    !inet_ntop(ifa->ifa_family, addr->data(), text, sizeof(text)))
		return std::nullopt;
	return AddrInfo{static_cast<int>(ifa->ifa_index), ifa->ifa_family, text, ifa->ifa_prefixlen,
			attrs.get<std::uint32_t>(IFA_FLAGS).value_or(ifa->ifa_flags)};
}

Message addr_dump_request()
{
	Message msg(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP);
	ifaddrmsg ifa{};

	ifa.ifa_family = AF_UNSPEC;
	msg.append(ifa);
	return msg;
}

} // namespace vmux
