// SPDX-License-Identifier: GPL-2.0

#include "context.hpp"

#include <cstdio>
#include <cstdlib>

#include <unistd.h>

#include <fmt/core.h>

#include "netns.hpp"

namespace vmux {

Netlink &Context::netlink()
{
	if (!netlink_)
		netlink_.emplace();
	return *netlink_;
}

Netlink &Context::genl()
{
	if (!genl_)
		genl_.emplace(NETLINK_GENERIC);
	return *genl_;
}

Printer Context::printer() const
{
	Printer out(opts.json, opts.pretty);

	if (!opts.json && (opts.color == ColorMode::always ||
			   (opts.color == ColorMode::automatic && isatty(STDOUT_FILENO)))) {
		// set_color_palette(): COLORFGBG's last field 0-6 or 8 is a
		// dark background.
		const char *fgbg = std::getenv("COLORFGBG");
		std::string_view bg = fgbg ? std::string_view(fgbg) : std::string_view();
		bool dark = false;

		if (auto semi = bg.rfind(';'); semi != bg.npos) {
			bg.remove_prefix(semi + 1);
			dark = bg.size() == 1 && ((bg[0] >= '0' && bg[0] <= '6') || bg[0] == '8');
		}
		out.enable_color(dark);
	}
	return out;
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
	// "COMMAND help" and nothing more: "link help vlan" is link's own.
	if (cmd->usage && args.remaining() == 1 && args.peek() == "help") {
		emit(cmd->usage());
		return 0;
	}
	return cmd->run(ctx, args);
}

} // namespace vmux
