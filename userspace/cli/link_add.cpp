// SPDX-License-Identifier: GPL-2.0
//
// vmux link add link DEV name NAME [ GENERIC ] type KIND [ ARGS ]

#include "commands.hpp"
#include "link_args.hpp"

namespace vmux {

int link_add(Context &ctx, Args &args)
{
	LinkArgs parsed = parse_link_args(LinkRequest::Op::add, args);

	ctx.request(resolve_link_args(ctx, std::move(parsed)).build());
	return 0;
}

} // namespace vmux
