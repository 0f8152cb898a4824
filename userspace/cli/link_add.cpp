// SPDX-License-Identifier: GPL-2.0
//
// vmux link add link DEV name NAME [ GENERIC ] type KIND [ ARGS ]

#include <cerrno>
#include <filesystem>

#include <fmt/core.h>

#include "commands.hpp"
#include "link_args.hpp"

namespace vmux {

int link_add(Context &ctx, Args &args)
{
	LinkArgs parsed = parse_link_args(LinkRequest::Op::add, args);
	LinkRequest req = resolve_link_args(ctx, std::move(parsed));

	try {
		ctx.request(req.build());
	} catch (const NetlinkError &e) {
		// "Unknown device type." is all the kernel says when it could
		// not load the module for the kind (not installed, or the
		// caller may not load modules: only the initial user
		// namespace's root autoloads).
		if (e.error() != EOPNOTSUPP || std::filesystem::exists("/sys/module/vmux"))
			throw;
		throw NetlinkError(e.error(),
				   "Unknown device type: the vmux module is not loaded; load it with "
				   "\"modprobe vmux\" as root");
	}
	return 0;
}

} // namespace vmux
