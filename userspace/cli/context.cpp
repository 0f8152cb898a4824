// SPDX-License-Identifier: GPL-2.0

#include "context.hpp"

#include <cstdio>

#include <fmt/core.h>

#include "netns.hpp"

namespace vmux {

Netlink &Context::netlink()
{
	if (!netlink_)
		netlink_.emplace();
	return *netlink_;
}

void Context::request(const Message &msg)
{
	std::string warning = netlink().request(msg);

	if (!warning.empty())
		emit_error(extack_line("Warning", warning));
}

int Context::ifindex(std::string_view dev)
{
	auto it = ifindexes_.find(dev);

	if (it == ifindexes_.end())
		it = ifindexes_.emplace(std::string(dev), ifindex_of(dev)).first;
	return it->second;
}

void emit(std::string_view text)
{
	std::fwrite(text.data(), 1, text.size(), stdout);
}

void emit_error(std::string_view line)
{
	std::fflush(stdout);
	fmt::print(stderr, "{}\n", line);
}

int dispatch(std::span<const Command> table, std::string_view object, Context &ctx, Args &args)
{
	std::string_view word = args.next();
	const Command *cmd = lookup(word, table, &Command::name);

	if (!cmd)
		throw UsageError(fmt::format("Command \"{}\" is unknown, try \"vmux {}help\".", word,
					     object.empty() ? "" : fmt::format("{} ", object)));
	return cmd->run(ctx, args);
}

} // namespace vmux
