// SPDX-License-Identifier: GPL-2.0
//
// vmux port show [ [ dev ] DEV ]: the ports, i.e. the lowers with vmux
// devices, and for each the devices by kind with what the port
// demultiplexes them by, and the port's drop counters.

#include <algorithm>
#include <map>

#include <fmt/core.h>

#include "addr_info.hpp"
#include "commands.hpp"
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
	std::vector<const LinkInfo *> devices;
	const DropCounters *drops = nullptr;
};

PortSnapshot snapshot(Netlink &nl)
{
	PortSnapshot snap;

	for (const Bytes &reply : nl.dump(link_dump_request(true)))
		if (auto link = parse_link(*reinterpret_cast<const nlmsghdr *>(reply.data())))
			snap.links.push_back(std::move(*link));
	for (const Bytes &reply : nl.dump(addr_dump_request()))
		if (auto addr = parse_addr(*reinterpret_cast<const nlmsghdr *>(reply.data())))
			snap.addresses.emplace(addr->ifindex, std::move(addr->address));
	return snap;
}

std::map<PortKey, Port> group_by_port(const PortSnapshot &snap)
{
	std::map<int, const LinkInfo *> by_index;
	std::map<PortKey, Port> ports;

	for (const LinkInfo &link : snap.links)
		by_index[link.ifindex] = &link;
	for (const LinkInfo &link : snap.links) {
		if (!link.is_vmux() || !link.link)
			continue;
		PortKey key{link.link_netnsid.value_or(-1), *link.link};
		Port &port = ports[key];
		if (port.name.empty())
			port.name = key.netnsid < 0 && by_index.contains(key.ifindex)
					    ? by_index[key.ifindex]->name
					    : fmt::format("if{}", key.ifindex);
		port.devices.push_back(&link);
		if (link.port_drops)
			port.drops = &*link.port_drops;
	}
	// Devices by kind, in registry order, then by index.
	auto rank = [](const LinkInfo *l) {
		auto all = kinds();
		return std::ranges::find(all, find_kind(l->kind)) - all.begin();
	};
	for (auto &[key, port] : ports)
		std::ranges::sort(port.devices, [&](const LinkInfo *a, const LinkInfo *b) {
			return std::pair(rank(a), a->ifindex) < std::pair(rank(b), b->ifindex);
		});
	return ports;
}

void print_device(Printer &out, const LinkInfo &dev, const Kind &kind, const PortSnapshot &snap)
{
	out.open_object();
	out.print(Out::any, "kind", "    {} ", dev.kind);
	out.print(Out::any, "ifindex", "{}: ", dev.ifindex);
	out.print(Out::any, "ifname", "{} ", dev.name);
	if (kind.demux == Demux::mac)
		out.print(Out::any, "address", "address {} ", format_lladdr(dev.address));
	if (kind.demux == Demux::ip) {
		auto [first, last] = snap.addresses.equal_range(dev.ifindex);
		out.open_array("addresses", "addresses ");
		for (auto it = first; it != last; ++it)
			out.print(Out::any, "", "{} ", it->second);
		out.close_array();
	}
	if (dev.info_data)
		print_kind_keys(kind, *dev.info_data, out);
	out.nl();
	out.close_object();
}

void print_port(Printer &out, const PortKey &key, const Port &port, const PortSnapshot &snap)
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
	for (const LinkInfo *dev : port.devices)
		if (const Kind *kind = find_kind(dev->kind))
			print_device(out, *dev, *kind, snap);
	out.close_array();
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
		print_port(out, key, port, snap);
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

	if (!print_ports(out, snapshot(ctx.netlink()), dev))
		throw std::runtime_error(fmt::format("Device \"{}\" is no vmux port.", dev));
	emit(out.take());
	return 0;
}

} // namespace vmux
