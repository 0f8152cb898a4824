// SPDX-License-Identifier: GPL-2.0

#include "link_args.hpp"

#include <fmt/core.h>

#include "context.hpp"
#include "kinds/kind.hpp"
#include "netns.hpp"

namespace vmux {
namespace {

using Op = LinkRequest::Op;

// Which commands take a keyword.
enum Where : unsigned { on_add = 1, on_set = 2, on_both = on_add | on_set };

void once(bool given, std::string_view keyword, std::string_view word)
{
	if (given)
		throw duplicate_arg(keyword, word);
}

template <std::integral T>
T number(std::string_view keyword, std::string_view word)
{
	auto value = parse_number<T>(word);

	if (!value)
		throw invalid_arg(word, fmt::format("Invalid \"{}\" value", keyword));
	return *value;
}

void set_name(LinkArgs &p, std::string_view keyword, Args &args)
{
	std::string_view word = args.next();

	if (p.req.has_name())
		throw garbage_arg(keyword, word);
	p.req.name(std::string(word));
}

// set: the device to change, as "dev DEV" or the first bare word.
void set_dev(LinkArgs &p, std::string_view keyword, Args &args)
{
	std::string_view word = args.next();

	if (!p.dev.empty())
		throw garbage_arg(keyword, word);
	p.dev = word;
}

void set_lower(LinkArgs &p, std::string_view keyword, Args &args)
{
	std::string_view word = args.next();

	once(!p.lower.empty(), keyword, word);
	p.lower = word;
}

void set_mtu(LinkArgs &p, std::string_view keyword, Args &args)
{
	std::string_view word = args.next();

	once(p.req.has_mtu(), keyword, word);
	p.req.mtu(number<std::uint32_t>(keyword, word));
}

void set_txqlen(LinkArgs &p, std::string_view, Args &args)
{
	std::string_view word = args.next();

	once(p.req.has_txqlen(), "txqueuelen", word);
	p.req.txqlen(number<std::uint32_t>("txqueuelen", word));
}

void set_address(LinkArgs &p, std::string_view keyword, Args &args)
{
	std::string_view word = args.next();
	auto addr = parse_lladdr(word);

	once(p.req.has_address(), keyword, word);
	if (!addr)
		throw invalid_arg(word, "invalid lladdr");
	p.req.address(std::move(*addr));
}

void set_state(LinkArgs &p, std::string_view keyword, Args &)
{
	once(p.req.has_state(), "up/down", keyword);
	p.req.up(keyword == "up");
}

// netns { PID | NAME }: a number is a process, anything else a name.
void set_netns(LinkArgs &p, std::string_view keyword, Args &args)
{
	std::string_view word = args.next();

	once(p.req.has_netns() || !p.netns.empty(), keyword, word);
	if (auto pid = parse_number<std::uint32_t>(word); pid && word.find_first_not_of("0123456789") == word.npos)
		p.req.netns_pid(*pid);
	else
		p.netns = word;
}

void set_link_netns(LinkArgs &p, std::string_view keyword, Args &args)
{
	std::string_view word = args.next();

	once(!p.link_netns.empty(), keyword, word);
	p.link_netns = word;
}

// type KIND [ ARGS ]: the rest of the line belongs to the kind. Like ip,
// no IFLA_INFO_DATA at all when no ARGS follow.
void set_kind(LinkArgs &p, std::string_view, Args &args)
{
	const Kind &kind = kind_named(args.next());
	LinkKind link_kind{std::string(kind.kernel_kind), std::nullopt};

	if (!args.empty())
		link_kind.data = parse_kind_args(kind, args);
	p.req.kind(std::move(link_kind));
}

struct Keyword {
	std::string_view word;
	void (*apply)(LinkArgs &p, std::string_view keyword, Args &args);
	unsigned where;
};

constexpr Keyword keywords[] = {
	{"link", set_lower, on_add},
	{"name", set_name, on_both},
	{"dev", set_dev, on_set},
	{"mtu", set_mtu, on_both},
	{"address", set_address, on_both},
	{"txqueuelen", set_txqlen, on_both},
	{"txqlen", set_txqlen, on_both},
	{"qlen", set_txqlen, on_both},
	{"up", set_state, on_both},
	{"down", set_state, on_both},
	{"netns", set_netns, on_both},
	{"link-netns", set_link_netns, on_add},
	{"type", set_kind, on_both},
};

} // namespace

LinkArgs parse_link_args(Op op, Args &args)
{
	LinkArgs p(op);
	const unsigned where = op == Op::add ? on_add : on_set;

	while (!args.empty()) {
		std::string_view word = args.peek();
		const Keyword *kw = lookup(word, keywords, &Keyword::word);

		if (!kw) {
			// ip link add [ name ] NAME; ip link set [ dev ] DEV
			if (op == Op::add)
				set_name(p, "name", args);
			else
				set_dev(p, "dev", args);
			continue;
		}
		args.next();
		if (!(kw->where & where))
			throw invalid_arg(word, fmt::format("not an option of \"link {}\"",
							    op == Op::add ? "add" : "set"));
		kw->apply(p, kw->word, args);
	}

	if (op == Op::add && !p.req.has_kind())
		throw UsageError("Not enough information: \"type\" argument is required");
	if (op == Op::set && p.dev.empty())
		throw UsageError("Not enough information: \"dev\" argument is required.");
	// The kernel reads IFLA_LINK_NETNSID in the target netns, but the id
	// we can find is the one the current netns uses: they differ there.
	if (!p.link_netns.empty() && (p.req.has_netns() || !p.netns.empty()))
		throw invalid_arg(p.link_netns, "\"link-netns\" cannot be combined with \"netns\"");
	return p;
}

LinkRequest resolve_link_args(Context &ctx, LinkArgs &&p)
{
	if (!p.dev.empty())
		p.req.ifindex(ctx.ifindex(p.dev));
	if (!p.netns.empty())
		p.req.netns_fd(open_netns(p.netns));
	if (p.link_netns.empty()) {
		if (!p.lower.empty())
			p.req.link(static_cast<std::uint32_t>(ctx.ifindex(p.lower)));
		return std::move(p.req);
	}
	// link-netns NAME: the lower is a device of that netns.
	UniqueFd link_ns = open_netns(p.link_netns);
	p.req.link_netnsid(netns_id(ctx.netlink(), link_ns.get()));
	if (!p.lower.empty())
		p.req.link(static_cast<std::uint32_t>(ifindex_of(p.lower, link_ns.get())));
	return std::move(p.req);
}

} // namespace vmux
