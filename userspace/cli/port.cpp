// SPDX-License-Identifier: GPL-2.0
//
// vmux port { show | help }

#include "commands.hpp"

namespace vmux {

static int port_help(Context &, Args &)
{
	emit(port_usage_text());
	return 0;
}

int cmd_port(Context &ctx, Args &args)
{
	static constexpr Command commands[] = {
		{"show", port_show, port_usage_text},
		{"list", port_show, port_usage_text},
		{"help", port_help},
	};

	if (args.empty())
		return port_show(ctx, args);
	return dispatch(commands, "port", ctx, args);
}

} // namespace vmux
