// SPDX-License-Identifier: GPL-2.0
//
// vmux link { add | set | delete | show | help }

#include "commands.hpp"

namespace vmux {

int cmd_link(Context &ctx, Args &args)
{
	static constexpr Command commands[] = {
		{"add", link_add},
		{"set", link_set},
		{"change", link_set},
		{"delete", link_del},
		{"show", link_show},
		{"list", link_show},
		{"help", link_help},
	};

	// Like ip: "vmux link" alone lists.
	if (args.empty())
		return link_show(ctx, args);
	return dispatch(commands, "link", ctx, args);
}

} // namespace vmux
