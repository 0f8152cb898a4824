// SPDX-License-Identifier: GPL-2.0
//
// vmux link show [ [ dev ] DEV ] [ up ] [ master DEV ] [ group GROUP ]
// [ type KIND ]: without DEV every vmux device, with DEV that device
// whatever it is, as `ip link show` does; the filters as ip's.

#include <algorithm>
#include <map>
#include <linux/if.h>
#include <linux/if_link.h>
#include <unordered_map>

#include <fmt/core.h>

#include "commands.hpp"
#include "kinds/kind.hpp"
#include "link_args.hpp"
#include "link_info.hpp"
#include "netns.hpp"
#include "print_link.hpp"

namespace vmux {
namespace {

struct ShowFilter {
	std::string dev;
	const Kind *kind = nullptr;
	bool up = false;
	std::string master;
	std::optional<std::uint32_t> master_index;	// master, looked up
	std::optional<std::uint32_t> group;

	bool wants(const LinkInfo &link) const
	{
		if (kind && link.kind != kind->kernel_kind)
			return false;
		if (up && !(link.flags & IFF_UP))
			return false;
		if (group && link.group.value_or(0) != *group)
			return false;
		if (master_index && link.master != master_index)
			return false;
		return dev.empty() ? link.is_vmux() : link.name == dev;
	}
};

ShowFilter parse_filter(Args &args)
{
	ShowFilter filter;

	while (!args.empty()) {
		std::string_view word = args.next();

		if (word == "type") {
			filter.kind = &kind_named(args.next());
		} else if (word == "up") {
			filter.up = true;
		} else if (word == "master") {
			filter.master = args.next();
			check_ifname("master", filter.master);
		} else if (word == "group") {
			std::string_view value = args.next();
			Attrs attrs;
			std::vector<std::string> one{std::string(value)};
			Args group_args(one);

			// The same GROUP as "link set ... group".
			parse_group_value(group_args, attrs);
			filter.group = attrs.get<std::uint32_t>(IFLA_GROUP);
		} else if (word == "help") {
			throw HelpRequest(link_show_usage());
		} else {
			take_dev(filter.dev, word, args);
		}
	}
	return filter;
}

// -oneline: the record's line breaks become '\\', as ip's _SL_.
std::string oneline(std::string text)
{
	if (text.ends_with('\n'))
		text.pop_back();
	std::ranges::replace(text, '\n', '\\');
	return text + "\n";
}

} // namespace

int link_show(Context &ctx, Args &args)
{
	ShowFilter filter = parse_filter(args);
	ShowOptions opts;

	opts.details = ctx.opts.details;
	opts.stats = ctx.opts.stats;
	opts.brief = ctx.opts.brief;
	std::vector<LinkInfo> links;
	std::unordered_map<int, const LinkInfo *> by_index;

	// One dump: the lowers' and masters' names and states come from it too.
	for (const Bytes &reply : ctx.netlink().dump(link_dump_request(opts.stats > 0)))
		if (auto link = parse_link(*reinterpret_cast<const nlmsghdr *>(reply.data())))
			links.push_back(std::move(*link));
	for (const LinkInfo &link : links)
		by_index[link.ifindex] = &link;
	// ip's get_name_from_nsid(), asked once per id.
	std::map<std::int32_t, std::optional<std::string>> netns_names;
	opts.netns_name = [&](std::int32_t nsid) {
		auto it = netns_names.find(nsid);
		if (it == netns_names.end())
			it = netns_names.emplace(nsid, netns_name_of(ctx.netlink(), nsid)).first;
		return it->second;
	};
	opts.ifname = [&](std::uint32_t index) {
		auto it = by_index.find(static_cast<int>(index));
		return it != by_index.end() ? it->second->name : fmt::format("if{}", index);
	};

	auto named = [&](const std::string &name) {
		return std::ranges::find(links, name, &LinkInfo::name);
	};
	if (!filter.dev.empty() && named(filter.dev) == links.end())
		throw std::runtime_error(fmt::format("Device \"{}\" does not exist.", filter.dev));
	if (!filter.master.empty()) {
		auto master = named(filter.master);
		if (master == links.end())
			throw std::runtime_error(fmt::format("Device \"{}\" does not exist.", filter.master));
		filter.master_index = static_cast<std::uint32_t>(master->ifindex);
	}

	Printer out = ctx.printer();
	out.open_array("");
	for (const LinkInfo &link : links) {
		if (!filter.wants(link))
			continue;
		const LinkInfo *lower = nullptr;
		if (link.link && !link.link_netnsid && by_index.contains(*link.link))
			lower = by_index.at(*link.link);
		print_link(out, link, lower, opts);
		emit(ctx.opts.oneline && !ctx.opts.json ? oneline(out.take()) : out.take());
	}
	out.close_array();
	emit(out.take());
	return 0;
}

} // namespace vmux
