// SPDX-License-Identifier: GPL-2.0
//
// vmux port show [ [ dev ] DEV ]: the ports, i.e. the lowers with vmux
// devices, and for each the devices by kind with what the port
// demultiplexes them by, and the port's drop counters. The ports of this
// netns list their children in every netns (the "vmux" generic netlink
// family), as far as the caller may see them; a child here whose lower is
// elsewhere shows under that lower's index and netns id.

#include <algorithm>
#include <cerrno>
#include <map>
#include <tuple>

#include <linux/vmux.h>

#include <fmt/core.h>

#include "addr_info.hpp"
#include "commands.hpp"
#include "netlink.hpp"
#include "port_show.hpp"
#include "kinds/kind.hpp"

namespace vmux {
namespace {

// A lower of another netns is known by its index there and the netns id.
struct PortKey {
	std::int32_t netnsid;	// -1: this netns
	std::uint32_t ifindex;
	auto operator<=>(const PortKey &) const = default;
};

struct Port {
	std::string name;
	std::vector<PortChild> devices;
	std::optional<DropCounters> drops;
	std::uint32_t hidden = 0;	// children the caller may not see
};

// dev: the lower asked for, if any: the kernel then lists its port only.
PortSnapshot snapshot(Context &ctx, std::string_view dev)
{
	Netlink &nl = ctx.netlink();
	PortSnapshot snap;

	for (const Bytes &reply : nl.dump(link_dump_request(true)))
		if (auto link = parse_link(*reinterpret_cast<const nlmsghdr *>(reply.data())))
			snap.links.push_back(std::move(*link));
	for (const Bytes &reply : nl.dump(addr_dump_request()))
		if (auto addr = parse_addr(*reinterpret_cast<const nlmsghdr *>(reply.data())))
			snap.addresses.emplace(addr->ifindex, std::move(addr->address));
	auto family = genl_family_id(ctx.genl(), VMUX_GENL_NAME);
	if (!family)
		return snap;
	auto lower = std::ranges::find(snap.links, dev, &LinkInfo::name);
	std::uint32_t ifindex = lower != snap.links.end() ? lower->ifindex : 0;

	snap.ports.emplace();
	try {
		for (const Bytes &reply : ctx.genl().dump(port_dump_request(*family, ifindex)))
			if (auto port = parse_port_reply(
				    *reinterpret_cast<const nlmsghdr *>(reply.data()), *family))
				snap.ports->push_back(std::move(*port));
	} catch (const NetlinkError &e) {
		// ENOENT: dev is no port, which print_ports() reports.
		if (e.error() != ENOENT || !ifindex)
			throw;
	}
	return snap;
}

// A child of this netns as the link dump shows it.
PortChild child_of(const LinkInfo &link, const PortSnapshot &snap)
{
	PortChild child;
	auto [first, last] = snap.addresses.equal_range(link.ifindex);

	child.ifindex = static_cast<std::uint32_t>(link.ifindex);
	child.name = link.name;
	child.kind = link.kind;
	child.flags = link.flags;
	child.address = link.address;
	child.data = link.info_data.value_or(Attrs());
	for (auto it = first; it != last; ++it)
		child.addresses.push_back(it->second);
	return child;
}

std::map<PortKey, Port> group_by_port(const PortSnapshot &snap)
{
	std::map<int, const LinkInfo *> by_index;
	std::map<PortKey, Port> ports;
	auto port_at = [&](const PortKey &key) -> Port & {
		Port &port = ports[key];
		if (port.name.empty())
			port.name = key.netnsid < 0 && by_index.contains(key.ifindex)
					    ? by_index[key.ifindex]->name
					    : fmt::format("if{}", key.ifindex);
		return port;
	};

	for (const LinkInfo &link : snap.links)
		by_index[link.ifindex] = &link;
	// The ports here, with their children everywhere.
	for (const PortReply &reply : snap.ports.value_or(std::vector<PortReply>())) {
		Port &port = port_at({-1, reply.port_ifindex});
		if (reply.drops)
			port.drops = reply.drops;
		if (reply.child)
			port.devices.push_back(*reply.child);
		port.hidden += reply.hidden;
	}
	// The children here whose port is elsewhere (or all of them, without
	// the family).
	for (const LinkInfo &link : snap.links) {
		if (!link.is_vmux() || !link.link)
			continue;
		PortKey key{link.link_netnsid.value_or(-1), *link.link};
		if (snap.ports && key.netnsid < 0)
			continue;
		Port &port = port_at(key);
		port.devices.push_back(child_of(link, snap));
		if (link.port_drops)
			port.drops = link.port_drops;
	}
	// Devices by kind, in registry order, then by netns and index.
	auto rank = [](const PortChild &c) {
		auto all = kinds();
		return std::tuple(std::ranges::find(all, find_kind(c.kind)) - all.begin(),
				  c.netnsid.value_or(-1), c.ifindex);
	};
	for (auto &[key, port] : ports)
		std::ranges::sort(port.devices, [&](const PortChild &a, const PortChild &b) {
			return rank(a) < rank(b);
		});
	return ports;
}

void print_device(Printer &out, const PortChild &dev, const Kind &kind)
{
	out.open_object();
	out.print(Out::any, "kind", "    {} ", dev.kind);
	out.print(Out::any, "ifindex", "{}: ", dev.ifindex);
	out.print(Out::any, "ifname", "{} ", dev.name);
	if (dev.netnsid)
		out.print(Out::any, "netnsid", "netnsid {} ", *dev.netnsid);
	if (kind.demux == Demux::mac)
		out.print(Out::any, "address", "address {} ", format_lladdr(dev.address));
	if (kind.demux == Demux::ip) {
		out.open_array("addresses", "addresses ");
		for (const std::string &address : dev.addresses)
			out.print(Out::any, "", "{} ", address);
		out.close_array();
	}
	print_kind_keys(kind, dev.data, out);
	out.nl();
	out.close_object();
}

void print_port(Printer &out, const PortKey &key, const Port &port)
{
	out.open_object();
	out.print(Out::any, "ifindex", "{}: ", key.ifindex);
	out.print(Out::any, "ifname", "{}:", port.name);
	if (key.netnsid >= 0)
		out.print(Out::any, "link_netnsid", " link-netnsid {}", key.netnsid);
	out.nl();
	if (port.drops) {
		out.open_object("drops");
		out.text("    drops:");
		for (std::size_t reason = 0; reason < port.drops->size(); reason++) {
			out.text(fmt::format(" {}", drop_reason_name(reason)));
			out.print(Out::any, drop_reason_name(reason), " {}", (*port.drops)[reason]);
		}
		out.close_object();
		out.nl();
	}
	out.open_array("devices");
	for (const PortChild &dev : port.devices)
		if (const Kind *kind = find_kind(dev.kind))
			print_device(out, dev, *kind);
	out.close_array();
	if (port.hidden) {
		out.print(Out::any, "hidden", "    {} more in namespaces this user may not see", port.hidden);
		out.nl();
	}
	out.close_object();
}

} // namespace

bool print_ports(Printer &out, const PortSnapshot &snap, std::string_view dev)
{
	bool found = false;

	out.open_array("");
	for (const auto &[key, port] : group_by_port(snap)) {
		if (!dev.empty() && port.name != dev)
			continue;
		found = true;
		print_port(out, key, port);
	}
	out.close_array();
	return found || dev.empty();
}

int port_show(Context &ctx, Args &args)
{
	std::string dev;

	while (!args.empty())
		take_dev(dev, args.next(), args);

	Printer out = ctx.printer();

	if (!print_ports(out, snapshot(ctx, dev), dev))
		throw std::runtime_error(fmt::format("Device \"{}\" is no vmux port.", dev));
	emit(out.take());
	return 0;
}

} // namespace vmux
