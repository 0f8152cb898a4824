// SPDX-License-Identifier: GPL-2.0

#include "port_info.hpp"

#include <cerrno>

#include <arpa/inet.h>
#include <linux/genetlink.h>
#include <linux/vmux.h>
#include <sys/socket.h>

#include "error.hpp"
#include "netlink.hpp"

namespace vmux {

static genlmsghdr genl_header(std::uint8_t cmd, std::uint8_t version)
{
	genlmsghdr hdr{};

	hdr.cmd = cmd;
	hdr.version = version;
	return hdr;
}

// The attributes after nlmsghdr and genlmsghdr.
static std::optional<Attrs> genl_attrs(const nlmsghdr &hdr)
{
	constexpr std::size_t fixed = NLMSG_HDRLEN + GENL_HDRLEN;

	if (hdr.nlmsg_len < fixed)
		return std::nullopt;
	const auto *raw = reinterpret_cast<const std::uint8_t *>(&hdr);
	return Attrs::decode(ByteView(raw + fixed, hdr.nlmsg_len - fixed));
}

Message port_dump_request(std::uint16_t family, std::uint32_t lower)
{
	Message msg(family, NLM_F_REQUEST | NLM_F_DUMP);

	msg.append(genl_header(VMUX_CMD_GET_PORT, VMUX_GENL_VERSION));
	if (lower)
		msg.put_value(VMUX_A_PORT_IFINDEX, lower);
	return msg;
}

static std::vector<std::string> parse_addresses(const Bytes &nest)
{
	std::vector<std::string> out;

	for_each_attr(nest, [&](std::uint16_t type, ByteView addr) {
		int family = type == VMUX_A_ADDR_IN && addr.size() == 4	  ? AF_INET
			     : type == VMUX_A_ADDR_IN6 && addr.size() == 16 ? AF_INET6
									    : 0;
		char text[INET6_ADDRSTRLEN];

		if (family && inet_ntop(family, addr.data(), text, sizeof(text)))
			out.emplace_back(text);
	});
	return out;
}

std::optional<PortReply> parse_port_reply(const nlmsghdr &hdr, std::uint16_t family)
{
	if (hdr.nlmsg_type != family)
		return std::nullopt;
	auto attrs = genl_attrs(hdr);
	if (!attrs)
		return std::nullopt;
	auto port = attrs->get<std::uint32_t>(VMUX_A_PORT_IFINDEX);
	if (!port)
		return std::nullopt;

	PortReply reply;
	reply.port_ifindex = *port;
	reply.drops = parse_drop_counters(*attrs, VMUX_A_PORT_DROPS);
	reply.hidden = attrs->get<std::uint32_t>(VMUX_A_PORT_HIDDEN).value_or(0);
	if (auto ifindex = attrs->get<std::uint32_t>(VMUX_A_CHILD_IFINDEX)) {
		PortChild child;

		child.ifindex = *ifindex;
		child.name = attrs->get_string(VMUX_A_CHILD_IFNAME).value_or("");
		child.kind = attrs->get_string(VMUX_A_CHILD_KIND).value_or("");
		child.netnsid = attrs->get<std::int32_t>(VMUX_A_CHILD_NETNSID);
		child.flags = attrs->get<std::uint32_t>(VMUX_A_CHILD_FLAGS).value_or(0);
		if (const Bytes *address = attrs->find(VMUX_A_CHILD_ADDRESS))
			child.address = *address;
		if (const Bytes *data = attrs->find(VMUX_A_CHILD_DATA))
			child.data = Attrs::decode(*data);
		if (const Bytes *addrs = attrs->find(VMUX_A_CHILD_ADDRS))
			child.addresses = parse_addresses(*addrs);
		reply.child = std::move(child);
	}
	return reply;
}

std::optional<std::uint16_t> genl_family_id(Netlink &genl, std::string_view name)
{
	Message msg(GENL_ID_CTRL, NLM_F_REQUEST | NLM_F_ACK);
	std::optional<std::uint16_t> id;

	msg.append(genl_header(CTRL_CMD_GETFAMILY, 1));
	msg.put_string(CTRL_ATTR_FAMILY_NAME, name);
	try {
		genl.request(msg, [&](const nlmsghdr &hdr) {
			if (hdr.nlmsg_type != GENL_ID_CTRL)
				return;
			if (auto attrs = genl_attrs(hdr))
				id = attrs->get<std::uint16_t>(CTRL_ATTR_FAMILY_ID);
		});
	} catch (const NetlinkError &e) {
		if (e.error() == ENOENT)
			return std::nullopt;
		throw;
	}
	return id;
}

} // namespace vmux
