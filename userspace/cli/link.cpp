// SPDX-License-Identifier: GPL-2.0
//
// vmux link { add | set | delete | show | help }

#include "commands.hpp"

namespace vmux {

int cmd_link(Context &ctx, Args &args)
{
	static constexpr Command commands[] = {
		{"add", link_add, link_add_usage},
		{"set", link_set, link_set_usage},
		{"change", link_set, link_set_usage},
		{"delete", link_del, link_del_usage},
		{"show", link_show, link_show_usage},
		{"list", link_show, link_show_usage},
		{"help", link_help},
	};

	// Like ip: "vmux link" alone lists.
	if (args.empty())
		return link_show(ctx, args);
	return dispatch(commands, "link", ctx, args);
}

} // namespace vmux
