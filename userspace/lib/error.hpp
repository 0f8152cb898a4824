// SPDX-License-Identifier: GPL-2.0
//
// The two ways a vmux command fails. Both carry the exact line the CLI
// prints; the library builds the text, never prints it.

#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace vmux {

// The command line is wrong: nothing was sent. Exit status 1, as ip(8).
class UsageError : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

// "help" where the command line allows it ("type vlan help"): not an
// error; the text goes to stdout and the exit status is 0.
class HelpRequest : public std::runtime_error {
public:
	using std::runtime_error::runtime_error;
};

// The words of iproute2's invarg(), duparg(), duparg2() and
// incomplete_command(), so scripts that grep ip's errors work for vmux too.
UsageError invalid_arg(std::string_view arg, std::string_view why);
UsageError duplicate_arg(std::string_view keyword, std::string_view arg);
UsageError garbage_arg(std::string_view keyword, std::string_view arg);
UsageError incomplete_command();

// The kernel refused a request. errno is positive; extack is the kernel's
// NLMSGERR_ATTR_MSG, empty when it sent none. Exit status 2, as ip(8).
class NetlinkError : public std::runtime_error {
public:
	NetlinkError(int error, std::string extack);

	int error() const noexcept { return error_; }
	const std::string &extack() const noexcept { return extack_; }

private:
	int error_;
	std::string extack_;
};

// "Error: <msg>." for an error, "Warning: <msg>." for an extack on success:
// iproute2 adds the full stop when the kernel did not.
std::string extack_line(std::string_view prefix, std::string_view msg);

} // namespace vmux
