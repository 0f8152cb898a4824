// SPDX-License-Identifier: GPL-2.0
//
// nlohmann::json for the .cpp files of vmux-cni that read or write JSON,
// and only for them: json.hpp costs every file that includes it a second
// of compile time.

#pragma once

#include <nlohmann/json.hpp>

#include "result.hpp"

namespace vmux::cni {

using Json = nlohmann::json;
// Output keeps the keys in the order the SPEC lists them.
using OrderedJson = nlohmann::ordered_json;

// JSON text of j for messages and output; bytes that are not UTF-8 (from
// the environment: CNI_IFNAME, CNI_NETNS, CNI_ARGS) become U+FFFD instead
// of an exception after the work is done.
inline std::string dump_text(const Json &j, int indent = -1)
{
	return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

inline std::string dump_text(const OrderedJson &j, int indent = -1)
{
	return j.dump(indent, ' ', false, OrderedJson::error_handler_t::replace);
}

// A result object (IPAM's, prevResult) of any supported version; an Error
// with code, naming what (e.g. "prevResult"), if it is not one.
Result result_from_json(const Json &j, std::string_view what, unsigned int code);
// conf's "dns", or a result's.
Dns dns_from_json(const Json &j, std::string_view what, unsigned int code);

} // namespace vmux::cni
