// SPDX-License-Identifier: GPL-2.0
//
// vmux monitor [ link ]: vmux devices appearing, changing and going, as
// "[NEW] "/"[DEL] " and a `link show` line, or one JSON object per event.

#include <cstdio>
#include <unordered_map>

#include <linux/rtnetlink.h>

#include "commands.hpp"
#include "link_info.hpp"
#include "print_link.hpp"

namespace vmux {
namespace {

// Every link of the netns by index, vmux or not: "@lower" and M-DOWN of a
// vmux device come from its lower's latest state.
class LinkCache {
public:
	void update(const LinkInfo &link)
	{
		if (link.deleted)
			links_.erase(link.ifindex);
		else
			links_.insert_or_assign(link.ifindex, link);
	}

	const LinkInfo *lower_of(const LinkInfo &link) const
	{
		if (!link.link || link.link_netnsid)
			return nullptr;
		auto it = links_.find(static_cast<int>(*link.link));
		return it == links_.end() ? nullptr : &it->second;
	}

private:
	std::unordered_map<int, LinkInfo> links_;
};

} // namespace

int cmd_monitor(Context &ctx, Args &args)
{
	if (!args.empty()) {
		std::string_view word = args.next();
		if (!matches(word, "link") || !args.empty())
			throw invalid_arg(word, "only \"link\" events can be monitored");
	}

	// Join first, then take the snapshot: no event falls in between.
	Netlink events;
	events.subscribe(RTNLGRP_LINK);
	LinkCache cache;
	for (const Bytes &reply : ctx.netlink().dump(link_dump_request(false)))
		if (auto link = parse_link(*reinterpret_cast<const nlmsghdr *>(reply.data())))
			cache.update(*link);

	ShowOptions opts;

	opts.details = ctx.opts.details;
	opts.stats = ctx.opts.stats;
	opts.event_tags = true;
	events.listen([&](const nlmsghdr &hdr) {
		auto link = parse_link(hdr);

		if (!link)
			return true;
		cache.update(*link);
		if (link->is_vmux()) {
			Printer out = ctx.printer();
			print_link(out, *link, cache.lower_of(*link), opts);
			emit(out.take());
			std::fflush(stdout);
		}
		return true;
	});
	return 0;
}

} // namespace vmux
