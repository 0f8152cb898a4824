// SPDX-License-Identifier: GPL-2.0
//
// vmux link show [ [ dev ] DEV ] [ type KIND ]: without DEV every vmux
// device, with DEV that device whatever it is, as `ip link show` does.

#include <algorithm>
#include <unordered_map>

#include <fmt/core.h>

#include "commands.hpp"
#include "kinds/kind.hpp"
#include "link_info.hpp"
#include "print_link.hpp"

namespace vmux {
namespace {

struct ShowFilter {
	std::string dev;
	const Kind *kind = nullptr;

	bool wants(const LinkInfo &link) const
	{
		if (kind && link.kind != kind->kernel_kind)
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
			continue;
		}
		take_dev(filter.dev, word, args);
	}
	return filter;
}

} // namespace

int link_show(Context &ctx, Args &args)
{
	const ShowFilter filter = parse_filter(args);
	const ShowOptions opts{ctx.opts.details, ctx.opts.stats > 0};
	std::vector<LinkInfo> links;
	std::unordered_map<int, const LinkInfo *> by_index;

	// One dump: the lowers' names and states come from it too.
	for (const Bytes &reply : ctx.netlink().dump(link_dump_request(opts.stats)))
		if (auto link = parse_link(*reinterpret_cast<const nlmsghdr *>(reply.data())))
			links.push_back(std::move(*link));
	for (const LinkInfo &link : links)
		by_index[link.ifindex] = &link;

	if (!filter.dev.empty() &&
	    std::ranges::none_of(links, [&](const LinkInfo &l) { return l.name == filter.dev; }))
		throw std::runtime_error(fmt::format("Device \"{}\" does not exist.", filter.dev));

	Printer out = ctx.printer();
	out.open_array("");
	for (const LinkInfo &link : links) {
		if (!filter.wants(link))
			continue;
		const LinkInfo *lower = nullptr;
		if (link.link && !link.link_netnsid && by_index.contains(*link.link))
			lower = by_index.at(*link.link);
		print_link(out, link, lower, opts);
		emit(out.take());
	}
	out.close_array();
	emit(out.take());
	return 0;
}

} // namespace vmux
