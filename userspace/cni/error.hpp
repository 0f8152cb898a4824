// SPDX-License-Identifier: GPL-2.0
//
// The CNI error object (SPEC §6): a code, a message and details, written
// on stdout with exit status 1. Every failure of vmux-cni is one.

#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace vmux {
class NetlinkError;
}

namespace vmux::cni {

// The well-known codes of SPEC §6; 100 and up are the plugin's own, and
// SKEL reports every other failure as 999.
enum Code : unsigned int {
	incompatible_version = 1,
	unsupported_field = 2,	// the message names the key and the value
	unknown_container = 3,
	invalid_env = 4,	// the message names the variable
	io_failure = 5,
	decode_failure = 6,
	invalid_config = 7,
	try_again_later = 11,
	internal = 999,
};

class Error : public std::runtime_error {
public:
	Error(unsigned int code, std::string msg, std::string details = {})
		: std::runtime_error(std::move(msg)), code_(code), details_(std::move(details))
	{
	}

	unsigned int code() const noexcept { return code_; }
	std::string msg() const { return what(); }
	const std::string &details() const noexcept { return details_; }

private:
	unsigned int code_;
	std::string details_;
};

// {"cniVersion":..., "code":..., "msg":..., "details":...}: cniVersion
// when the config's is known, details when not empty (as SKEL's omitempty).
std::string error_json(const Error &err, std::string_view cni_version = {});

// The kernel refused `what`: its extack (or strerror) in the message, the
// errno in the details.
Error netlink_failure(std::string_view what, const NetlinkError &err);

} // namespace vmux::cni
