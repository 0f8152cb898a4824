// SPDX-License-Identifier: GPL-2.0

#include "error.hpp"

#include <cstring>

#include <fmt/core.h>

#include "../lib/error.hpp"
#include "json.hpp"

namespace vmux::cni {

std::string error_json(const Error &err, std::string_view cni_version)
{
	OrderedJson j;

	if (!cni_version.empty())
		j["cniVersion"] = cni_version;
	j["code"] = err.code();
	j["msg"] = err.msg();
	if (!err.details().empty())
		j["details"] = err.details();
	return j.dump(4, ' ', false, Json::error_handler_t::replace);
}

Error netlink_failure(std::string_view what, const NetlinkError &err)
{
	std::string why = err.extack().empty() ? std::strerror(err.error()) : err.extack();

	return Error(internal, fmt::format("{}: {}", what, why),
		     fmt::format("errno {} ({})", err.error(), std::strerror(err.error())));
}

} // namespace vmux::cni
