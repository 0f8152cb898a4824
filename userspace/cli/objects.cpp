// SPDX-License-Identifier: GPL-2.0
//
// The objects of the command line: vmux OBJECT { COMMAND | help }.

#include "commands.hpp"

namespace vmux {

int run_object(Context &ctx, Args &args)
{
	static constexpr Command objects[] = {
		{"link", cmd_link},
		{"port", cmd_port},
		{"monitor", cmd_monitor},
		{"completion", cmd_completion},
		{"help", cmd_help},
	};

	return dispatch(objects, "", ctx, args);
}

} // namespace vmux
