// SPDX-License-Identifier: GPL-2.0
//
// The objects of the command line: vmux OBJECT { COMMAND | help }.

#include "commands.hpp"

namespace vmux {

int run_object(Context &ctx, Args &args)
{
	static constexpr Command objects[] = {
		{"link", cmd_link, link_usage_text},
		{"port", cmd_port, port_usage_text},
		{"monitor", cmd_monitor, monitor_usage_text},
		{"completion", cmd_completion, completion_usage_text},
		{"apply", cmd_apply, apply_usage_text},
		{"help", cmd_help},
	};

	return dispatch(objects, "", ctx, args);
}

} // namespace vmux
