// SPDX-License-Identifier: GPL-2.0

#include "error.hpp"

#include <cstring>

#include <fmt/core.h>

namespace vmux {

UsageError invalid_arg(std::string_view arg, std::string_view why)
{
	return UsageError(fmt::format("Error: argument \"{}\" is wrong: {}", arg, why));
}

UsageError duplicate_arg(std::string_view keyword, std::string_view arg)
{
	return UsageError(fmt::format("Error: duplicate \"{}\": \"{}\" is the second value.",
				      keyword, arg));
}

UsageError garbage_arg(std::string_view keyword, std::string_view arg)
{
	return UsageError(fmt::format("Error: either \"{}\" is duplicate, or \"{}\" is a garbage.",
				      keyword, arg));
}

UsageError incomplete_command()
{
	return UsageError("Command line is not complete. Try option \"help\"");
}

std::string extack_line(std::string_view prefix, std::string_view msg)
{
	return fmt::format("{}: {}{}", prefix, msg, msg.ends_with('.') ? "" : ".");
}

static std::string netlink_error_line(int error, const std::string &extack)
{
	if (!extack.empty())
		return extack_line("Error", extack);
	return fmt::format("RTNETLINK answers: {}", std::strerror(error));
}

NetlinkError::NetlinkError(int error, std::string extack)
	: std::runtime_error(netlink_error_line(error, extack)), error_(error),
	  extack_(std::move(extack))
{
}

} // namespace vmux
